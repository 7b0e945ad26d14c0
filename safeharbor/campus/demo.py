"""Demo data of the campus app: 乌达区实验中学 as the seed describes it.

58 classes and 2118 pupils in nine grades (九年一贯制), the student development and
guidance centre with 7 rooms, a psychology monitor in every class but two, one psychology
lesson a week per class (with a few missed weeks), the mental-health festival and the six
modules, crisis cases (counts only outside the psychology team), joint meetings whose
decisions are matters, hazards at the gate (the matter history's illegal taxi stand and the
三无 snack stall that came back, plus new ones), guard posts with a term's roster and one
uncovered slot tomorrow, and a safety record without accidents or crime cases.

Idempotent: the school's campus profile marks the data as loaded; everything is written
through campus.actions and matters.actions, in one transaction.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from safeharbor.campus import actions
from safeharbor.campus.models import (
    CampusProfile,
    GuardDuty,
    GuardShift,
    Hazard,
    PsychLesson,
    PsychModule,
    SchoolClass,
)
from safeharbor.core.demo import DEMO_PASSWORD, SCHOOL_UNIT
from safeharbor.core.models import School, Unit, User
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Matter, Meeting

GRADES = [("一年级", 7), ("二年级", 7), ("三年级", 6), ("四年级", 6), ("五年级", 6), ("六年级", 6),
          ("七年级（初一）", 7), ("八年级（初二）", 7), ("九年级（初三）", 6)]
STUDENTS = 2118
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["子涵", "欣怡", "梓轩", "诗琪", "浩然", "雨桐", "宇航", "佳怡", "俊杰", "思彤", "博文", "若曦", "晨阳",
         "可馨", "天佑", "梦瑶", "明轩", "雅琪", "嘉懿", "一诺"]
TEACHERS = ["郭老师", "孟老师", "白老师", "任老师", "贺老师", "乔老师", "武老师", "田老师", "杜老师"]
ROOMS = [("个体咨询室", "一对一心理咨询", 3), ("团体辅导室", "团体心理辅导、心理委员培训", 30),
         ("沙盘游戏室", "沙盘游戏治疗", 6), ("音乐放松室", "音乐放松与减压", 8), ("情绪宣泄室", "情绪宣泄与调节", 4),
         ("心理测评室", "心理健康筛查与测评", 20), ("家长接待室", "家长来访、家庭教育指导", 8)]
MODULE_NAMES = {"self": "自我认识", "learning": "学习心理", "emotion": "情绪管理", "relations": "人际交往",
                "adaptation": "社会适应", "life": "生命教育"}
PRINCIPAL = {"username": "principal", "full_name": "高建军"}


def _name(i: int) -> str:
    return SURNAMES[i * 7 % len(SURNAMES)] + GIVEN[i * 3 % len(GIVEN)]


def _ensure_principal(school: School) -> User:
    user = User.objects.filter(username=PRINCIPAL["username"]).first()
    if user is None:
        user = User(username=PRINCIPAL["username"], full_name=PRINCIPAL["full_name"], role=User.Role.SCHOOL_SAFETY,
                    unit=school.unit, school=school, password=make_password(DEMO_PASSWORD), phone="13904731888")
        user.save()
    return user


def _classes(school, officer) -> list[SchoolClass]:
    base, extra = divmod(STUDENTS, sum(n for _g, n in GRADES))
    k = 0
    for grade_name, count in GRADES:
        for number in range(1, count + 1):
            actions.add_class(school, actor=officer, grade_name=grade_name, name=f"{number}班",
                              student_count=base + (1 if k < extra else 0), head_teacher=TEACHERS[k % len(TEACHERS)])
            k += 1
    return list(SchoolClass.objects.filter(grade__school=school).select_related("grade").order_by("grade__order", "pk"))


def _rooms(school, officer, psych, today):
    rooms = [actions.add_room(school, actor=officer, name=n, purpose=p, capacity=c) for n, p, c in ROOMS]
    tz = timezone.get_current_timezone()
    day = today + timedelta(days=1)
    for room, (start, hours, purpose) in zip(rooms[:3], [(9, 1, "初二（3）班个体咨询预约"), (14, 2, "心理委员月度培训"),
                                                            (10, 1, "沙盘游戏辅导")], strict=True):
        begin = datetime.combine(day, time(start), tz)
        actions.book_room(room, actor=officer if room != rooms[0] else officer, starts_at=begin,
                          ends_at=begin + timedelta(hours=hours), purpose=purpose)


def _meetings(school, officer, today) -> int:
    units = {u.code: u for u in Unit.objects.all()}
    actions.plan_meetings(school, actor=officer, kind=Meeting.Kind.SCHOOL_SAFETY, every_months=1,
                          first_on=today.replace(day=1))
    actions.plan_meetings(school, actor=officer, kind=Meeting.Kind.SCHOOL_SURROUNDINGS, every_months=3,
                          first_on=today.replace(day=1))
    held = timezone.make_aware(datetime.combine(today - timedelta(days=9), time(15, 30)))
    meeting = actions.hold_joint_meeting(
        school, actor=officer, kind=Meeting.Kind.SCHOOL_SURROUNDINGS, title="实验中学校园周边环境整治联席会议（本月）",
        held_at=held, place="乌达区实验中学行政楼三楼会议室",
        attending_units=[units[c] for c in ("police", "traffic_police", "urban_enforcement", "market",
                                            "transport_enforcement", "education") if c in units],
        agenda="一、通报南门外三无零食摊反弹情况；二、研究文化路口上下学交通安全；三、落实护学岗人员。",
        minutes="会议通报了南门外三无零食摊整治后又出现的情况，明确由市场监管局牵头、综合执法局配合固定值守；"
                "交警大队在文化路口增设减速带和禁停标志；学校补齐护学岗家长志愿者。",
    )
    decisions = [("南门外及文化路拐角三无零食摊固定值守，一周内彻底清理", "market", 7),
                 ("文化路与育才路口增设减速带、禁停标志", "traffic_police", 12),
                 ("排查学校周边200米内网吧，严查接纳未成年人", "police", 5)]
    made = []
    for text, code, days in decisions:
        if code in units:
            made.append(matter_actions.add_decision(meeting, actor=officer, text=text, owner_unit=units[code],
                                                    deadline=today + timedelta(days=days)))
    handler = User.objects.filter(username="unit_handler").first()
    police_decision = next((d for d in made if d.owner_unit.code == "police"), None)
    if handler and police_decision:
        matter_actions.accept_matter(police_decision.matter, actor=handler)
        matter_actions.resolve_matter(police_decision.matter, actor=handler,
                                      result="已检查学校周边网吧3家，责令1家张贴未成年人禁入标志，未发现接纳未成年人。")
    return len(made)


HISTORY_SPOTS = {"实验中学南门黑车揽客": (0.0002, 0.0004), "实验中学南门三无零食摊": (-0.0002, 0.0001),
                 "三无零食摊又回来了": (-0.0003, 0.0003)}


def _history_hazards(school, gate) -> int:
    """The matter history's scenario 6 (illegal taxis and the snack stall that came back),
    placed at the gate they were seen at."""
    found = 0
    for title, (dlat, dlon) in HISTORY_SPOTS.items():
        matter = Matter.objects.filter(title=title, harbor__school=school).order_by("created_at").first()
        if matter is None or Hazard.objects.filter(matter=matter).exists():
            continue
        hazard = actions.hazard_from_matter(matter)
        if hazard is None:
            continue
        found += 1
        hazard.via = Hazard.Via.STAFF
        hazard.lat, hazard.lon = round(gate[0] + dlat, 6), round(gate[1] + dlon, 6)
        hazard.distance_m = actions.distance_m(hazard.lat, hazard.lon, *gate)
        if matter.status == Matter.Status.CLOSED:
            hazard.status, hazard.closed_at = Hazard.Status.RECTIFIED, matter.closed_at
        elif matter.status == Matter.Status.RESOLVED:
            hazard.status = Hazard.Status.REINSPECT
        if title == "三无零食摊又回来了" and hazard.recurrence_of is None:
            hazard.recurrence_of = Hazard.objects.filter(school=school, matter__title="实验中学南门三无零食摊").first()
        hazard.save()
    return found


def _new_hazards(school, officer, gate) -> int:
    lat, lon = gate
    cafe = actions.report_hazard(
        school, actor=officer, kind=Hazard.Kind.INTERNET_CAFE, address="育才路东段27号二楼",
        description="育才路东段一家无招牌网吧，放学后常有穿校服的学生进出，疑似接纳未成年人上网。",
        lat=lat + 0.0016, lon=lon + 0.0021,
    )
    traffic = actions.report_hazard(
        school, actor=officer, kind=Hazard.Kind.TRAFFIC, address="文化路与育才路口",
        description="文化路口没有减速带，放学时段车速快，学生横穿马路危险。", lat=lat - 0.0009, lon=lon + 0.0006,
    )
    handler = User.objects.filter(unit__code="traffic_police", role=User.Role.UNIT_HANDLER).first()
    if handler:
        matter_actions.accept_matter(traffic.matter, actor=handler)
        matter_actions.resolve_matter(traffic.matter, actor=handler, result="已在文化路口设置减速带两道、限速20标志。")
    actions.report_hazard(
        school, actor=officer, kind=Hazard.Kind.CONSTRUCTION, address="育才路西侧在建楼盘",
        description="学校西侧工地围挡破损，渣土车上下学时段进出。", lat=lat + 0.0004, lon=lon - 0.0023,
    )
    return 3 + bool(cafe)


def _guards(school, officer, today) -> int:
    south = actions.add_gate(school, actor=officer, name="南门（正门）", people_per_slot=3)
    east = actions.add_gate(school, actor=officer, name="东门", people_per_slot=2)
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=12)
    term = actions.add_term(school, actor=officer, name=f"{start.year}—{start.year + 1}学年第一学期",
                            starts_on=start, ends_on=start + timedelta(days=139))
    for i in range(3):
        actions.add_guard(school, actor=officer, kind="traffic_police", name=f"交警{_name(40 + i)}",
                          phone=f"1394730{2100 + i:04d}")
    for i in range(14):
        actions.add_guard(school, actor=officer, kind="parent", name=f"{_name(60 + i)}家长",
                          phone=f"1384731{3100 + i:04d}")
    made = actions.generate_roster(term, actor=officer, gate=south)["duties"]
    made += actions.generate_roster(term, actor=officer, gate=east, slots=["morning", "afternoon"])["duties"]
    # Past shifts: almost everybody signed in (a few forgot).
    now = timezone.now()
    for k, duty in enumerate(GuardDuty.objects.filter(shift__gate__school=school, shift__date__lt=today)
                             .select_related("shift")):
        if k % 17 == 5:
            continue
        begin, _end = actions.slot_window(duty.shift.date, duty.shift.slot)
        duty.signed_in_at, duty.sign_in_method = begin + timedelta(minutes=30 + k % 9), "qr" if k % 4 else "phone"
        duty.save(update_fields=["signed_in_at", "sign_in_method"])
    # A parent cannot come tomorrow afternoon at the east gate: uncovered, flagged the day before.
    tomorrow = GuardShift.objects.filter(gate=east, date__gt=today, slot="afternoon").order_by("date").first()
    if tomorrow:
        duty = tomorrow.duties.exclude(guard__kind="traffic_police").first()
        if duty:
            actions.drop_duty(duty, actor=officer)
        actions.flag_uncovered_slots(day=tomorrow.date, now=now)
    return made


def _psychology(school, teacher, classes, today) -> str:
    monitors = 0
    for i, c in enumerate(classes):
        if i in (17, 44):  # two classes still without a monitor: flagged
            continue
        actions.set_psych_monitor(c, actor=teacher, name=_name(i))
        monitors += 1
    term = school.terms.order_by("-starts_on").first()
    last_week_end = actions.week_of(today) - timedelta(days=1)
    days = actions.school_days(term.starts_on, last_week_end) if term else []
    weeks: dict[date, list[date]] = {}
    for d in days:
        weeks.setdefault(actions.week_of(d), []).append(d)
    modules = list(PsychModule.values)
    topics = {"self": "认识独特的自己", "learning": "学习动机与方法", "emotion": "做情绪的主人",
              "relations": "同伴交往与沟通", "adaptation": "适应新环境", "life": "珍爱生命"}
    lessons = []
    for w, (week, week_days) in enumerate(sorted(weeks.items())):
        for i, c in enumerate(classes):
            if (i * 5 + w) % 37 == 0:  # a missed week here and there: flagged on the coverage grid
                continue
            module = modules[(w + i) % len(modules)]
            held = week_days[i % len(week_days)]
            lessons.append(PsychLesson(school_class=c, held_on=held, week=week, module=module, topic=topics[module],
                                       teacher=teacher))
    PsychLesson.objects.bulk_create(lessons, batch_size=500)
    year = today.year
    acts = [("festival", "", f"{year}年“5·25”心理健康节：阳光心态 快乐成长", date(year, 5, 18), date(year, 5, 25), 2118),
            ("training", "", "全体班主任心理危机识别与干预培训", today - timedelta(days=50), None, 64),
            ("parents", "", "家长课堂：如何与青春期孩子沟通", today - timedelta(days=30), None, 312),
            ("parents", "", "随迁子女家庭教育指导沙龙", today - timedelta(days=12), None, 45)]
    for k, module in enumerate(modules):
        acts.append(("module", module, f"{MODULE_NAMES[module]}主题团体辅导", today - timedelta(days=70 - k * 9),
                     None, 40 + k * 5))
    for kind, module, title, start, end, n in acts:
        if start > today:
            start, end = start.replace(year=year - 1), end.replace(year=year - 1) if end else None
        actions.record_activity(school, actor=teacher, kind=kind, module=module, title=title, starts_on=start,
                                ends_on=end, participants=n)
    cases = [("counselling", "low", "self", "学习压力大，考试前失眠"), ("counselling", "low", "teacher", "与同学相处困难"),
             ("counselling", "low", "parent", "沉迷手机游戏，与父母冲突"), ("counselling", "low", "monitor", "情绪低落一周"),
             ("counselling", "low", "screening", "心理筛查焦虑分数偏高"), ("counselling", "low", "self", "父母外出务工，想家"),
             ("counselling", "medium", "teacher", "多次无故缺课，情绪波动大"),
             ("crisis", "medium", "screening", "筛查抑郁量表得分较高"),
             ("crisis", "high", "monitor", "心理委员反映该生在周记中写下消极的话"),
             ("crisis", "high", "parent", "家长反映孩子近期自我封闭，拒绝上学"),
             ("crisis", "high", "teacher", "班主任发现手臂有划痕")]
    for i, (kind, risk, source, concern) in enumerate(cases):
        high = risk == "high"
        actions.open_case(
            school, actor=teacher, school_class=classes[(i * 11 + 3) % len(classes)], kind=kind, risk=risk,
            source=source, student_name=_name(100 + i), concern=concern,
            safety_plan="每日由班主任和心理委员关注；心理教师每周两次面谈；家校保持每日联系" if high or risk == "medium" else "",
            guardian_name=f"{_name(100 + i)[0]}女士" if high else "", guardian_phone=f"1364731{5100 + i:04d}" if high else "",
            guardian_consent=high, referral="乌海市第三人民医院心理科" if i == 10 else "",
            referred_on=today - timedelta(days=3) if i == 10 else None, next_follow_up=today + timedelta(days=2 + i % 5),
        )
    return f"{monitors} monitors, {len(lessons)} lessons, {len(acts)} activities, {len(cases)} cases"


def _incidents(school, officer, today) -> int:
    tz = timezone.get_current_timezone()
    rows = [("injury", "minor", 40, "操场", "体育课跑步时一名学生摔倒，膝盖轻微擦伤，校医处理后返回课堂。"),
            ("fight", "minor", 26, "七年级走廊", "两名学生课间发生口角推搡，班主任及时制止，已分别谈话并通知家长。"),
            ("other", "minor", 8, "南门", "放学时一名低年级学生走失约20分钟，经护学岗家长协助找到。")]
    for kind, severity, days, place, text in rows:
        actions.record_incident(school, actor=officer, kind=kind, severity=severity, place=place, description=text,
                                occurred_at=datetime.combine(today - timedelta(days=days), time(10, 20), tz))
    return len(rows)


def load_demo() -> str:
    school = School.objects.filter(unit__code=SCHOOL_UNIT).select_related("unit", "area").first()
    if school is None:
        return "no demo school (run the core demo first); nothing done."
    if CampusProfile.objects.filter(school=school, safety_officer__isnull=False).exists():
        return f"{school.unit.name}: campus data already there; nothing changed."
    officer = User.objects.get(username="school_safety")
    teacher = User.objects.get(username="psych_teacher")
    principal = _ensure_principal(school)
    today = timezone.localdate()
    gate = actions._gate_point(school)
    if gate[0] is None:
        gate = (39.505, 106.70)
    actions.update_profile(school, actor=officer, safety_officer=officer, psych_lead=teacher,
                           designated_leader=principal, gate_lat=gate[0], gate_lon=gate[1])
    CampusProfile.objects.filter(school=school).update(records_since=date(2023, 9, 1))
    classes = _classes(school, officer)
    _rooms(school, officer, teacher, today)
    decisions = _meetings(school, officer, today)
    hazards = _history_hazards(school, gate) + _new_hazards(school, officer, gate)
    duties = _guards(school, officer, today)
    psych = _psychology(school, teacher, classes, today)
    incidents = _incidents(school, officer, today)
    return (f"{school.unit.name}: {len(classes)} classes, {school.student_count} students, 7 rooms, "
            f"{decisions} meeting decisions, {hazards} hazards, {duties} guard duties, {psych}, "
            f"{incidents} incidents; principal account `principal` (designated leader for psychology records).")


