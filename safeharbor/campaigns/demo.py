"""Demo campaign: the seed's Ordos campaign against prominent problems in transport law
enforcement, run in the demo district by 乌达区交通运输综合行政执法大队 with four member units.

Dates are relative to the day the demo is loaded: the tasks are 58 of their 81 days in
(70 % of the time), reports are due every 14 days, 公安分局 lags at 40 % (flagged in the
published bulletin) and has not filed the last report (chased). Idempotent: the campaign's
name is the natural key; when it exists nothing is changed.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from safeharbor.campaigns import actions
from safeharbor.campaigns.models import Campaign, ProgressReport, TaskProgress
from safeharbor.core.models import Area, Unit, User

NAME = "乌达区交通运输执法领域突出问题专项整治行动"
LEAD = "transport_enforcement"
GOALS = (
    "聚焦交通运输执法领域群众反映强烈的热点及制约规范公正文明执法的堵点问题，整治执法不规范、执法方式简单粗暴、"
    "执法“寻租”等突出问题；每一项工作都有路线图、时间表和责任制，确保工作进度决不落后于时间进度；"
    "广泛收集线索，广泛听取人民群众、司乘人员、运输从业人员的意见，切实维护交通运输市场秩序和人民群众的合法权益。"
)
# unit, task, responsible person, target, milestones, percent per report (4 periods; None = not filed)
TASKS = [
    ("traffic_police", "规范道路交通执法行为，开展执法案卷评查", "周海军", "评查执法案卷200卷，问题整改率100%",
     "第2周完成案卷摸底\n第6周完成交叉评查\n第10周完成整改", [15, 35, 55, 75]),
    ("urban_enforcement", "整治校园周边和客运站黑出租、非法营运", "吴晓东", "查处非法营运车辆30辆",
     "第4周完成重点路段排查\n第8周开展联合整治", [20, 40, 60, 80]),
    ("market", "清理涉运输企业乱收费、乱罚款", "郑丽萍", "涉企收费项目核查覆盖率100%",
     "第3周公布收费目录清单\n第9周完成核查", [18, 36, 54, 72]),
    ("police", "联合治理超限超载车辆闯卡冲岗", "刘东升", "G109、G110联合执勤40次",
     "第2周建立联勤机制\n每周联合执勤不少于4次", [10, 20, 40, None]),
]
REPORTS = {
    "traffic_police": ("对执法人员着装、执法记录仪使用情况开展自查自纠", "评查执法案卷: 150\n发现问题: 12",
                       "个别执法人员执法用语不规范", "组织执法用语专题培训"),
    "urban_enforcement": ("在客运站、学校周边开展联合整治，护学岗高峰勤务同步开展", "查处非法营运车辆: 24\n约谈驾驶人: 31",
                          "夜间非法营运取证难", "与交警大队开展夜间联合整治"),
    "market": ("公布涉企收费目录清单，开通投诉专线", "核查收费项目: 36\n清退不合理收费（万元）: 2.4",
               "部分企业对投诉渠道知晓率不高", "结合法治宣传进企业发放告知书"),
    "police": ("与交通运输执法大队建立联勤机制", "联合执勤: 16\n查处闯卡车辆: 5",
               "警力不足，联合执勤次数落后于计划", "增派警力，补齐联合执勤次数"),
}


def _at(day, hour=16) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _file_history(campaign, tasks, due_dates) -> int:
    """The reports of the past periods, as they were filed then (the last one of 公安分局 is missing)."""
    count = 0
    for task in tasks:
        unit_code = task.owner_unit.code
        percents = next(t[5] for t in TASKS if t[0] == unit_code)
        highlights, figures, problems, next_steps = REPORTS[unit_code]
        for period, (due, percent) in enumerate(zip(due_dates, percents, strict=False)):
            if percent is None:
                continue
            late = unit_code == "police" and period == 1
            filed = _at(due + timedelta(days=3) if late else due)
            report = ProgressReport.objects.create(
                campaign=campaign, unit=task.owner_unit, due_date=due, submitted_at=filed,
                submitted_by=User.objects.filter(unit=task.owner_unit).order_by("pk").first(),
                highlights=highlights if period else "开展“大走访”“大调查”无记名问卷调查，发放公路法等宣传材料",
                results=f"本期完成{task.title}阶段性工作", figures=actions._figures(figures), problems=problems,
                next_steps=next_steps, late=late,
            )
            TaskProgress.objects.create(report=report, task=task, percent=percent)
            count += 1
    return count


def load_demo() -> str:
    if Campaign.objects.filter(name=NAME).exists():
        return "the transport law-enforcement campaign is already there; nothing changed."
    lead = Unit.objects.filter(code=LEAD).first()
    lead_user = User.objects.filter(username=f"h_{LEAD}").first()
    units = {u.code: u for u in Unit.objects.filter(code__in=[t[0] for t in TASKS])}
    district = Area.objects.filter(code="wuda").first()
    if lead is None or lead_user is None or len(units) < len(TASKS) or district is None:
        return "skipped: the demo district (units, accounts) is missing."
    today = timezone.localdate()
    start = today - timedelta(days=57)
    end = start + timedelta(days=85)
    campaign = actions.create_campaign(
        actor=lead_user, name=NAME, lead_unit=lead, participating_units=[units[t[0]] for t in TASKS], area=district,
        start_date=start, end_date=end, goals=GOALS, report_every_days=14,
    )
    tasks = [
        actions.add_task(campaign, actor=lead_user, title=title, owner_unit=units[code], responsible_person=person,
                         deadline=end - timedelta(days=5), target=target, milestones=milestones, start_date=start)
        for code, title, person, target, milestones, _p in TASKS
    ]
    due_dates = [d for d in campaign.report_due_dates() if d < today]
    reports = _file_history(campaign, tasks, due_dates)

    meeting = actions.hold_dispatch_meeting(
        campaign, actor=lead_user, title="交通运输执法领域突出问题专项整治行动调度视频会议",
        held_at=_at(start + timedelta(days=17), 15), place="区交通运输综合行政执法大队视频会议室",
        agenda="各单位汇报专项整治开展情况：特色亮点、取得成效、存在问题、下一步工作打算；通报问题和进度",
        minutes="会议充分肯定了前一阶段的成绩，指出推进过程中存在的问题，提出三点要求：一要提高整治站位；"
        "二要落实落细各项工作任务，紧扣动员部署、自查自纠、总结提升等关键阶段，广泛收集线索、广泛宣传；"
        "三要强化整改力度，通过定期调度、总结梳理，确保工作进度决不能落后于时间进度。",
    )
    actions.add_task(campaign, actor=lead_user, title="补齐超限超载联合执勤警力，每周不少于4次",
                     owner_unit=units["police"], responsible_person="刘东升", deadline=end - timedelta(days=20),
                     target="联合执勤次数追上时间进度", meeting=meeting)
    bulletin = actions.generate_bulletin(campaign, actor=lead_user, as_of=due_dates[-1])
    actions.publish_bulletin(bulletin, actor=lead_user, remarks=(
        "各单位要以高度的思想自觉、政治自觉、行动自觉抓紧抓实抓好专项整治；公安分局联合执勤进度落后于时间进度，"
        "须于一周内补齐；每一项工作都有路线图、时间表和责任制，确保进度决不落后于时间进度。"))

    clue, _check = actions.submit_public_clue(
        campaign, text="乌达超限检测站附近有执法人员对部分超载货车只罚款不卸载，疑似“以罚代管”。", place="G109国道乌达超限检测站",
        anonymous=True)
    actions.verify_clue(clue, actor=lead_user, unit=units["traffic_police"], deadline=end - timedelta(days=10),
                        verification="调取执法记录仪视频核实，存在未责令卸载即放行的情况")
    survey, _check = actions.register_clue(
        campaign, actor=lead_user, channel="survey", anonymous=True,
        text="无记名问卷：多名货车司机反映检查站“罚款不说明理由”。")
    actions.close_clue(survey, actor=lead_user, reason="无具体对象和时间，已纳入执法用语和告知程序专题培训")
    actions.submit_public_clue(campaign, text="客运站门口晚上有黑出租拉客，要价很高。", place="乌达客运站", name="李金虎",
                               phone="13947301234")
    chased = actions.chase_missing_reports()
    return (f"campaign {NAME}: {len(tasks) + 1} tasks, {reports} progress reports, 1 dispatch meeting, "
            f"1 published bulletin, 3 clues, {chased} missing report(s) chased.")
