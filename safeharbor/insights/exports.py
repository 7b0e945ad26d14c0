"""Files made from the figures: Excel (openpyxl), CSV and the printable report card (PDF,
reportlab with an embedded Chinese font from lib/pdf.py)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from safeharbor.insights.formatting import format_value
from safeharbor.lib.pdf import chinese_font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(figure):
    """A cell value: numbers stay numbers (a rate as 92.5, days as 3.2)."""
    return figure.value if figure.value is not None else ""


def _sheet(workbook, title: str, headers: list[str], rows: list[list], *, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, header in zip(sheet.columns, headers, strict=False):
        width = max([len(str(header))] + [len(str(c.value or "")) for c in column][:200])
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 1.8))
    return sheet


def _bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def figure_rows(figures) -> list[list]:
    return [[f.label, _value(f), format_value(f.value, f.kind), f.note] for f in figures]


def figure_headers() -> list[str]:
    return [_("Figure"), _("Value"), _("As shown"), _("Note")]


def dashboard_xlsx(title: str, period_label: str, figures, breakdowns: dict[str, list], trend) -> bytes:
    workbook = Workbook()
    sheet = _sheet(workbook, _("Figures"), figure_headers(), figure_rows(figures), first=True)
    sheet.insert_rows(1, 2)
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = period_label
    for name, rows in breakdowns.items():
        _sheet(workbook, name, [name, _("Matters received")], [[r.label, r.count] for r in rows])
    _sheet(workbook, _("By month"), [_("Month"), _("Matters received")], [[r.label, r.count] for r in trend])
    return _bytes(workbook)


def ranking_headers() -> list[str]:
    return [_("Rank"), _("Name"), _("Matters received"), _("With a valid follow-up"), _("Response rate"),
            _("Resolution rate"), _("Satisfaction rate"), _("Composite index"), _("Previous rank"),
            _("Change in places"), _("Previous composite"), _("Change in composite")]


def ranking_row(row) -> list:
    def blank(v):
        return "" if v is None else v

    return [blank(row.rank), row.label, row.received, row.followed_up, blank(row.response_rate),
            blank(row.resolution_rate), blank(row.satisfaction_rate), blank(row.composite),
            blank(row.previous_rank), blank(row.rank_change), blank(row.previous_composite),
            blank(row.composite_change)]


def ranking_xlsx(tables: dict[str, list]) -> bytes:
    workbook = Workbook()
    for i, (name, rows) in enumerate(tables.items()):
        _sheet(workbook, name, ranking_headers(), [ranking_row(r) for r in rows], first=i == 0)
    return _bytes(workbook)


def to_csv(headers: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def report_card_xlsx(card) -> bytes:
    workbook = Workbook()
    rows: list[list] = []
    for section in card.sections:
        rows.append([section.label, "", "", ""])
        rows.extend(figure_rows(section.figures))
        if section.error:
            rows.append([_("These figures are not available right now."), "", "", ""])
    sheet = _sheet(workbook, _("Report card"), figure_headers(), rows, first=True)
    sheet.insert_rows(1, 2)
    sheet["A1"] = _("Safety report card: %(subject)s") % {"subject": card.subject.label}
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = card.period.label
    return _bytes(workbook)


def report_card_pdf(card) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = chinese_font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, spaceAfter=4)
    text_style = ParagraphStyle("text", fontName=font, fontSize=10, leading=14)
    head_style = ParagraphStyle("head", fontName=font, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4)
    out = io.BytesIO()
    generated = timezone.localtime(card.generated_at)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_("Safety report card"), author="Safe Harbor")
    story = [
        Paragraph(_("Safety report card") + " · 平安成绩单", title_style),
        Paragraph(card.subject.label, head_style),
        Paragraph(_("Period: %(period)s · made %(when)s") % {"period": card.period.label,
                                                              "when": f"{generated:%Y-%m-%d %H:%M}"}, text_style),
        Spacer(1, 4 * mm),
    ]
    for section in card.sections:
        story.append(Paragraph(section.label, head_style))
        if section.error:
            story.append(Paragraph(_("These figures are not available right now."), text_style))
            continue
        data = [[Paragraph(f.label, text_style), Paragraph(format_value(f.value, f.kind), text_style),
                 Paragraph(f.note, text_style)] for f in section.figures]
        table = Table(data, colWidths=[70 * mm, 40 * mm, 64 * mm])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.white, colors.HexColor("#f2f6fa")]),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        story.append(table)
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(_("Figures count the matters received in the period within the viewer's scope; "
                             "the formulas are on the page \"How figures are computed\"."), text_style))
    doc.build(story)
    return out.getvalue()
