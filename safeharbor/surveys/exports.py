"""Files made from a questionnaire: the QR code of its link, the printable invitation
slips (PDF), and the results (Excel, PDF). The results files hold only what the results
page shows: suppressed groups stay suppressed, free text comes in random order."""

import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from safeharbor.intake.posters import _draw_qr, _wrap, qr_png, qr_svg  # noqa: F401 (re-exported)
from safeharbor.lib.pdf import chinese_font
from safeharbor.surveys.models import InvitationBatch, Question, Survey

K = Question.Kind
BLUE = HexColor("#0b4f71")


def public_path(survey: Survey) -> str:
    return reverse("surveys_public:answer", args=[survey.token])


def public_url(request, survey: Survey) -> str:
    site = getattr(settings, "SITE_URL", "") or ""
    if site:
        return site.rstrip("/") + public_path(survey)
    return request.build_absolute_uri(public_path(survey))


def invitation_url(base_url: str, code: str) -> str:
    """The code rides in the #fragment: browsers never send it to the server, so it is in
    no access log; the page's script copies it into the form."""
    return f"{base_url}#c={code}"


# --- invitation slips ----------------------------------------------------------------------------

SLIPS_PER_PAGE = 8  # 2 columns × 4 rows, cut along the lines


def slips_pdf(batch: InvitationBatch, base_url: str) -> bytes:
    font = chinese_font()
    width, height = A4
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, initialFontName=font)
    pdf.setTitle(f"{batch.survey.title} · {_('Invitation codes')}")
    pdf.setAuthor(settings.SITE_NAME)
    slip_w, slip_h = width / 2, height / 4
    codes = batch.code_list()
    for index, code in enumerate(codes):
        slot = index % SLIPS_PER_PAGE
        if index and slot == 0:
            pdf.showPage()
        x = (slot % 2) * slip_w
        y = height - (slot // 2 + 1) * slip_h
        pdf.setStrokeColor(HexColor("#999999"))
        pdf.setDash(3, 3)
        pdf.rect(x, y, slip_w, slip_h, stroke=1, fill=0)
        pdf.setDash()
        _slip(pdf, font, batch.survey, code, invitation_url(base_url, code), base_url, x, y, slip_w, slip_h)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _slip(pdf, font, survey, code, url, base_url, x, y, w, h) -> None:
    pad = 6 * mm
    pdf.setFillColor(BLUE)
    pdf.setFont(font, 11)
    top = y + h - pad - 4
    for line in _wrap(survey.title, font, 11, w - 2 * pad)[:2]:
        pdf.drawString(x + pad, top, line)
        top -= 14
    pdf.setFillColor(HexColor("#000000"))
    pdf.setFont(font, 8)
    pdf.drawString(x + pad, top - 2, _("Anonymous: your answers are never linked to this code."))
    qr = 34 * mm
    _draw_qr(pdf, url, x + pad, y + pad + 8, qr)
    tx = x + pad + qr + 4 * mm
    pdf.setFont(font, 9)
    pdf.drawString(tx, y + pad + qr - 4, _("Scan the code, or open:"))
    for i, line in enumerate(_wrap(base_url, font, 7, w - (tx - x) - pad)[:3]):
        pdf.setFont(font, 7)
        pdf.drawString(tx, y + pad + qr - 16 - i * 9, line)
    pdf.setFont(font, 9)
    pdf.drawString(tx, y + pad + 34, _("Your one-time code:"))
    pdf.setFont(font, 15)
    pdf.drawString(tx, y + pad + 16, code)
    if survey.closes_at:
        pdf.setFont(font, 8)
        pdf.drawString(x + pad, y + pad - 2, _("Open until %(date)s") % {
            "date": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")})


# --- results ---------------------------------------------------------------------------------------


def _question_lines(item) -> list[tuple[str, object, object]]:
    """(label, count, percent) lines of one question's result."""
    q = item["question"]
    if item["suppressed"]:
        return [(_("Fewer than %(n)d answers: not shown.") % {"n": item.get("minimum", 5)}, "", "")]
    if q.kind == K.MATRIX:
        lines = []
        for row in item["matrix"]:
            if row["suppressed"]:
                lines.append((row["row"], "", _("not shown")))
            for bar in [] if row["suppressed"] else row["bars"]:
                lines.append((f"{row['row']} · {bar['label']}", bar["count"], bar["pct"]))
        return lines
    if q.kind == K.TEXT:
        return [(text, "", "") for text in item["texts"]]
    lines = [(bar["label"], bar["count"], bar["pct"]) for bar in item["bars"]]
    if item["mean"] is not None:
        lines.append((_("Mean"), item["mean"], ""))
    return lines


def results_xlsx(survey: Survey, results: dict, ranking: list[dict], themes: list[dict]) -> bytes:
    """Results, complaints and themes; every free-text answer. Written in openpyxl's
    write-only mode (rows streamed), so that 100,000 answers export in seconds."""
    book = Workbook(write_only=True)

    def strong(sheet, value, **font):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True, **font)
        return cell

    sheet = book.create_sheet(_("Results")[:31])
    sheet.column_dimensions["A"].width = 60
    sheet.append([strong(sheet, survey.title, size=14)])
    sheet.append([_("Responses"), results["n"], _("Groups smaller than %(n)d are not shown.")
                  % {"n": results["minimum"]}])
    sheet.append([])
    if results["suppressed"]:
        sheet.append([_("Fewer than %(n)d responses: results are not shown yet.") % {"n": results["minimum"]}])
    for item in results["questions"]:
        item = {**item, "minimum": results["minimum"]}
        sheet.append([strong(sheet, f"{item['question'].key}. {item['question'].text}"), _("Answers"), item["n"]])
        for label, count, pct in _question_lines(item):
            sheet.append([label, count, pct])
        sheet.append([])

    ranks = book.create_sheet(_("Complaints")[:31])
    ranks.column_dimensions["B"].width = 40
    ranks.column_dimensions["C"].width = 50
    ranks.append([strong(ranks, title) for title in
                  (_("Rank"), _("Problem"), _("Question"), _("Complaints"), _("Answers"), "%")])
    for i, item in enumerate(ranking, start=1):
        ranks.append([i, item["label"], item["question"].text, item["count"], item["n"], item["pct"]])

    words = book.create_sheet(_("Themes")[:31])
    for theme in themes:
        words.append([strong(words, theme["question"].text)])
        for word, count in theme["words"]:
            words.append([_("word"), word, count])
        for phrase, count in theme["phrases"]:
            words.append([_("phrase"), phrase, count])
        words.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def results_pdf(survey: Survey, results: dict, ranking: list[dict]) -> bytes:
    font = chinese_font()
    width, height = A4
    margin = 18 * mm
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, initialFontName=font)
    pdf.setTitle(f"{survey.title} · {_('Results')}")
    pdf.setAuthor(settings.SITE_NAME)
    y = height - margin

    def line(text, size=10, color="#000000", indent=0):
        nonlocal y
        for part in _wrap(str(text), font, size, width - 2 * margin - indent):
            if y < margin + size:
                pdf.showPage()
                y = height - margin
            pdf.setFillColor(HexColor(color))
            pdf.setFont(font, size)
            pdf.drawString(margin + indent, y, part)
            y -= size * 1.5

    def bar(label, count, pct):
        nonlocal y
        if y < margin + 14:
            pdf.showPage()
            y = height - margin
        pdf.setFont(font, 9)
        pdf.setFillColor(HexColor("#000000"))
        pdf.drawString(margin + 6, y, _wrap(str(label), font, 9, 70 * mm)[0])
        full = width - 2 * margin - 100 * mm
        pdf.setFillColor(HexColor("#e7f1f7"))
        pdf.rect(margin + 78 * mm, y - 2, full, 9, stroke=0, fill=1)
        pdf.setFillColor(BLUE)
        pdf.rect(margin + 78 * mm, y - 2, full * float(pct or 0) / 100, 9, stroke=0, fill=1)
        pdf.setFillColor(HexColor("#000000"))
        pdf.drawString(margin + 80 * mm + full, y, f"{count}  {pct}%")
        y -= 14

    line(survey.title, 16, "#0b4f71")
    line(_("Responses: %(n)d · groups smaller than %(m)d are not shown · %(date)s")
         % {"n": results["n"], "m": results["minimum"], "date": timezone.localdate().strftime("%Y-%m-%d")}, 9,
         "#666666")
    y -= 6
    if ranking:
        line(_("The problems most complained about"), 13, "#0b4f71")
        for i, item in enumerate(ranking[:15], start=1):
            bar(f"{i}. {item['label']}", item["count"], item["pct"])
        y -= 8
    if results["suppressed"]:
        line(_("Fewer than %(n)d responses: results are not shown yet.") % {"n": results["minimum"]})
    for item in results["questions"]:
        q = item["question"]
        y -= 4
        line(f"{q.key}. {q.text}  ({_('answers')}: {item['n']})", 11, "#0b4f71")
        if item["suppressed"] or q.kind == K.TEXT:
            for label, _count, _pct in _question_lines({**item, "minimum": results["minimum"]}):
                line(f"· {label}", 9, indent=6)
            if q.kind == K.TEXT and not item["suppressed"] and item["n"] > len(item["texts"]):
                line(_("%(shown)s of %(n)s answers, drawn at random; all of them are in the Excel export.")
                     % {"shown": len(item["texts"]), "n": item["n"]}, 9, "#666666", indent=6)
            continue
        if q.kind == K.MATRIX:
            for row in item["matrix"]:
                line(row["row"], 9, indent=4)
                for b in [] if row["suppressed"] else row["bars"]:
                    bar(b["label"], b["count"], b["pct"])
            continue
        for b in item["bars"]:
            bar(b["label"], b["count"], b["pct"])
        if item["mean"] is not None:
            line(f"{_('Mean')}: {item['mean']}", 9, indent=6)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
