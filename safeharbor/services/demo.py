"""Demo data of the services app, drawn from the seed page: the 永昌佳苑 community harbor's
catalogue (就业困难认定 … 青少年维权), a year of its work — 40 people certified as having
employment difficulty, 5 laid-off workers placed, 16 skills trainings (the knitting course
taught by 庞素梅) — hotline calls, the rota of the five ports, the shared aid pool and the
safe-family titles. Idempotent: a second run changes nothing."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from safeharbor.core.demo import COMMUNITY_HARBOR
from safeharbor.core.models import Category, Harbor, Port, Unit, User
from safeharbor.services import actions
from safeharbor.services.models import (
    AidResource,
    Application,
    ApplicationStep,
    DutyRoster,
    Enrollment,
    Event,
    HotlineCall,
    JobOpening,
    SafeFamily,
    SafeFamilyCriterion,
    Service,
)

K = Port.Kind
OUT = Service.Outcome

# code, name, port kind (None: the harbor itself), provider unit, category, outcome, working days,
# eligibility, materials, description
CATALOGUE = [
    ("employment-difficulty", "就业困难认定", None, "hrss", "service.employment", OUT.CERTIFICATE, 15,
     "法定劳动年龄内、有劳动能力和就业愿望、在永昌佳苑社区居住并办理了《就业创业证》的失业人员，且属于"
     "大龄、残疾、低保家庭、零就业家庭成员、连续失业一年以上等情形之一。",
     ["居民身份证", "户口簿", "《就业创业证》", "就业困难人员认定申请表", "困难情形证明（残疾证、低保证等）"],
     "经审核认定后发放《就业困难人员认定证明》，可享受公益性岗位安置、社保补贴、免费技能培训等援助。"),
    ("unemployed-placement", "失业人员岗位安置", None, "hrss", "service.employment", OUT.PLACEMENT, 10,
     "已认定为就业困难人员或登记失业的下岗失业人员。",
     ["居民身份证", "《就业创业证》"],
     "根据岗位信息为下岗失业人员推荐并安置到用人单位，记录用人单位和岗位。"),
    ("skills-training", "技能培训报名", K.HEROINES, "women", "service.employment", OUT.TRAINING, 3,
     "辖区有培训意愿的妇女、失业人员、残疾人，优先就业困难人员。",
     ["居民身份证"],
     "家政服务、手工编织、电商直播、育婴等技能培训，培训合格发放结业证书。"),
    ("legal-consultation", "法律咨询", K.VANGUARD, "union", "general.legal_aid", OUT.GENERAL, 3,
     "辖区职工和居民。零门槛、零收费、零距离。",
     [],
     "劳动合同、工资报酬、工伤待遇等职工维权法律服务，律师和工会法律工作者解答。"),
    ("counselling", "心理疏导", K.FRATERNITY, "red_cross", "service.assistance", OUT.GENERAL, 5,
     "遇到心理困扰、家庭变故、突发事件后需要心理支持的居民。",
     [],
     "由心理咨询志愿者提供一对一心理疏导和危机后的心理支持，必要时转介专业机构。"),
    ("family-mediation", "婚姻家庭矛盾调解", K.HEROINES, "women", "rights.women_children", OUT.MEDIATION, 5,
     "婚姻、家庭、赡养抚养等矛盾纠纷的当事人。",
     ["居民身份证"],
     "巾帼港受理后先行疏导，需要调解的移交司法局人民调解委员会调解。"),
    ("disability-assistance", "残疾人帮扶", K.WARM, "disabled", "service.disability", OUT.GENERAL, 10,
     "持有《残疾人证》的辖区残疾人及其家庭。",
     ["居民身份证", "《中华人民共和国残疾人证》"],
     "辅具适配、康复服务、手工编织培训实训基地就业创业指导、困难残疾人生活补贴申请协助。"),
    ("worker-hardship-assistance", "困难职工帮扶", K.VANGUARD, "union", "rights.worker", OUT.GENERAL, 10,
     "因病、因灾、子女就学等导致家庭生活困难的在职职工，工会会员。",
     ["居民身份证", "工会会员证", "家庭收入情况说明", "困难情形证明材料"],
     "困难职工建档、生活救助、助学和医疗帮扶。"),
    ("youth-rights", "青少年维权", K.YOUTH, "youth", "rights.youth", OUT.GENERAL, 5,
     "辖区14至35周岁青少年及其监护人。",
     [],
     "校园欺凌、网络侵害、劳动权益等青少年维权求助，联系学校、公安、司法等部门协同处理。"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
GIVEN = ["秀兰", "建国", "桂英", "志强", "海燕", "春梅", "国华", "丽娟", "玉珍", "文斌", "晓东", "红霞",
         "永平", "淑芬", "德胜", "凤英", "立新", "金花", "宝山", "小燕"]

JOBS = [
    ("乌达区永昌物业服务有限公司", "保洁员", 3, "2200元/月+五险", "永昌佳苑小区"),
    ("乌海市新达家政服务中心", "家政服务员", 4, "3000-4000元/月", "乌达区新达街道"),
    ("乌达区公益性岗位（人社局）", "社区公益性岗位协管员", 2, "2050元/月+社保补贴", "永昌佳苑社区"),
    ("乌海市金鼎超市乌达店", "理货员", 2, "2600元/月", "乌达区团结路"),
    ("乌达区手工编织培训实训基地", "编织手工艺品制作（可居家）", 5, "计件，约1500-2500元/月", "温馨港实训基地"),
]

TRAININGS = [
    (K.WARM, "skills", "残疾人手工编织技能培训", "庞素梅（手工编织实训基地老师）", "温馨港手工编织实训基地"),
    (K.HEROINES, "skills", "巾帼家政服务员培训", "乌海市家政服务协会讲师", "社区党群服务中心培训室"),
    (K.FRATERNITY, "first_aid", "红十字应急救护培训（心肺复苏与AED）", "乌达区红十字会救护培训师", "社区党群服务中心"),
    (K.YOUTH, "skills", "青年电商直播技能培训", "团区委青年讲师团", "社区青年之家"),
    (K.VANGUARD, "skills", "职工技能提升培训（电工基础）", "区总工会职工技能导师", "职工之家"),
    (K.HEROINES, "skills", "育婴员技能培训", "妇幼保健院育婴师", "社区党群服务中心培训室"),
    (K.WARM, "skills", "残疾人手工编织进阶班", "庞素梅（手工编织实训基地老师）", "温馨港手工编织实训基地"),
    (None, "employment", "就业困难人员就业指导与技能辅导", "区人社局就业服务中心", "社区党群服务中心"),
]

CRITERIA = [
    ("家庭成员遵纪守法，无违法犯罪记录", True),
    ("家庭和睦，无家庭暴力", True),
    ("邻里团结，近一年无矛盾纠纷", True),
    ("安全防范意识强，水电气使用安全", True),
    ("积极参与平安建设和志愿服务", False),
]


def _id_number(serial: int, born: date) -> str:
    body = f"150304{born:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, actions.ID_WEIGHTS, strict=True))
    return body + actions.ID_CHECK[total % 11]


def _person(i: int) -> dict:
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
    born = date(1968 + (i * 3) % 30, 1 + i % 12, 1 + (i * 5) % 28)
    return {"name": name, "phone": f"139{47300000 + i * 7919:08d}"[:11], "id_number": _id_number(100 + i, born),
            "address": f"乌达区新达街道永昌佳苑小区{1 + i % 12}号楼{1 + i % 3}单元{100 + i % 6 * 100 + i % 4}"}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _backdate(app: Application, day: date) -> None:
    """Demo history: the application and its matter happened on `day`."""
    at = _at(day)
    Application.objects.filter(pk=app.pk).update(created_at=at, due_at=at + timedelta(days=21))
    if app.decided_at:
        Application.objects.filter(pk=app.pk).update(decided_at=at + timedelta(days=6))
    if app.delivered_at:
        Application.objects.filter(pk=app.pk).update(delivered_at=at + timedelta(days=8))
    ApplicationStep.objects.filter(application=app).update(at=at)


def load_demo() -> str:
    harbor = Harbor.objects.filter(code=COMMUNITY_HARBOR).first()
    if harbor is None:
        return "skipped: no community harbor"
    if Service.objects.filter(harbor=harbor).exists():
        return f"{Service.objects.filter(harbor=harbor).count()} services already there"
    with transaction.atomic():
        return _load(harbor)


def ensure_catalogue(harbor: Harbor) -> dict[str, Service]:
    """The seed's services at this harbor (created once, reused after)."""
    ports = {p.kind: p for p in harbor.ports.all()}
    units = {u.code: u for u in Unit.objects.all()}
    services = {}
    for i, (code, name, kind, unit, category, outcome, days, eligibility, materials, text) in enumerate(CATALOGUE):
        services[code], _created = Service.objects.get_or_create(harbor=harbor, code=code, defaults={
            "port": ports.get(kind), "name": name, "provider_unit": units[unit],
            "category": Category.objects.filter(code=category).first(), "eligibility": eligibility,
            "materials": materials, "time_limit_days": days, "outcome": outcome, "description": text,
            "sort_order": i,
        })
    return services


def _load(harbor: Harbor) -> str:
    ports = {p.kind: p for p in harbor.ports.all()}
    units = {u.code: u for u in Unit.objects.all()}
    admin = User.objects.filter(username="admin").first()
    desk = User.objects.filter(username="harbor_staff").first() or admin
    services = ensure_catalogue(harbor)
    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    span = max((today - year_start).days - 20, 30)

    # 40 people certified as having employment difficulty over the year.
    certified = []
    cert = services["employment-difficulty"]
    for i in range(40):
        p = _person(i)
        app, _check = actions.submit_application(service=cert, actor=desk if i % 3 else None,
                                                 materials=cert.materials, details="申请就业困难人员认定。", **p)
        actions.record_materials(app, actor=admin, received=cert.materials)
        actions.start_review(app, actor=admin)
        actions.decide_application(app, actor=admin, approve=True, note="符合就业困难人员认定条件。")
        if i % 4:
            actions.deliver_application(app, actor=admin, note="认定证明已当面交本人。")
        app.refresh_from_db()
        _backdate(app, year_start + timedelta(days=span * i // 40))
        certified.append(app)

    # Job openings; 5 laid-off workers placed.
    jobs = []
    for employer, title, positions, salary, place in JOBS:
        jobs.append(JobOpening.objects.create(
            harbor=harbor, port=ports[K.WARM] if "编织" in title else None, collected_by=units["hrss"],
            employer=employer, title=title, positions=positions, salary=salary, place=place,
            contact="0473-31" + str(20000 + len(jobs) * 137), valid_until=today + timedelta(days=90),
            description="要求身体健康、吃苦耐劳；就业困难人员优先。",
        ))
    for i in range(5):
        placed = actions.place_candidate(actor=admin, job=jobs[i % len(jobs)], certified=certified[i],
                                         note="经岗位匹配推荐上岗。")
        _backdate(placed, year_start + timedelta(days=span * (i + 3) // 8))

    # Open applications in the queue, at every stage.
    pending = [
        ("employment-difficulty", 50, None, "本人下岗两年，想申请就业困难认定。"),
        ("skills-training", 51, None, "想报名家政服务培训。"),
        ("legal-consultation", 52, None, "公司拖欠我三个月工资，想咨询怎么维权。"),
        ("family-mediation", 53, None, "和丈夫因为孩子抚养问题经常争吵，希望妇联帮忙调解。"),
        ("disability-assistance", 54, "review", "申请辅具适配（轮椅）。"),
        ("worker-hardship-assistance", 55, "materials", "爱人住院，家庭收入困难，申请帮扶。"),
        ("youth-rights", 56, None, "孩子在学校被同学欺负，希望得到帮助。"),
        ("counselling", 57, None, "失业后情绪低落，想找人聊聊。"),
    ]
    for code, n, stage, details in pending:
        service = services[code]
        app, _check = actions.submit_application(service=service, actor=None, details=details, **_person(n))
        if stage in ("review", "materials"):
            actions.start_review(app, actor=admin)
        if stage == "materials":
            actions.request_materials(app, actor=admin, note="请补充家庭收入情况说明和住院证明。")

    # 16 skills trainings this year (the seed's "开展技能培训等活动16次"), plus events ahead.
    trainings = 0
    for i in range(16):
        kind, event_kind, title, trainers, place = TRAININGS[i % len(TRAININGS)]
        day = year_start + timedelta(days=span * i // 16 + 5)
        event = Event.objects.create(
            harbor=harbor, port=ports.get(kind), by_rotation=kind is None, kind=event_kind,
            title=f"{title}（第{i // len(TRAININGS) + 1}期）", trainers=trainers, place=place,
            starts_at=_at(day, 9), ends_at=_at(day, 16), capacity=20, is_training=True,
            description="理论讲解与实操练习相结合，考核合格颁发结业证书。",
        )
        for j in range(8 + i % 5):
            p = _person(100 + i * 13 + j)
            checked = j % 6 != 5
            Enrollment.objects.create(
                event=event, name=p["name"], phone=p["phone"], phone_index=actions.blind_index(p["phone"]),
                channel="online" if j % 2 else "onsite", enrolled_at=_at(day - timedelta(days=3)),
                checked_in_at=_at(day, 9) if checked else None, completed=checked,
                certificate_number=f"PXZS-{day.year}-{i * 20 + j + 1:04d}" if checked else "",
            )
        trainings += 1
    upcoming = [
        (K.FRATERNITY, "first_aid", "应急救护普及培训", "乌达区红十字会救护培训师", 7, True),
        (K.WARM, "skills", "残疾人手工编织技能培训（冬季班）", "庞素梅", 10, True),
        (K.VANGUARD, "legal", "职工维权法律知识讲座", "区总工会法律顾问", 12, False),
        (K.YOUTH, "youth", "“青春护平安”青年交流座谈会", "团区委", 14, False),
        (None, "science", "全民科学素质行动：防范电信诈骗科普", "公安分局反诈民警", 16, False),
    ]
    for kind, event_kind, title, trainers, ahead, training in upcoming:
        day = today + timedelta(days=ahead)
        Event.objects.create(harbor=harbor, port=ports.get(kind), by_rotation=kind is None, kind=event_kind,
                             title=title, trainers=trainers, place="永昌佳苑社区党群服务中心",
                             starts_at=_at(day, 9), ends_at=_at(day, 11), capacity=30, is_training=training)

    # Hotline calls to the rights lines (one caller phones twice).
    calls = [
        (K.VANGUARD, "rights.worker", 60, "在建工地务工，包工头拖欠工资两个月，多次讨要未果。"),
        (K.VANGUARD, "rights.worker", 60, "上周反映的欠薪问题，包工头还是不接电话。"),
        (K.HEROINES, "rights.women_children", 61, "丈夫酒后经常打骂，想咨询如何申请人身安全保护令。"),
        (K.YOUTH, "rights.youth", 62, "孩子在网上被人诱导充值游戏，金额较大，想维权。"),
        (K.HEROINES, "rights.women_children", 63, "离婚后对方不支付孩子抚养费。"),
        (K.YOUTH, "rights.youth", 64, "暑期工被超市扣押身份证不还。"),
    ]
    operator = User.objects.filter(username="port_staff").first() or admin
    for kind, category, n, text in calls:
        port = ports[kind]
        actor = operator if operator.port_id == port.pk else admin
        actions.log_hotline_call(actor=actor, port=port, phone=_person(n)["phone"], description=text,
                                 category=Category.objects.get(code=category))

    # The rota among the five ports, from next month for half a year.
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    actions.generate_roster(actor=admin, harbor=harbor, title=f"{first.year}年上半年群团组织轮值表",
                            starts_on=first, ends_on=first + timedelta(days=181),
                            kinds=["duty", "study", "training", "employment"],
                            unavailable={str(ports[K.YOUTH].pk): [(first + timedelta(days=d)).isoformat()
                                                                  for d in range(3, 6)]})

    # The shared aid pool and its beneficiaries.
    pool = [
        (K.FRATERNITY, "funds", "博爱救助金", "元", 20000), (K.FRATERNITY, "goods", "家庭应急包", "个", 60),
        (K.HEROINES, "places", "巾帼家政培训名额", "个", 30), (K.YOUTH, "hours", "青年志愿服务时长", "小时", 500),
        (K.VANGUARD, "funds", "困难职工帮扶金", "元", 30000), (K.WARM, "goods", "助残辅具（轮椅、助行器）", "件", 20),
    ]
    resources = {}
    for kind, res_kind, name, label, qty in pool:
        resources[name] = AidResource.objects.create(harbor=harbor, port=ports[kind], kind=res_kind, name=name,
                                                     unit_label=label, quantity=Decimal(qty))
    gifts = [
        (70, "博爱救助金", 1500, True), (70, "困难职工帮扶金", 2000, True), (71, "助残辅具（轮椅、助行器）", 1, False),
        (71, "家庭应急包", 1, False), (72, "巾帼家政培训名额", 1, True), (73, "青年志愿服务时长", 12, True),
    ]
    for n, name, qty, consent in gifts:
        resource = resources[name]
        p = _person(n)
        person, _created = actions.register_beneficiary(actor=admin, port=resource.port, name=p["name"],
                                                        id_number=p["id_number"], phone=p["phone"],
                                                        address=p["address"], consent=consent)
        actions.allocate_aid(actor=admin, resource=resource, beneficiary=person, quantity=qty, note="入户走访后发放")

    # Safe families (平安家庭): the criteria and this year's titles.
    for i, (text, required) in enumerate(CRITERIA):
        SafeFamilyCriterion.objects.create(harbor=harbor, text=text, required=required, sort_order=i)
    criteria = list(harbor.safe_family_criteria.values_list("pk", flat=True))
    for i in range(8):
        p = _person(80 + i)
        family = actions.nominate_family(actor=admin, harbor=harbor, area=harbor.area, household=p["name"],
                                         address=p["address"], phone=p["phone"], port=ports[K.HEROINES],
                                         nominated_by="永昌佳苑社区妇联" if i % 2 else "本户申请", applied=not i % 2)
        if i < 6:
            met = set(criteria) if i != 5 else set(criteria[:2])
            actions.assess_family(family, actor=admin, met=met,
                                  note="" if i != 5 else "近一年有邻里纠纷，暂不授予。")
    return (f"{len(services)} services, {Application.objects.count()} applications, {trainings} trainings, "
            f"{HotlineCall.objects.count()} hotline calls, {DutyRoster.objects.count()} rota, "
            f"{SafeFamily.objects.count()} safe families")
