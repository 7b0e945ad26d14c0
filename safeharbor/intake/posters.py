"""Harbor posters: the QR code that opens the report page of one harbor, as PNG, SVG and a
printable A4 PDF with the harbor's name, address, hours, phone and port hotlines."""

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from safeharbor.core.models import Harbor
from safeharbor.lib.pdf import chinese_font

# Error correction "M" (segno raises it when the version allows): a poster on a wall gets
# dirty and scratched; the URL is short, so the code stays coarse and easy to scan.
QR_OPTIONS = {"error": "m", "micro": False}
PNG_OPTIONS = {"kind": "png", "scale": 12, "border": 4}
SVG_OPTIONS = {"kind": "svg", "scale": 10, "border": 4, "xmldecl": False, "title": "QR"}
BLUE = HexColor("#0b4f71")


def report_path(harbor: Harbor) -> str:
    """The public report page for this harbor: /report/<harbor code>/."""
    return reverse("public:report_harbor", args=[harbor.code])


def report_url(request, harbor: Harbor) -> str:
    """Absolute: SITE_URL when the installation sets one (behind a proxy, the address
    residents reach), else the address of this request."""
    site = getattr(settings, "SITE_URL", "") or ""
    if site:
        return site.rstrip("/") + report_path(harbor)
    return request.build_absolute_uri(report_path(harbor))


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, **QR_OPTIONS)


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, **PNG_OPTIONS)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, **SVG_OPTIONS)
    return out.getvalue()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text at any character (Chinese has no spaces) to fit `width` points."""
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = char.lstrip()
            else:
                line += char
        lines.append(line)
    return lines


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (sharp at any print size); runs of dark modules are
    drawn as one rectangle."""
    matrix = qr_code(url).matrix
    n = len(matrix)
    module = size / n
    pdf.setFillColor(HexColor("#000000"))
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                pdf.rect(x + start * module, top, (col - start) * module, module, stroke=0, fill=1)
                start = None


def poster_pdf(harbor: Harbor, url: str, ports) -> bytes:
    """An A4 poster to print and hang at the harbor's door."""
    font = chinese_font()
    width, height = A4
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, initialFontName=font)
    pdf.setTitle(f"{harbor.name} · {_('QR code for reports')}")
    pdf.setAuthor(settings.SITE_NAME)
    margin = 18 * mm
    text_width = width - 2 * margin

    pdf.setFillColor(BLUE)
    pdf.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont(font, 15)
    pdf.drawCentredString(width / 2, height - 12 * mm, f"{settings.SITE_NAME} · {harbor.domain.name}")
    y = height - 24 * mm
    for line in _wrap(harbor.name, font, 22, text_width):
        pdf.setFont(font, 22)
        pdf.drawCentredString(width / 2, y, line)
        y -= 26
    pdf.setFillColor(HexColor("#000000"))

    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 48 * mm, _("Scan to tell us what worries you"))
    pdf.setFont(font, 13)
    pdf.drawCentredString(width / 2, height - 57 * mm,
                          _("Named or anonymous; you get a tracking code to follow it."))
    qr_size = 105 * mm
    qr_y = height - 62 * mm - qr_size
    _draw_qr(pdf, url, (width - qr_size) / 2, qr_y, qr_size)
    pdf.setFont(font, 10)
    pdf.drawCentredString(width / 2, qr_y - 6 * mm, url)

    y = qr_y - 18 * mm
    facts = [
        (_("Address"), harbor.address), (_("Opening hours"), harbor.opening_hours),
        (_("Contact phone"), harbor.phone),
    ]
    for label, value in facts:
        if not value:
            continue
        for i, line in enumerate(_wrap(f"{label}：{value}", font, 14, text_width)):
            pdf.setFont(font, 14)
            pdf.drawString(margin + (0 if i == 0 else 14 * 3), y, line)
            y -= 20
    ports = [p for p in ports if p.hotline_number]
    if ports:
        y -= 6
        pdf.setFillColor(BLUE)
        pdf.setFont(font, 15)
        pdf.drawString(margin, y, _("Hotlines of the ports"))
        pdf.setFillColor(HexColor("#000000"))
        y -= 20
        for port in ports:
            pdf.setFont(font, 13)
            pdf.drawString(margin, y, f"{port.name}  {port.hotline_name}：{port.hotline_number}")
            y -= 18
    pdf.setFont(font, 9)
    pdf.setFillColor(HexColor("#666666"))
    pdf.drawCentredString(width / 2, 10 * mm, _("Emergencies: call 110, 119 or 120 first."))
    pdf.showPage()
    pdf.save()
    return out.getvalue()
