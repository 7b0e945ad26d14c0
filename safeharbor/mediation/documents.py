"""The mediation agreement (人民调解协议书) as a PDF, with what the People's Mediation Law
(art. 29) requires: the parties' basic information, the main facts and disputed items, the
responsibilities, the agreed content, the way and deadline of performance, and the places
for the parties' signatures (or fingerprints), the mediators' signatures and the
committee's seal."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safeharbor.lib.pdf import chinese_font
from safeharbor.mediation.models import Case, Party

GENDERS = {"male": "男", "female": "女"}
ROLES = {"applicant": "申请人", "respondent": "被申请人", "third": "第三人"}


def _styles():
    font = chinese_font()
    base = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=20, wordWrap="CJK", firstLineIndent=0)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1, spaceAfter=4),
        "number": ParagraphStyle("number", parent=base, alignment=2, fontSize=11),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12.5, spaceBefore=8, spaceAfter=2),
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=23),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=16),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def party_line(party: Party) -> str:
    """申请人：王桂兰，女，62岁，身份证号码……，住址……，联系电话……"""
    role = ROLES.get(party.role, "当事人")
    if party.kind == Party.Kind.ORGANIZATION:
        bits = [party.name]
        if party.representative:
            bits.append(f"法定代表人（负责人）：{party.representative}")
        if party.id_number:
            bits.append(f"统一社会信用代码：{party.id_number}")
    else:
        bits = [party.name]
        if party.gender:
            bits.append(GENDERS.get(party.gender, ""))
        if party.age is not None:
            bits.append(f"{party.age}岁")
        if party.id_number:
            bits.append(f"身份证号码：{party.id_number}")
    if party.address:
        bits.append(f"住所地：{party.address}" if party.kind == Party.Kind.ORGANIZATION else f"住址：{party.address}")
    if party.phone:
        bits.append(f"联系电话：{party.phone}")
    return f"{role}：" + "，".join(b for b in bits if b) + "。"


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def agreement_pdf(case: Case) -> bytes:
    agreement = case.agreement
    styles = _styles()
    parties = list(agreement.parties.order_by("pk"))
    mediators = "、".join(m.display_name for m in case.mediators.all()) or "—"
    committee = case.committee.name if case.committee else ""
    copies = len(parties) + 1
    story = [
        _p(committee, styles["number"]),
        _p("人民调解协议书", styles["title"]),
        _p(f"编号：{case.number or '—'}", styles["number"]),
        Spacer(1, 4 * mm),
        _p("当事人基本情况", styles["heading"]),
        *[_p(party_line(p), styles["body"]) for p in parties],
        _p("纠纷主要事实、争议事项", styles["heading"]),
        _p(agreement.facts, styles["indent"]),
        _p("各方当事人的责任", styles["heading"]),
        _p(agreement.responsibilities, styles["indent"]),
        _p("经人民调解委员会调解，各方当事人自愿达成如下协议", styles["heading"]),
        _p(agreement.content, styles["indent"]),
        _p("履行协议的方式、期限", styles["heading"]),
        _p(f"{agreement.performance_method}\n履行期限：{_day(agreement.performance_deadline)}前履行完毕。",
           styles["indent"]),
        Spacer(1, 2 * mm),
        _p("本协议经各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
           "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。当事人可以自本协议生效之日起"
           f"三十日内共同向人民法院申请司法确认。本协议一式{copies}份，当事人各执一份，人民调解委员会留存一份。",
           styles["small"]),
        Spacer(1, 6 * mm),
    ]
    rows = [[_p(f"{ROLES.get(p.role, '当事人')}（签名、盖章或按指印）：", styles["body"]), ""] for p in parties]
    rows.append([_p(f"人民调解员（签名）：\n（{mediators}）", styles["body"]), ""])
    rows.append([_p(f"{committee}（盖章）", styles["body"]), _p(f"{_day(agreement.signed_on)}", styles["body"])])
    table = Table(rows, colWidths=[110 * mm, 55 * mm], rowHeights=[16 * mm] * len(rows))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LINEBELOW", (1, 0), (1, -2), 0.5, "#888888")]))
    story.append(KeepTogether([_p("签名、盖章", styles["heading"]), table]))

    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=18 * mm, title=f"人民调解协议书 {case.number}", author=committee,
                            creator="Safe Harbor")
    font = chinese_font()

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.drawRightString(A4[0] - 22 * mm, 10 * mm,
                               f"{case.number}  第{doc_.page}页  {timezone.localdate():%Y-%m-%d}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
