"""Demo data of people's mediation: a committee for every community, village, sub-district
and town of the demo district, the district committee and three specialised ones, and a
dozen cases in 新达街道 in every state, registered from the neighbour, family and
inheritance disputes the seed article and the demo history talk about (漏水、噪音、楼道堆物、
养犬、赡养、继承). Everything goes through actions.py, as the mediators would do it.

Idempotent: committees are found by name, and the cases are made only once (a second run
changes nothing).
"""

from datetime import timedelta

from django.utils import timezone

from safeharbor.core.models import Area, Category, Harbor, Unit, User
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Matter
from safeharbor.mediation import actions
from safeharbor.mediation.models import Case, Committee, Member, Party

L = Committee.Level

DISTRICT_COMMITTEES = [
    ("乌达区人民调解委员会", L.DISTRICT, "", "乌达调字"),
    ("乌达区道路交通事故纠纷人民调解委员会", L.SPECIALISED, "道路交通事故", "乌达交调字"),
    ("乌达区劳动争议人民调解委员会", L.SPECIALISED, "劳动争议", "乌达劳调字"),
    ("乌达区医疗纠纷人民调解委员会", L.SPECIALISED, "医疗纠纷", "乌达医调字"),
]
MEMBER_NAMES = ["高秀兰", "任建国", "贾玉梅", "邢志远", "闫春花", "段德胜", "雷淑芬", "侯振江", "邵桂英", "孟庆华"]


def _short(name: str) -> str:
    for suffix in ("街道", "社区", "村", "镇"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _ensure_committees() -> int:
    justice = Unit.objects.get(code="justice")
    district = Area.objects.get(code="wuda")
    created = 0
    rows = [(name, level, specialty, prefix, district) for name, level, specialty, prefix in DISTRICT_COMMITTEES]
    for area in Area.objects.filter(path__startswith=district.path, depth__in=(2, 3)).order_by("path"):
        level = L.SUBDISTRICT if area.depth == 2 else L.COMMUNITY
        rows.append((f"{area.name}人民调解委员会", level, "", f"{_short(area.name)}调字", area))
    for i, (name, level, specialty, prefix, area) in enumerate(rows):
        committee, was_created = Committee.objects.get_or_create(name=name, defaults={
            "level": level, "specialty": specialty, "area": area, "unit": justice, "number_prefix": prefix,
            "address": f"乌达区{area.name if area.depth > 1 else ''}综治中心调解室",
            "phone": f"0473-31{23400 + i:05d}",
        })
        if was_created:
            created += 1
            for j, position in enumerate((Member.Position.DIRECTOR, Member.Position.MEMBER, Member.Position.MEMBER)):
                Member.objects.create(committee=committee, name=MEMBER_NAMES[(i + j * 3) % len(MEMBER_NAMES)],
                                      position=position)
    mediator = User.objects.filter(username="mediator").first()
    if mediator is not None:
        xinda = Area.objects.get(code="wuda.xinda")
        for committee in Committee.objects.filter(area__path__startswith=xinda.path, level__in=(L.SUBDISTRICT,
                                                                                                 L.COMMUNITY)):
            position = Member.Position.DEPUTY if committee.level == L.SUBDISTRICT else Member.Position.MEMBER
            _member, was_created = Member.objects.get_or_create(
                committee=committee, user=mediator, defaults={"name": mediator.display_name, "position": position})
            created += was_created
    return created


# --- the cases ------------------------------------------------------------------------------

P = Party.Role


def _party(role, name, gender, age, id_number, phone, address):
    return {"role": role, "name": name, "gender": gender, "age": age, "id_number": id_number, "phone": phone,
            "address": address, "kind": Party.Kind.PERSON}


def _matter(text, area, harbor=None, name="", phone=""):
    """A resident's report of a neighbour dispute, as it comes in through the harbor's QR code."""
    matter, _check = matter_actions.create_matter(
        actor=None, description=text, source=Matter.Source.QR, area=area, harbor=harbor, reporter_name=name,
        reporter_phone=phone, category=Category.objects.get(code="dispute.neighbor"),
    )
    return matter


def _earlier(hours: float):
    return timezone.now() - timedelta(hours=hours)


class Demo:
    def __init__(self):
        self.dispatcher = User.objects.get(username="dispatcher_xinda")
        self.mediator = User.objects.get(username="mediator")
        self.areas = {a.code: a for a in Area.objects.filter(code__startswith="wuda.xinda")}
        self.committee = {c.area.code: c for c in Committee.objects.filter(level__in=(L.COMMUNITY, L.SUBDISTRICT),
                                                                          area__code__startswith="wuda.xinda")}
        self.police = Unit.objects.get(code="police")

    def register(self, *, area, kind, title, facts, parties, from_matter=None, **extra):
        if from_matter is not None:
            return actions.register_case(actor=self.dispatcher, matter=from_matter, kind=kind, title=title,
                                         facts=facts, parties=parties, **extra)
        return actions.register_case(actor=self.mediator, area=self.areas[area], kind=kind, title=title, facts=facts,
                                     parties=parties, **extra)

    def accept(self, case, community):
        case = actions.accept_case(case, actor=self.mediator, committee=self.committee[community],
                                   mediators=[self.mediator])
        for party in case.parties.all():
            actions.record_consent(case, actor=self.mediator, party=party, agrees=True)
        return case

    def session(self, case, hours_ago, place, record, participants="双方当事人、调解员郝永平", units=()):
        return actions.record_session(case, actor=self.mediator, held_at=_earlier(hours_ago), place=place,
                                      participants=participants, record=record, joint_units=units)

    def agree(self, case, *, form="written", content, responsibilities, method, days=0, facts=None):
        return actions.record_agreement(
            case, actor=self.mediator, form=form, parties=list(case.parties.all()), facts=facts or case.facts,
            responsibilities=responsibilities, content=content, performance_method=method,
            performance_deadline=timezone.localdate() + timedelta(days=days),
        )


YC = "wuda.xinda.yongchang"
TJ = "wuda.xinda.tuanjie"
JS = "wuda.xinda.jianshe"
GM = "wuda.xinda.guangming"

TITLES = [
    "永昌佳苑小区5号楼楼上漏水纠纷", "永昌佳苑二期空调外机滴水纠纷", "团结小区夜间噪音纠纷", "永昌佳苑小区养犬纠纷",
    "建设小区停车位冲突", "团结小区楼道堆物纠纷", "光明社区赡养老人纠纷", "建设社区房产继承纠纷",
    "滨河花园小区绿地种菜纠纷", "永昌佳苑抚养费纠纷",
]


def _cases() -> int:
    d = Demo()
    yc_harbor = Harbor.objects.filter(code="yongchang-mass-orgs").first()
    place_yc = "永昌佳苑社区党群服务中心调解室"

    # 1. Agreement reached at the second session; performance due today (scenario 9).
    m = _matter("楼上卫生间漏水，我家天花板都泡了，找了好几次没人管", d.areas[YC + ".g1.yczy"], yc_harbor,
                "王桂兰", "13904735216")
    c = d.register(area=YC, from_matter=m, kind="neighbor", title=TITLES[0], amount="3800",
                   facts="申请人王桂兰家住永昌佳苑小区5号楼2单元402，楼上502住户卫生间防水层老化长期渗漏，导致其家天花板、"
                         "墙面受损，多次协商未果。", claims="要求楼上住户维修防水并赔偿装修损失3800元。", parties=[
                       _party(P.APPLICANT, "王桂兰", "female", 63, "150304196305120028", "13904735216",
                              "乌达区新达街道永昌佳苑小区5号楼2单元402"),
                       _party(P.RESPONDENT, "刘志军", "male", 41, "150304198502170419", "13947312265",
                              "乌达区新达街道永昌佳苑小区5号楼2单元502")])
    d.accept(c, YC)
    d.session(c, 20, place_yc, "调解员到现场查看，确认漏水系502卫生间防水层老化所致；双方对赔偿金额分歧较大，约定再次调解。")
    d.session(c, 3, place_yc, "经调解员释法说理，双方就维修和赔偿达成一致。")
    d.agree(c, content="一、被申请人刘志军于协议签订后7日内请专业人员重做卫生间防水层，费用自理；\n"
                       "二、被申请人一次性赔偿申请人天花板、墙面修复费用人民币3000元；\n三、双方今后互谅互让，和睦相处。",
            responsibilities="漏水系被申请人家卫生间防水层老化所致，被申请人应承担维修责任和相应赔偿责任；"
                             "申请人对部分装修损失的主张缺乏依据，自愿放弃。",
            method="赔偿款由被申请人以现金方式当面交付申请人，调解员见证；防水施工完成后由物业检查确认。", days=0)

    # 2. Archived: agreement performed (visit), number in the committee's sequence.
    m = _matter("楼上空调外机装在我家窗户正上方，滴水滴到我家窗台上，协商不成", d.areas[YC + ".g2.yczy2"], yc_harbor,
                "赵淑琴", "13804731187")
    c = d.register(area=YC, from_matter=m, kind="neighbor", title=TITLES[1],
                   facts="申请人家窗台长期被楼上空调外机冷凝水滴落，窗台发霉，多次沟通未果。", parties=[
                       _party(P.APPLICANT, "赵淑琴", "female", 58, "150304196809230047", "13804731187",
                              "乌达区新达街道永昌佳苑二期3号楼1单元301"),
                       _party(P.RESPONDENT, "孙立伟", "male", 36, "150304199004110312", "13704739921",
                              "乌达区新达街道永昌佳苑二期3号楼1单元401")])
    d.accept(c, YC)
    d.session(c, 4, place_yc, "双方同意由被申请人加装冷凝水导管。")
    d.agree(c, content="被申请人于3日内为空调外机加装冷凝水导管，引至楼体排水管。",
            responsibilities="被申请人空调外机安装位置不当，应负责整改。", method="被申请人自行施工，完工后通知申请人查看。")
    actions.record_visit(c, actor=d.mediator, visited_on=timezone.localdate(), result="performed",
                         note="电话回访及上门查看：导管已加装，窗台不再滴水，申请人表示满意。")
    actions.archive_case(c, actor=d.mediator)

    # 3. Being mediated, joint mediation with the police.
    m = _matter("团结小区3号楼楼上邻居天天半夜拖椅子、跳绳，咚咚咚的，老人根本睡不着，上去说了好几回也不听",
                d.areas[TJ + ".g1.tuanjie"], None, "钱玉芬", "13904738802")
    c = d.register(area=TJ, from_matter=m, kind="neighbor", title=TITLES[2], risk_level="medium",
                   risk_note="双方曾多次发生口角，需防止矛盾激化。",
                   facts="团结小区3号楼居民反映楼上住户夜间噪音扰民，双方多次发生口角。", parties=[
                       _party(P.APPLICANT, "钱玉芬", "female", 71, "150304195503020021", "13904738802",
                              "乌达区新达街道团结小区3号楼2单元201"),
                       _party(P.RESPONDENT, "周鹏", "male", 33, "150304199307150333", "13847303316",
                              "乌达区新达街道团结小区3号楼2单元301")])
    d.accept(c, TJ)
    actions.invite_joint_unit(c, actor=d.mediator, unit=d.police, note="双方曾发生口角，请派出所社区民警参与调解。")
    d.session(c, 2, "团结社区调解室", "社区民警和调解员共同释法说理，被申请人同意晚十点后不再跳绳，"
                                  "申请人要求书面承诺，约定下周再调。", participants="双方当事人、调解员郝永平、社区民警",
              units=[d.police])

    # 4. Accepted, one party's consent still to be recorded.
    c = d.register(area=YC, kind="neighbor", title=TITLES[3], source="application",
                   facts="永昌佳苑小区一住户养犬不拴绳、夜间犬吠扰民，邻里多次发生争执。", parties=[
                       _party(P.APPLICANT, "冯晓梅", "female", 45, "150304198111080061", "13604735578",
                              "乌达区新达街道永昌佳苑小区2号楼1单元602"),
                       _party(P.RESPONDENT, "褚国强", "male", 52, "150304197407210355", "13904731209",
                              "乌达区新达街道永昌佳苑小区2号楼1单元601")])
    actions.accept_case(c, actor=d.mediator, committee=d.committee[YC], mediators=[d.mediator])
    actions.record_consent(c, actor=d.mediator, party=c.parties.first(), agrees=True)

    # 5. Registered, high risk (alerts the police and the dispatchers), waiting for acceptance.
    m = _matter("建设小区地下车库两家为一个车位吵了一个月，昨天又动手推搡，一方说要找人来“收拾”对方，怕出事",
                d.areas[JS + ".g1.jianshe"], None, "吴海燕", "13704736650")
    d.register(area=JS, from_matter=m, kind="neighbor", title=TITLES[4], risk_level="high", risk_violence=True,
               risk_note="双方已发生肢体冲突，一方扬言报复，存在民转刑风险。",
               facts="建设小区两户居民因地下车库车位使用长期争执，近日发生推搡，一方扬言报复。", parties=[
                   _party(P.APPLICANT, "吴海燕", "female", 39, "150304198706300046", "13704736650",
                          "乌达区新达街道建设小区7号楼1单元101"),
                   _party(P.RESPONDENT, "郑军", "male", 47, "150304197912010377", "13947301184",
                          "乌达区新达街道建设小区7号楼2单元102")])

    # 6. Oral agreement, performance due in a week.
    c = d.register(area=TJ, kind="neighbor", title=TITLES[5], source="initiative",
                   facts="团结小区楼道内堆放大量杂物，相邻住户因此发生矛盾。", parties=[
                       _party(P.APPLICANT, "陈秀珍", "female", 66, "", "13804730917", "乌达区新达街道团结小区5号楼"),
                       _party(P.RESPONDENT, "李明", "male", 44, "", "13904732245", "乌达区新达街道团结小区5号楼")])
    d.accept(c, TJ)
    d.session(c, 1, "团结小区5号楼楼道", "调解员现场协调，双方同意清理楼道杂物。")
    d.agree(c, form="oral", content="被申请人一周内清理楼道杂物，今后不在楼道堆物。", responsibilities="被申请人占用公共楼道。",
            method="被申请人自行清理，网格员查看。", days=7)

    # 7. Failed at the community, escalated to the sub-district, accepted and mediated there.
    c = d.register(area=GM, kind="support", title=TITLES[6],
                   facts="其母亲年近八旬，子女四人之间因赡养问题产生纠纷，老人生活无人照料。",
                   claims="要求子女按月轮流照顾并分摊医疗费用。", risk_level="medium", risk_vulnerable=True,
                   risk_note="涉及高龄老人，生活无人照料。", parties=[
                       _party(P.APPLICANT, "杨桂花", "female", 79, "150304194702140024", "13614738810",
                              "乌达区新达街道光明社区8号楼"),
                       _party(P.RESPONDENT, "杨建军", "male", 55, "150304197103300411", "13904736632",
                              "乌达区新达街道光明社区8号楼"),
                       _party(P.RESPONDENT, "杨建华", "male", 52, "150304197408050418", "13504738871",
                              "乌达区新达街道光明社区10号楼")])
    d.accept(c, GM)
    d.session(c, 6, "光明社区调解室", "子女对轮流照顾的安排分歧较大，社区调委会调解未成。")
    actions.escalate_case(c, actor=d.mediator, reason="子女分歧较大，社区调委会调解未成，提请街道调委会调解。")
    c = actions.accept_case(c, actor=d.mediator, committee=d.committee["wuda.xinda"], mediators=[d.mediator])
    d.session(c, 1, "新达街道综治中心调解室", "街道调委会联合巾帼港工作人员做子女工作，长子同意先行垫付医疗费。")

    # 8. No agreement: guided to litigation, with legal aid.
    c = d.register(area=JS, kind="support", title=TITLES[7],
                   facts="其父亲去世后遗留房产一套，兄弟姐妹之间因继承问题产生矛盾。", amount="420000", parties=[
                       _party(P.APPLICANT, "郑丽", "female", 48, "150304197806120069", "13904730318",
                              "乌达区新达街道建设社区"),
                       _party(P.RESPONDENT, "郑伟", "male", 51, "150304197502280390", "13847306671",
                              "乌达区新达街道建设社区")])
    d.accept(c, JS)
    d.session(c, 5, "建设社区调解室", "双方对房产份额和遗嘱效力各执一词，调解不成。")
    actions.record_failure(c, actor=d.mediator, reason="双方对遗嘱效力和房产份额分歧较大，均不愿让步。",
                           guidance="litigation", guidance_note="告知双方可向乌达区人民法院提起继承诉讼，并引导申请人到区法律援助中心申请法律援助。")

    # 9. Declined: one party does not agree to mediation; guided to the enforcement bureau.
    c = d.register(area=JS, kind="neighbor", title=TITLES[8],
                   facts="滨河花园小区一楼住户在小区绿地上私自种菜并浇粪，异味扰民。", parties=[
                       _party(P.APPLICANT, "何晓东", "male", 40, "", "13604731652", "乌达区新达街道滨河花园小区"),
                       _party(P.RESPONDENT, "吕桂兰", "female", 68, "", "13904739963", "乌达区新达街道滨河花园小区")])
    actions.record_consent(c, actor=d.mediator, party=c.parties.order_by("pk").last(), agrees=False)
    actions.decline_case(c, actor=d.mediator, reason="被申请人不同意调解。", guidance="administrative",
                         guidance_note="毁绿种菜属综合行政执法局管辖，已引导申请人向其反映，并告知可拨打12345。")

    # 10. Agreement, judicial confirmation applied for.
    c = d.register(area=YC, kind="family", title=TITLES[9],
                   facts="申请人与前夫离婚后，对方已半年未支付子女抚养费。", amount="6000", parties=[
                       _party(P.APPLICANT, "许文娟", "female", 34, "150304199209180027", "13804737724",
                              "乌达区新达街道永昌佳苑小区9号楼"),
                       _party(P.RESPONDENT, "马超", "male", 36, "150304199003040359", "13947305580",
                              "乌海市海勃湾区")])
    d.accept(c, YC)
    d.session(c, 3, place_yc, "巾帼港工作人员参与调解，被申请人同意补付抚养费。",
              participants="双方当事人、调解员郝永平、巾帼港工作人员")
    d.agree(c, content="被申请人于30日内补付拖欠的抚养费6000元，此后每月10日前支付抚养费1000元。",
            responsibilities="被申请人未按离婚协议支付抚养费，应予补付。", method="银行转账至申请人账户。", days=30)
    actions.record_confirmation(c, actor=d.mediator, status="applied", court="乌海市乌达区人民法院",
                                applied_on=timezone.localdate())
    return 10


def load_demo() -> str:
    if not Unit.objects.filter(code="justice").exists() or not Area.objects.filter(code="wuda").exists():
        return "skipped: the demo district is missing"
    created = _ensure_committees()
    cases = 0
    if not Case.objects.filter(title__in=TITLES).exists() and User.objects.filter(
            username__in=["mediator", "dispatcher_xinda"]).count() == 2:
        cases = _cases()
    total = Committee.objects.count()
    if not created and not cases:
        return f"{total} committees and {Case.objects.count()} cases already there; nothing changed."
    return f"{total} committees ({created} new rows), {cases} demo cases."
