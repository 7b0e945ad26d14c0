"""Demo questionnaire from the seed page: the transport law-enforcement brigade's anonymous
"大走访、大调查" survey of passenger and freight companies, taxi firms and driving schools
on enforcement conduct, methods and rent-seeking, with invitation codes and answers."""

import random
from datetime import timedelta

from django.utils import timezone

from safeharbor.core.models import Area, Unit, User
from safeharbor.surveys import actions
from safeharbor.surveys.models import Invitation, Survey

TITLE = "交通运输执法领域突出问题问卷调查（无记名）"
INTRO = ("为全面摸排群众反映强烈的热点及制约规范公正文明执法的堵点问题，交通运输综合行政执法大队开展“大走访”“大调查”。"
         "本问卷采取无记名方式，重点了解执法规范、执法方式、执法“寻租”等情况。您的回答不会与您本人或邀请码关联，请如实填写。")

TYPES = ["客运公司", "货运公司", "出租汽车公司", "驾校", "个体运输从业人员"]
CONDUCT_ROWS = ["出示执法证件", "告知处罚理由和依据", "文明用语、态度平和", "处罚与违法程度相当", "开具正规票据"]
CONDUCT_COLS = ["都做到了", "有时做到", "没有做到"]
PROBLEMS = ["罚款不说明理由", "只罚款不纠正", "重复检查、多头检查", "态度生硬粗暴", "指定维修点或培训机构",
            "吃拿卡要", "以上都没有遇到"]
TEXTS = [
    "希望执法人员罚款的时候能说清楚依据哪一条，开个单子就走让人心里不服。",
    "超限检测站有时候一天查好几次，耽误运输时间，建议信息共享避免重复检查。",
    "大部分执法人员态度还可以，个别人说话比较冲。",
    "罚款不说明理由的情况还是有，希望公开处罚标准。",
    "建议多搞普法宣传，把超限运输的规定讲清楚，我们也愿意守法。",
    "出租车管理希望严查黑出租，我们正规经营的压力很大。",
    "驾校检查的时候希望提前告知需要准备的材料，不要临时要求。",
    "执法比以前规范多了，出示证件、开票据都能做到。",
    "希望公布投诉电话，遇到问题知道找谁。",
    "重复检查太多，希望同一批货不要在不同站点反复查。",
    "希望处罚标准统一，不同大队尺度不一样。",
    "个别执法人员暗示去指定的维修点，希望查一查。",
    "总体满意，希望继续保持。",
    "罚款后不告诉怎么整改，下次还是被罚，希望多指导。",
]


def _questions(survey, actor) -> None:
    add = actions.save_question
    add(survey, actor=actor, section_position=1, kind="single", text="您所在的单位类型", required=True,
        options=TYPES)
    add(survey, actor=actor, section_position=1, kind="single", text="过去一年，您或您的单位是否接受过交通运输执法检查？",
        required=True, options=["是", "否"])
    actions.add_section(survey, actor=actor, title="执法规范与执法方式", description="请根据过去一年的亲身经历回答。")
    add(survey, actor=actor, section_position=2, kind="rating", text="您对执法人员执法规范程度的总体评价", required=True,
        scale_min=1, scale_max=5, low_label="很不满意", high_label="很满意", ranks_problems=True)
    add(survey, actor=actor, section_position=2, kind="matrix", text="检查时执法人员是否做到以下几点？", rows=CONDUCT_ROWS,
        options=CONDUCT_COLS, ranks_problems=True)
    add(survey, actor=actor, section_position=2, kind="multiple", text="过去一年您遇到过以下哪些情况？（可多选）",
        options=PROBLEMS, ranks_problems=True, complaint_options="1,2,3,4,5,6")
    actions.add_section(survey, actor=actor, title="执法“寻租”与意见建议")
    add(survey, actor=actor, section_position=3, kind="single",
        text="您是否听说或遇到过执法人员索要好处、“人情执法”？", options=["没有", "听说过", "亲身遇到过"],
        ranks_problems=True, complaint_options="2,3")
    add(survey, actor=actor, section_position=3, kind="text", text="您对交通运输执法工作还有哪些意见和建议？",
        help_text="请勿填写姓名、电话等个人信息。")
    # Those never inspected skip the questions about inspections.
    add(survey, actor=actor, section_position=1, key="q2", kind="single",
        text="过去一年，您或您的单位是否接受过交通运输执法检查？", required=True, options=["是", "否"],
        skip_option=2, skip_to="q6")


def _answers(rng: random.Random) -> dict:
    data = {"a_q1": str(rng.choices(range(1, 6), weights=[3, 5, 4, 2, 2])[0])}
    inspected = rng.random() < 0.85
    data["a_q2"] = "1" if inspected else "2"
    if inspected:
        data["a_q3"] = str(rng.choices(range(1, 6), weights=[2, 4, 6, 7, 4])[0])
        weights = {1: [5, 4, 3], 2: [3, 4, 5], 3: [6, 4, 1], 4: [4, 5, 2], 5: [7, 3, 1]}
        for row in range(1, 6):
            data[f"a_q4_{row}"] = str(rng.choices([1, 2, 3], weights=weights[row])[0])
        picks = [i for i, p in zip(range(1, 7), [0.55, 0.3, 0.4, 0.2, 0.12, 0.06], strict=True) if rng.random() < p]
        data["a_q5"] = [str(i) for i in picks] or ["7"]
    data["a_q6"] = str(rng.choices([1, 2, 3], weights=[14, 4, 1])[0])
    if rng.random() < 0.5:
        data["a_q7"] = rng.choice(TEXTS)
    return data


def load_demo() -> str:
    if Survey.objects.filter(title=TITLE).exists():
        return "questionnaire already there; nothing changed"
    unit = Unit.objects.filter(code="transport_enforcement").first()
    district = Area.objects.filter(depth=1).order_by("path").first()
    actor = User.objects.filter(username="admin").first()
    if unit is None or district is None or actor is None:
        return ""
    now = timezone.now()
    survey = actions.create_survey(
        actor=actor, title=TITLE, intro=INTRO, owner_unit=unit, area=district, access_mode=Survey.Access.INVITATION,
        opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20), min_group_size=5)
    actions.update_section(survey, actor=actor, position=1, title="基本情况")
    _questions(survey, actor)
    actions.publish_survey(survey, actor=actor)
    batch = actions.create_invitation_batch(survey, actor=actor, label="辖区客运公司、货运公司、出租公司、驾校", size=60)
    rng = random.Random(20260418)
    codes = batch.code_list()
    rng.shuffle(codes)
    answered = 38
    for code in codes[:answered]:
        actions.submit_response(survey, data=_answers(rng), code=code)
    used = Invitation.objects.filter(batch=batch, used=True).count()
    return f"questionnaire “{TITLE}”: 60 invitation codes, {used} answered"
