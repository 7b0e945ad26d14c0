"""A campaign from mobilization to summary: three units, one lagging (flagged in the
bulletin), a missed report chased, a clue verified into a matter; bad input refused."""

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from safeharbor.campaigns import actions, queries
from safeharbor.campaigns.models import Bulletin, Clue, ProgressReport
from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Matter, Meeting
from safeharbor.notifications.models import Notification
from tests import factories
from tests.factories_campaigns import make_campaign
from tests.tools import require_commands

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10):
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@pytest.fixture
def cast(org, time_machine):
    time_machine.move_to(at("2026-04-01", 9), tick=False)
    cast = make_campaign(org, every=28)
    for unit, person in zip(cast.units, ["张队长", "李站长", "王队长"], strict=True):
        actions.add_task(cast.campaign, actor=cast.lead_user, title=f"{unit.name_zh}执法案卷自查", owner_unit=unit,
                         responsible_person=person, deadline=date(2026, 6, 20), target="自查案卷100%",
                         milestones="4月底完成摸底\n5月底完成整改", start_date=date(2026, 4, 1))
    return cast


def file(cast, i, percent, **extra):
    handler = cast.handlers[i]
    task = cast.campaign.tasks.get(owner_unit=cast.units[i])
    data = {"results": "检查执法案卷", "next_steps": "继续整改", **extra}
    return actions.file_report(cast.campaign, actor=handler, progress={task.pk: percent}, **data)


def test_default_phases_cover_the_period(cast):
    phases = list(cast.campaign.phases.all())
    assert [p.name for p in phases] == ["动员部署", "自查自纠", "总结提升"]
    assert phases[0].start_date == date(2026, 4, 1) and phases[-1].end_date == date(2026, 6, 29)
    assert all(a.end_date < b.start_date for a, b in zip(phases, phases[1:], strict=False))


def test_tasks_are_matters_in_the_unit_inbox(cast):
    task = cast.campaign.tasks.get(owner_unit=cast.units[0])
    matter = task.matter
    assert matter.source == Matter.Source.CAMPAIGN and matter.status == Matter.Status.DISPATCHED
    assert matter.unit == cast.units[0]
    assert matter.resolve_due_at.astimezone(TZ).date() == date(2026, 6, 20)
    # The unit accepts and asks for more time exactly as for any matter.
    matter_actions.accept_matter(matter, actor=cast.handlers[0])
    extension = matter_actions.request_extension(matter, actor=cast.handlers[0], days=3, reason="案卷多")
    assert extension.status == "requested"


def test_the_whole_campaign(cast, time_machine):
    campaign = cast.campaign
    # First period (due 04-29): two units file, the third does not.
    time_machine.move_to(at("2026-04-29"), tick=False)
    file(cast, 0, 30, problems="个别执法人员着装不规范")
    file(cast, 1, 25, highlights="开展“大走访”“大调查”", figures="发放问卷: 200\n走访企业：12")
    assert queries.missing_reports(campaign, date(2026, 4, 29)) == []  # due today, not missing yet

    # The next morning the worker chases the missing report, once.
    time_machine.move_to(at("2026-04-30", 8), tick=False)
    assert actions.chase_missing_reports() == 1
    assert actions.chase_missing_reports() == 0
    chased = Notification.objects.filter(kind="campaign_report_missing")
    assert {n.recipient.username for n in chased} == {"unit3", "lead"}
    assert "2026-04-29" in chased.first().message

    # The lagging unit files late for that period.
    time_machine.move_to(at("2026-05-02"), tick=False)
    late = file(cast, 2, 10)
    assert late.due_date == date(2026, 4, 29) and late.late

    # Second period (due 05-27, 70 % of the tasks' time): the third unit is at 40 %.
    time_machine.move_to(at("2026-05-27"), tick=False)
    file(cast, 0, 80)
    file(cast, 1, 75, problems="执法记录仪使用率不高")
    file(cast, 2, 40, problems="人手不足")
    assert ProgressReport.objects.get(unit=cast.units[1], due_date=date(2026, 4, 29)).figures == {
        "发放问卷": 200, "走访企业": 12}

    bulletin = actions.generate_bulletin(campaign, actor=cast.lead_user, as_of=date(2026, 5, 27))
    units = bulletin.content["units"]
    assert [u["name"] for u in units] == ["乌兰淖尔中队", "乌达超限检测站", "客运执法中队"]
    assert [u["rank"] for u in units] == [1, 2, 3]
    assert [u["behind"] for u in units] == [False, False, True]
    lagging = [t for t in bulletin.content["tasks"] if t["behind"]]
    assert [(t["owner"], t["percent"], t["elapsed"]) for t in lagging] == [("客运执法中队", 40, 70)]
    assert bulletin.content["late"] == [
        {"unit": "客运执法中队", "due": "2026-04-29", "filed": "2026-05-02 10:00", "chased": True}]
    assert {p["unit"]: p["text"] for p in bulletin.content["problems"]} == {"乌达超限检测站": "执法记录仪使用率不高",
                                                                          "客运执法中队": "人手不足"}
    assert bulletin.status == Bulletin.Status.DRAFT

    # A draft is for the lead unit only; once published every participant reads it.
    assert not queries.bulletins_for(cast.handlers[0], campaign).exists()
    actions.publish_bulletin(bulletin, actor=cast.lead_user, remarks="各单位要确保工作进度决不落后于时间进度")
    assert queries.bulletins_for(cast.handlers[0], campaign).get() == bulletin
    assert Notification.objects.filter(kind="campaign_bulletin").count() == 3
    with pytest.raises(ConflictError):
        actions.publish_bulletin(bulletin, actor=cast.lead_user)

    # A dispatch meeting: its decision becomes a task with a deadline.
    meeting = actions.hold_dispatch_meeting(campaign, actor=cast.lead_user, title="专项整治调度视频会议",
                                            held_at=at("2026-05-27", 15))
    assert meeting.kind == Meeting.Kind.DISPATCH and meeting.attending_units.count() == 4
    task = actions.add_task(campaign, actor=cast.lead_user, title="客运执法中队补齐人手", owner_unit=cast.units[2],
                            responsible_person="王队长", deadline=date(2026, 6, 10), target="增派执法人员4名",
                            meeting=meeting)
    assert task.matter.decision.meeting == meeting and task.matter.unit == cast.units[2]

    # Summary phase: the reports go on until the end.
    time_machine.move_to(at("2026-06-24"), tick=False)
    assert queries.current_phase(campaign).name == "总结提升"
    assert queries.next_due_date(campaign, cast.units[0]) == date(2026, 6, 24)


def test_a_public_clue_verified_into_a_matter(cast):
    clue, check = actions.submit_public_clue(cast.campaign, text="G109超限站附近有人收钱放行超载货车",
                                             place="G109国道", anonymous=True, name="不该保存", phone="13900000000")
    assert clue.anonymous and clue.reporter_name == "" and clue.reporter_phone == ""
    assert actions.find_clue(clue.tracking_code, check) == clue
    assert actions.find_clue(clue.tracking_code, "000000" if check != "000000" else "111111") is None
    clue = actions.verify_clue(clue, actor=cast.lead_user, unit=cast.units[1], deadline=date(2026, 4, 10),
                               verification="经核查属实")
    assert clue.status == Clue.Status.MATTER
    assert clue.matter.source == Matter.Source.CLUE and clue.matter.unit == cast.units[1]
    assert clue.matter.status == Matter.Status.DISPATCHED
    with pytest.raises(ConflictError):
        actions.close_clue(clue, actor=cast.lead_user, reason="重复")
    other, _check = actions.register_clue(cast.campaign, actor=cast.lead_user, channel="survey",
                                          text="问卷反映：罚款不说明理由", anonymous=True)
    actions.close_clue(other, actor=cast.lead_user, reason="已纳入执法规范化培训，无具体对象")
    stats = queries.clue_stats(cast.campaign)
    assert (stats["total"], stats["matter"], stats["closed"], stats["new"]) == (2, 1, 1, 0)


def test_bad_input_is_refused(cast):
    campaign = cast.campaign
    with pytest.raises(ActionError, match="不在专项整治期间"):
        actions.add_task(campaign, actor=cast.lead_user, title="超期任务", owner_unit=cast.units[0],
                         responsible_person="张", deadline=date(2026, 7, 15), target="1")
    with pytest.raises(ActionError) as exc:
        file(cast, 0, 120)
    assert exc.value.extra["field"].startswith("task_")
    assert not ProgressReport.objects.exists()
    with pytest.raises(ActionError):
        file(cast, 0, 50, figures="走访企业很多")
    outsider = factories.UnitFactory(code="other", name_zh="其他单位")
    with pytest.raises(ActionError, match="未参与"):
        actions.add_task(campaign, actor=cast.lead_user, title="x", owner_unit=outsider, responsible_person="张",
                         deadline=date(2026, 5, 1), target="1")
    with pytest.raises(PermissionDenied):  # a participating unit does not run the campaign
        actions.add_task(campaign, actor=cast.handlers[0], title="x", owner_unit=cast.units[0],
                         responsible_person="张", deadline=date(2026, 5, 1), target="1")
    with pytest.raises(ActionError):  # the lead unit does not file as a participant
        actions.file_report(campaign, actor=cast.lead_user, progress={}, results="x", next_steps="y")


def test_phases_and_cadence_are_editable(cast):
    phase = cast.campaign.phases.first()
    actions.save_phase(cast.campaign, actor=cast.lead_user, phase=phase, name="动员部署", start_date=date(2026, 4, 1),
                       end_date=date(2026, 4, 20))
    with pytest.raises(ActionError):
        actions.save_phase(cast.campaign, actor=cast.lead_user, name="延伸阶段", start_date=date(2026, 6, 1),
                           end_date=date(2026, 7, 30))
    actions.set_cadence(cast.campaign, actor=cast.lead_user, report_every_days=7)
    cast.campaign.refresh_from_db()
    assert cast.campaign.report_due_dates()[:2] == [date(2026, 4, 8), date(2026, 4, 15)]


def test_bulletin_pdf_has_the_chinese_font(cast, client, tmp_path):
    bulletin = actions.generate_bulletin(cast.campaign, actor=cast.lead_user, as_of=date(2026, 4, 1))
    client.force_login(cast.lead_user)
    response = client.get(reverse("campaigns:bulletin_pdf", args=[bulletin.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    require_commands("pdftotext")
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "交通运输综合行政执法大队" in text and "客运执法中队" in text


def test_a_matter_from_the_intake_channels_is_filed_as_a_clue_from_its_page(client, cast, org, alice, charlie):
    """A resident's web report about a taxi overcharging goes to the campaign from the matter page."""
    matter = factories.MatterFactory(area=org.grid, source="web", description="出租车不打表，从火车站到永昌佳苑要价五十",
                                     reporter_name="王先生", reporter_phone="13912345678")
    client.force_login(alice)  # the dispatcher of 新达街道, where the campaign runs
    page = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    assert "campaign-clue" in page and cast.campaign.name in page
    response = client.post(reverse("campaigns:clue_from_matter", args=[matter.pk]), {"campaign": cast.campaign.pk})
    assert response.status_code == 302
    clue = Clue.objects.get(matter=matter)
    assert clue.channel == Clue.Channel.INTAKE and clue.status == Clue.Status.MATTER
    assert clue.reporter_phone == "13912345678"  # kept encrypted, like the matter's
    assert matter.events.filter(note__contains=clue.tracking_code).exists()
    assert Notification.objects.filter(recipient=cast.lead_user, kind="campaign_clue").exists()
    assert queries.clue_stats(cast.campaign)["matter"] == 1
    # Twice is refused; the page now links the clue instead of offering the form.
    with pytest.raises(ConflictError):
        actions.clue_from_matter(matter, actor=alice, campaign=cast.campaign)
    assert f"/campaigns/clues/{clue.pk}/" in client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    # A dispatcher of another area sees neither the matter nor the campaign.
    client.force_login(charlie)
    assert client.post(reverse("campaigns:clue_from_matter", args=[matter.pk]),
                       {"campaign": cast.campaign.pk}).status_code == 404
