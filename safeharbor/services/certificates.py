"""PDF certificates: the certification of employment difficulty and the training certificate."""

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from safeharbor.lib.masking import mask_id_number
from safeharbor.lib.pdf import chinese_font


def _page(title: str, number: str, lines: list[str], issuer: str, day) -> bytes:
    font = chinese_font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    pdf.setTitle(f"{title} {number}")
    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 120, title)
    pdf.setFont(font, 11)
    pdf.drawRightString(width - 72, height - 150, f"编号：{number}")
    pdf.setFont(font, 14)
    y = height - 210
    for line in lines:
        while line:
            chunk, line = line[:32], line[32:]
            pdf.drawString(80, y, chunk)
            y -= 28
    pdf.drawRightString(width - 80, 200, issuer)
    pdf.drawRightString(width - 80, 172, f"{day.year}年{day.month}月{day.day}日")
    pdf.setFont(font, 9)
    pdf.drawString(72, 80, "本证明由平安港湾平台生成，可凭编号向出具单位核验。")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def difficulty_certificate(app) -> bytes:
    """《就业困难人员认定证明》 with the number, the person and the validity."""
    day = timezone.localtime(app.decided_at).date() if app.decided_at else timezone.localdate()
    until = app.certificate_valid_until
    lines = [
        f"兹证明 {app.applicant_name}（身份证号 {mask_id_number(app.applicant_id_number)}），",
        f"经{app.harbor.name}受理、{app.provider_unit.name}审核，",
        "符合就业困难人员认定条件，认定为就业困难人员，",
        "可按规定享受就业援助政策。",
        f"有效期至：{until:%Y年%m月%d日}" if until else "",
    ]
    return _page("就业困难人员认定证明", app.certificate_number, [x for x in lines if x], app.provider_unit.name, day)


def training_certificate(enrollment) -> bytes:
    event = enrollment.event
    day = timezone.localtime(event.ends_at).date()
    host = event.port.name if event.port else event.harbor.name
    lines = [
        f"{enrollment.name} 同志：",
        f"于{timezone.localtime(event.starts_at):%Y年%m月%d日}参加{host}举办的",
        f"“{event.title}”，",
        "完成全部培训内容，准予结业。",
    ]
    if event.trainers:
        lines.append(f"培训教师：{event.trainers}")
    return _page("培训结业证书", enrollment.certificate_number, lines, event.harbor.name, day)
