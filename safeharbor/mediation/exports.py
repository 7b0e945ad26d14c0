"""The statistics as an Excel workbook laid out like a justice bureau's monthly
people's-mediation statistics table (人民调解工作统计月报表): a title, the reporting unit and
period, a two-row header with the disputes by type, agreements, performance and prevention
columns, one row per committee (or area, or type) and a total row."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from safeharbor.mediation.queries import Row, Statistics

GROUP_TITLES = {"committee": "调解组织", "area": "镇（街道）", "kind": "纠纷类型"}
KIND_TITLES = {
    "neighbor": "邻里纠纷", "family": "婚姻家庭纠纷", "support": "赡养抚养继承纠纷", "labor": "劳动争议纠纷",
    "property": "物业纠纷", "contract": "合同纠纷", "damages": "损害赔偿纠纷", "land": "土地房屋纠纷", "other": "其他纠纷",
}
# (group title or None, column title, value of a row)
COLUMNS = [
    (None, "受理纠纷数（件）", lambda r: r.registered),
    (None, "调解结案数（件）", lambda r: r.mediated),
    (None, "调解成功数（件）", lambda r: r.succeeded),
    (None, "调解成功率", lambda r: r.success_rate),
    *[("其中按纠纷类型（件）", title, (lambda k: lambda r: r.by_kind.get(k, 0))(kind))
      for kind, title in KIND_TITLES.items()],
    ("调解协议（件）", "书面协议", lambda r: r.written),
    ("调解协议（件）", "口头协议", lambda r: r.oral),
    (None, "协议涉及金额（元）", lambda r: float(r.amount)),
    (None, "协议履行数（件）", lambda r: r.performed),
    (None, "司法确认数（件）", lambda r: r.confirmed),
    ("矛盾风险（件）", "高风险纠纷", lambda r: r.high_risk),
    ("矛盾风险（件）", "成功化解高风险", lambda r: r.high_risk_defused),
    (None, "当事人不同意调解（件）", lambda r: r.declined),
]


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def statistics_xlsx(stats: Statistics, *, title_area: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "人民调解统计"
    width = len(COLUMNS) + 1
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, f"{title_area}人民调解工作统计月报表").font = Font(size=16, bold=True)
    ws.cell(1, 1).alignment = center
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(2, 1, f"填报单位：{title_area}司法局    统计期间：{_day(stats.start)}至{_day(stats.end)}    "
                  f"填报日期：{_day(timezone.localdate())}")

    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    ws.cell(3, 1, GROUP_TITLES[stats.group])
    col = 2
    while col <= width:
        group, title, _value = COLUMNS[col - 2]
        if group is None:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
            ws.cell(3, col, title)
            col += 1
            continue
        span = sum(1 for g, _t, _v in COLUMNS[col - 2:] if g == group)
        # the group's columns are adjacent in COLUMNS
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + span - 1)
        ws.cell(3, col, group)
        for offset in range(span):
            ws.cell(4, col + offset, COLUMNS[col - 2 + offset][1])
        col += span

    def write(row_index: int, label: str, row: Row, bold: bool = False) -> None:
        ws.cell(row_index, 1, label)
        for i, (_group, _title, value) in enumerate(COLUMNS, start=2):
            cell = ws.cell(row_index, i, value(row))
            if _title == "调解成功率":
                cell.number_format = "0.0%"
            elif _title.startswith("协议涉及金额"):
                cell.number_format = "#,##0.00"
        if bold:
            for i in range(1, width + 1):
                ws.cell(row_index, i).font = Font(bold=True)

    row_index = 5
    for row in stats.rows:
        write(row_index, row.label, row)
        row_index += 1
    write(row_index, "合计", stats.total, bold=True)

    for r in range(3, row_index + 1):
        for c in range(1, width + 1):
            ws.cell(r, c).border = box
            if r <= 4:
                ws.cell(r, c).alignment = center
                ws.cell(r, c).font = Font(bold=True)
    ws.column_dimensions["A"].width = 30
    for c in range(2, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.row_dimensions[4].height = 45
    ws.freeze_panes = "B5"
    ws.cell(row_index + 2, 1, "说明：调解成功率=调解成功数÷调解结案数；按纠纷登记时间统计，结果为统计时的状态。")

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

