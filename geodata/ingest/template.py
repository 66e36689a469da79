"""Upload templates: an XLSX with a region's counties to fill in and upload again.

The headers are the importer's own Chinese names (:mod:`geodata.ingest.columns`), the
county code, province, prefecture and county name are filled in from the map's current
counties, the period is in the title row and a period column, and every count cell
accepts only whole numbers from 0 (Excel and WPS refuse anything else). A second sheet
explains, in Chinese, how to fill it in. A file filled from it imports with no problem.
"""

from __future__ import annotations

import io

import pandas as pd

from geodata import regions

#: (field, Chinese header) of the value columns, per kind, in the importer's order.
VALUE_HEADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "children": (
        ("children", "儿童总数（人）"),
        ("left_behind", "留守儿童（人）"),
        ("migrant", "流动儿童（人）"),
        ("risk_hardship", "困境儿童（人）"),
        ("risk_disability", "残疾儿童（人）"),
        ("risk_unguarded", "监护缺失儿童（人）"),
        ("risk_street", "流浪乞讨儿童（人）"),
        ("risk_psych", "心理行为问题儿童（人）"),
    ),
    "facilities": (
        ("children_homes", "儿童之家数（个）"),
        ("activity_centres", "留守儿童活动中心数（个）"),
        ("child_directors", "儿童主任数（人）"),
        ("child_supervisors", "儿童督导员数（人）"),
    ),
}
PLACE_HEADERS = ("区划代码", "省份", "地市", "县（市、区）", "时期")
KIND_ZH = {"children": "儿童人数", "facilities": "关爱服务设施"}
INSTRUCTIONS = (
    "填报说明",
    "1. 本表由儿童关爱地图生成，已列出本地区的全部县级单位（区划代码、省份、地市、县名）和时期，请勿修改这几列。",
    "2. 每个县一行，在数值列填写整数人数（或个数），不得填负数、小数、文字或公式；没有的项目留空。",
    "3. 只上报部分县时，删除不上报的县所在的行（留下的行每行至少填一个数）。上传时默认为“合并”：只更新表中列出的县和列，其他县保持原样。",
    "4. 如本表是本地区的完整数据，上传时可选择“替换”并选择本地区为范围：本地区中表内没有的县将显示为“未上报”（无数据）。",
    "5. 不要增加合计、小计行，不要合并单元格；可以保留标题行。",
    "6. 填好后在“上传数据”页面上传本文件（或用命令 python app.py import 文件 --kind 类型）。",
)


def workbook(
    counties: pd.DataFrame, kind: str, period: str, region: str | None = None
) -> tuple[bytes, str]:
    """The template of `region`'s counties (a layer table: ``name_zh, province_zh,
    prefecture_zh, province_code``, indexed by code) and its file name."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind not in VALUE_HEADERS:
        raise ValueError(f"kind must be one of {', '.join(VALUE_HEADERS)}")
    region = regions.check(counties, region)
    codes = regions.expected(counties, region)
    if not len(codes):
        raise ValueError(f"no counties to report in region {region}")
    table = counties.loc[codes].sort_index()
    values = VALUE_HEADERS[kind]
    place = (
        "全国"
        if region == regions.NATION
        else str(table["province_zh"].iloc[0])
        if regions.level(region) == "province"
        else str(table["prefecture_zh"].iloc[0])
        if regions.level(region) == "prefecture"
        else str(table["name_zh"].iloc[0])
    )
    year, half = period.split("-")
    period_zh = f"{year}年{'上' if half == 'H1' else '下'}半年"
    wb = Workbook()
    ws = wb.active
    ws.title = "填报表"
    ws.append([f"{place}{period_zh}{KIND_ZH[kind]}填报表（{period}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([*PLACE_HEADERS, *(h for _, h in values)])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for code, row in table.iterrows():
        ws.append([str(code), row["province_zh"], row["prefecture_zh"], row["name_zh"], period])
    last = ws.max_row
    first_value = len(PLACE_HEADERS) + 1
    for i in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(i)].width = 12 if i == 1 else 16
    for r in range(3, last + 1):
        ws.cell(r, 1).number_format = "@"  # codes stay text (no 5.2e5)
    check = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle="只能填写整数",
        error="请填写 0 或正整数（人数或个数），不要填小数、负数或文字。",
        showInputMessage=True, promptTitle="填写整数", prompt="0 或正整数；没有的留空",
    )  # fmt: skip
    lo, hi = get_column_letter(first_value), get_column_letter(ws.max_column)
    check.add(f"{lo}3:{hi}{last}")
    ws.add_data_validation(check)
    ws.freeze_panes = "E3"
    notes = wb.create_sheet("填报说明")
    for line in INSTRUCTIONS:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=13)
    notes.column_dimensions["A"].width = 120
    buf = io.BytesIO()
    wb.save(buf)
    name = f"{place}-{period}-{KIND_ZH[kind]}-填报模板.xlsx"
    return buf.getvalue(), name
