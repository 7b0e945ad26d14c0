"""The bulletin (通报) as an A4 PDF with an embedded Chinese font (lib/pdf.py)."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safeharbor.lib.pdf import chinese_font

RED = colors.HexColor("#b42318")


def _styles(font: str) -> dict:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1, textColor=RED),
        "sub": ParagraphStyle("sub", parent=base, alignment=1, fontSize=10),
        "h": ParagraphStyle("h", parent=base, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4),
        "p": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
    }


def _table(rows, widths, font, flagged=()):
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style += [("TEXTCOLOR", (0, i), (-1, i), RED) for i in flagged]
    table.setStyle(TableStyle(style))
    return table


def bulletin_pdf(bulletin) -> bytes:
    font = chinese_font()
    s = _styles(font)
    c = bulletin.content
    campaign = bulletin.campaign
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{campaign.name} {_('Bulletin')} {bulletin.number}",
                            author=settings.SITE_NAME)

    def cell(text):
        return Paragraph(escape(str(text)), s["cell"])

    story = [
        Paragraph(escape(_("Bulletin on the progress of %(campaign)s") % {"campaign": campaign.name}), s["title"]),
        Paragraph(escape(_("Issue %(n)d · as of %(date)s · %(unit)s") % {
            "n": bulletin.number, "date": c["as_of"], "unit": campaign.lead_unit.name}), s["sub"]),
        Spacer(1, 6 * mm),
    ]
    if bulletin.status != "published":
        story.append(Paragraph(escape(_("DRAFT: not yet published.")), s["h"]))
    story.append(Paragraph(escape(_("Phase: %(phase)s. Time elapsed: %(elapsed)d %%. Tasks behind the timetable: "
                                    "%(behind)d.") % {"phase": c["phase"] or "—", "elapsed": c["elapsed"],
                                                      "behind": c["behind_count"]}), s["p"]))

    story.append(Paragraph(escape(_("Units ranked by progress")), s["h"]))
    rows = [[_("Rank"), _("Unit"), _("Tasks"), _("Progress made"), _("Share of time elapsed"), _("Behind")]]
    flagged = []
    for i, u in enumerate(c["units"], start=1):
        rows.append([u["rank"] or "—", cell(u["name"]), u["tasks"],
                     "—" if u["percent"] is None else f"{u['percent']}%",
                     "—" if u["elapsed"] is None else f"{u['elapsed']}%",
                     _("behind the timetable") if u["behind"] else ""])
        if u["behind"]:
            flagged.append(i)
    story.append(_table(rows, [12 * mm, 58 * mm, 14 * mm, 20 * mm, 22 * mm, 40 * mm], font, flagged))

    story.append(Paragraph(escape(_("Tasks against the timetable")), s["h"]))
    rows = [[_("Task"), _("Responsible unit"), _("Deadline"), _("Progress made"), _("Share of time elapsed")]]
    flagged = []
    for i, t in enumerate(c["tasks"], start=1):
        rows.append([cell(t["title"]), cell(t["owner"]), t["deadline"], f"{t['percent']}%", f"{t['elapsed']}%"])
        if t["behind"]:
            flagged.append(i)
    story.append(_table(rows, [66 * mm, 44 * mm, 24 * mm, 18 * mm, 20 * mm], font, flagged))

    story.append(Paragraph(escape(_("Late and missing reports")), s["h"]))
    if c["late"]:
        rows = [[_("Unit"), _("Due on"), _("Filed at")]]
        rows += [[cell(r["unit"]), r["due"], r["filed"] or _("missing")] for r in c["late"]]
        story.append(_table(rows, [80 * mm, 40 * mm, 50 * mm], font))
    else:
        story.append(Paragraph(escape(_("Every report was filed on time.")), s["p"]))

    story.append(Paragraph(escape(_("Highlights and problems raised")), s["h"]))
    for p in c["problems"]:
        text = "；".join(x for x in [
            _("Highlights: %(t)s") % {"t": p["highlights"]} if p["highlights"] else "",
            _("Problems: %(t)s") % {"t": p["text"]} if p["text"] else "",
            _("Next steps: %(t)s") % {"t": p["next_steps"]} if p["next_steps"] else ""] if x)
        story.append(Paragraph(f"<b>{escape(p['unit'])}</b>：{escape(text)}", s["p"]))
    if not c["problems"]:
        story.append(Paragraph("—", s["p"]))
    clues = c.get("clues") or {}
    story.append(Paragraph(escape(_("Clues")), s["h"]))
    story.append(Paragraph(escape(_("%(total)d clues: %(new)d to verify, %(matter)d handled as matters, %(closed)d "
                                    "closed.") % {k: clues.get(k, 0) for k in ("total", "new", "matter", "closed")}),
                           s["p"]))
    if bulletin.remarks:
        story.append(Paragraph(escape(_("Requirements of the lead unit")), s["h"]))
        story.append(Paragraph(escape(bulletin.remarks).replace("\n", "<br/>"), s["p"]))
    doc.build(story)
    return out.getvalue()
