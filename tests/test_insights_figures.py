"""The matter figures on a small history computed by hand, through the actions people use.

Week of Monday 2026-09-14 (Sunday 09-20 is an adjusted working day, 调休). Category limits:
accept 1 working day, resolve 5. Measured on Thursday 2026-09-24 10:00, for September.

In 新达街道 (alice dispatches, bob leads), police unit:
- M1 received Mon 10:00, accepted at once, resolved Wed 16 (2 working days); follow-up:
  contacted, solved, satisfied.
- M2 same start, resolved exactly at its deadline, Sun 09-20 10:00 (5 working days, on time);
  follow-up: NOT contacted, solved, basically satisfied.
- M3 accepted late (Tue 11:00), resolved, follow-up unsatisfied → reopened; accepted again,
  resolved Thu 17 (3 working days from receipt); second follow-up: contacted, solved, satisfied.
- M4 dispatched, never accepted: overdue now, and past its resolution deadline; one
  supervision order.
- M5 a duplicate merged into M1: not counted.  M6 rejected: received, nothing else.
In 三道坎街道 (charlie), justice unit: M7 resolved Wed, contacted, solved, satisfied.

The response rate (响应率) is "accepted within the time limit" over the matters with a valid
follow-up: M1 and M2 responded, M3 (accepted late, and still late when accepted again after the
reopening) did not. "Reporter says they were contacted" is a figure of its own (M1, M3).
"""

from datetime import date

import pytest
from openpyxl import load_workbook

from safeharbor.core.errors import ActionError
from safeharbor.core.models import User
from safeharbor.insights import actions as insight_actions
from safeharbor.insights import periods, queries
from safeharbor.insights.queries import Dims, RankRow, Weights
from safeharbor.matters import actions
from safeharbor.matters.models import Matter
from tests.factories import CategoryFactory, MatterFactory, UserFactory
from tests.tools import at

SEPTEMBER = periods.month(date(2026, 9, 1))



class History:
    pass


@pytest.fixture
def history(org, alice, bob, charlie, admin_user, time_machine) -> History:
    h = History()
    h.org = org
    police = UserFactory(username="police1", role=User.Role.UNIT_HANDLER, unit=org.police)
    justice = UserFactory(username="justice1", role=User.Role.UNIT_HANDLER, unit=org.justice)
    h.police_user = police
    cat = CategoryFactory(code="public.noise", name_zh="噪声扰民", domain=org.domain, default_unit=org.police,
                          accept_days=1, resolve_days=5)
    h.category = cat

    def new(actor, area, address="新达街道永昌佳苑小区3号楼"):
        return MatterFactory(actor=actor, area=area, category=cat, address=address)

    def follow(m, *, contacted, solved, satisfaction):
        actions.record_follow_up(Matter.objects.get(pk=m.pk), actor=alice if m.area_path.startswith(org.xinda.path)
                                 else charlie, channel="phone", contacted=contacted, solved=solved,
                                 satisfaction=satisfaction)

    time_machine.move_to(at("2026-09-14 10:00"), tick=False)
    m1, m2, m3, m4, m5, m6 = (new(alice, org.grid) for _ in range(6))
    m7 = new(charlie, org.tuanjie, address="团结路12号")
    for m in (m1, m2, m3, m4):
        actions.dispatch_matter(m, actor=alice, unit=org.police)
    actions.dispatch_matter(m7, actor=charlie, unit=org.justice)
    for m in (m1, m2):
        actions.accept_matter(m, actor=police)
    actions.accept_matter(m7, actor=justice)
    actions.merge_matter(m5, actor=alice, into=m1)
    actions.reject_matter(m6, actor=alice, reason="咨询类，已当场答复")
    actions.issue_supervision(actor=bob, matters=[m4], level="normal", reason="请尽快签收", reply_due=date(2026, 9, 18))

    time_machine.move_to(at("2026-09-15 11:00"), tick=False)
    actions.accept_matter(m3, actor=police)
    actions.resolve_matter(m3, actor=police, result="已处理")
    follow(m3, contacted=False, solved=False, satisfaction="unsatisfied")

    time_machine.move_to(at("2026-09-16 10:00"), tick=False)
    actions.resolve_matter(m1, actor=police, result="已处理")
    follow(m1, contacted=True, solved=True, satisfaction="satisfied")
    actions.resolve_matter(m7, actor=justice, result="已处理")
    follow(m7, contacted=True, solved=True, satisfaction="satisfied")

    time_machine.move_to(at("2026-09-17 10:00"), tick=False)
    actions.accept_matter(m3, actor=police)
    actions.resolve_matter(m3, actor=police, result="再次上门处理")
    follow(m3, contacted=True, solved=True, satisfaction="satisfied")

    time_machine.move_to(at("2026-09-20 10:00"), tick=False)  # Sunday, an adjusted working day
    assert Matter.objects.get(pk=m2.pk).resolve_due_at == at("2026-09-20 10:00")
    actions.resolve_matter(m2, actor=police, result="已处理")  # exactly at the deadline
    follow(m2, contacted=False, solved=True, satisfaction="basic")

    time_machine.move_to(at("2026-09-24 10:00"), tick=False)
    h.m = {i: Matter.objects.get(pk=m.pk) for i, m in enumerate((m1, m2, m3, m4, m5, m6, m7), start=1)}
    return h


def test_the_figures_of_the_sub_district_as_computed_by_hand(history, bob):
    figures = queries.matter_figures(bob, SEPTEMBER)
    c, r = figures.counts, figures.rates
    assert history.m[2].resolve_late is False  # resolved exactly at its deadline: on time
    assert c["received"] == 5  # M1-M4 and the rejected M6; the merged duplicate M5 counts once, as M1
    assert c["rejected"] == 1
    assert c["open"] == 1 and c["overdue"] == 1  # M4
    assert c["accepted"] == 3 and c["accepted_on_time"] == 2  # M3 accepted late
    assert c["resolved"] == 3 and c["resolved_on_time"] == 3 and c["late_open"] == 1
    assert c["followed_up"] == 3 and c["contacted"] == 2 and c["solved"] == 3  # the latest follow-up counts
    assert c["responded"] == 2 and c["not_responded"] == 1  # M1, M2 accepted in time; M3 late
    assert c["satisfied"] == 2 and c["basic"] == 1 and c["reopened"] == 1
    assert r["response_rate"] == pytest.approx(200 / 3)  # M1, M2 of 3 followed up accepted in time
    assert r["contact_rate"] == pytest.approx(200 / 3)  # M1, M3 said they were contacted (M2 not)
    assert r["resolution_rate"] == 100.0
    assert r["satisfaction_rate"] == pytest.approx(290 / 3)  # (2 + 0.9) / 3
    assert r["composite"] == pytest.approx(0.1 * 200 / 3 + 0.5 * 100 + 0.4 * 290 / 3)  # 95.33
    assert c["accepted_late"] == 1  # M3
    assert r["on_time_rate"] == 75.0  # 3 resolved on time / (3 resolved + M4 past its deadline)
    assert r["reopen_rate"] == pytest.approx(100 / 3)
    assert figures.avg_days == pytest.approx(3.33)  # 2, 5 (Sunday 09-20 counts), 3 working days
    assert figures.p90_days == 5.0
    assert figures.supervision_orders == 1


def test_the_administrator_sees_the_whole_district(history, admin_user):
    figures = queries.matter_figures(admin_user, SEPTEMBER)
    assert figures.counts["received"] == 6  # + M7 in 三道坎
    assert figures.counts["followed_up"] == 4


def test_the_response_rate_is_accepted_within_the_time_limit(history, charlie, org, time_machine):
    """M8 in 三道坎: accepted late, the reporter says he was contacted. charlie's figures: M7
    and M8 followed up; response rate 1/2 (M7), contacted 2/2, resolved 2/2, satisfaction
    (1 + 0.9) / 2."""
    justice = User.objects.get(username="justice1")
    time_machine.move_to(at("2026-09-21 09:00"), tick=False)  # Monday
    m8 = MatterFactory(actor=charlie, area=org.tuanjie, category=history.category, address="团结路14号")
    actions.dispatch_matter(m8, actor=charlie, unit=org.justice)
    time_machine.move_to(at("2026-09-22 15:00"), tick=False)  # past the one working day to accept
    actions.accept_matter(Matter.objects.get(pk=m8.pk), actor=justice)
    actions.resolve_matter(Matter.objects.get(pk=m8.pk), actor=justice, result="已调解")
    actions.record_follow_up(Matter.objects.get(pk=m8.pk), actor=charlie, channel="phone", contacted=True,
                             solved=True, satisfaction="basic")
    time_machine.move_to(at("2026-09-24 10:00"), tick=False)
    assert Matter.objects.get(pk=m8.pk).accept_late is True
    figures = queries.matter_figures(charlie, SEPTEMBER)
    c, r = figures.counts, figures.rates
    assert (c["followed_up"], c["responded"], c["contacted"]) == (2, 1, 2)
    assert r["response_rate"] == 50.0 and r["contact_rate"] == 100.0
    assert r["resolution_rate"] == 100.0 and r["satisfaction_rate"] == pytest.approx(95.0)
    assert r["composite"] == pytest.approx(0.1 * 50 + 0.5 * 100 + 0.4 * 95)  # 93.0
    assert figures.as_dict() == queries.direct_matter_figures(charlie, SEPTEMBER).as_dict()
    row = queries.ranking(charlie, SEPTEMBER, "area")[0]
    assert (row.label, row.response_rate, row.composite) == ("三道坎街道", 50.0, pytest.approx(93.0))
    shown = {f.key: f for f in queries.figure_list(figures, SEPTEMBER)}
    assert shown["response_rate"].value == 50.0 and "figure=not_responded" in shown["response_rate"].url
    assert shown["contact_rate"].value == 100.0
    behind = queries.figure_matters(charlie, "not_responded", SEPTEMBER, Dims())
    assert [m.pk for m in behind] == [m8.pk]


def test_breakdowns_by_dimension(history, admin_user, bob):
    def counts(user, dimension):
        return {row.label: row.count for row in queries.breakdown(user, SEPTEMBER, Dims(), dimension)}

    assert counts(admin_user, "unit") == {"公安分局": 4, "司法局": 1, "（无）": 1}  # M6, rejected before dispatch
    assert counts(admin_user, "area") == {"新达街道": 5, "三道坎街道": 1}
    assert counts(bob, "area") == {"永昌佳苑社区": 5}  # bob's focus is his sub-district
    assert sum(counts(bob, "source").values()) == 5
    assert counts(admin_user, "category") == {"噪声扰民": 6}


def test_rankings_of_sub_districts_and_units(history, admin_user, bob):
    rows = queries.ranking(admin_user, SEPTEMBER, "area")
    assert [(r.label, r.rank) for r in rows] == [("三道坎街道", 1), ("新达街道", 2)]
    assert rows[0].composite == 100.0
    assert rows[1].composite == pytest.approx(95.33, abs=0.01)
    assert rows[0].previous_rank is None  # nothing in August
    units = queries.ranking(admin_user, SEPTEMBER, "unit")
    assert [(r.label, r.rank) for r in units] == [("司法局", 1), ("公安分局", 2)]
    # The leader of 新达街道 ranks within his scope only.
    assert [r.label for r in queries.ranking(bob, SEPTEMBER, "area")] == ["新达街道"]
    assert [r.label for r in queries.ranking(bob, SEPTEMBER, "unit")] == ["公安分局"]


def test_custom_weights_change_the_composite(history, admin_user, bob):
    insight_actions.set_ranking_weights(actor=admin_user, response=0.2, resolution=0.4, satisfaction=0.4)
    assert queries.matter_figures(bob, SEPTEMBER).rates["composite"] == pytest.approx(
        0.2 * 200 / 3 + 0.4 * 100 + 0.4 * 290 / 3)
    with pytest.raises(ActionError):
        insight_actions.set_ranking_weights(actor=admin_user, response=0.5, resolution=0.5, satisfaction=0.5)
    with pytest.raises(ActionError):
        insight_actions.set_ranking_weights(actor=bob, response=0.1, resolution=0.5, satisfaction=0.4)


def test_equal_composites_share_a_rank_and_empty_ones_come_last():
    def row(key, value):
        return RankRow(key, key, 1, 1, value, value, value, value)

    rows = queries._assign_ranks([row("a", 90.0), row("b", None), row("c", 95.0), row("d", 90.0)])
    assert [(r.key, r.rank) for r in rows] == [("c", 1), ("a", 2), ("d", 2), ("b", None)]
    assert queries.composite(None, 1, 1, Weights()) is None


@pytest.mark.django_db  # the calendar reads the administrators' holiday table
def test_percentile_and_workdays_helpers():
    assert queries.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9.0
    assert queries.percentile([], 90) is None
    calendar = queries.WorkdayCalendar()
    assert calendar.between(date(2026, 9, 18), date(2026, 9, 21)) == 2  # Sun 20 is a working day
    assert calendar.between(date(2026, 9, 21), date(2026, 9, 21)) == 0


def test_repeat_places_group_addresses_without_building_numbers(history, admin_user):
    places = queries.repeat_places(admin_user, SEPTEMBER, Dims())
    assert [(p.place, p.count) for p in places] == [("新达街道永昌佳苑小区", 5)]
    assert queries.place_key("团结小区3号楼2单元402") == "团结小区"
    assert queries.place_key("团结路12号") == "团结路"


def test_hotspot_map_counts_matters_per_grid(history, admin_user, org):
    org.grid.geometry = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    org.grid.save()
    geojson = queries.hotspot_map(admin_user, SEPTEMBER, Dims())
    grids = [f["properties"] for f in geojson["features"] if f["properties"]["kind"] == "grid"]
    assert [(g["name"], g["count"]) for g in grids] == [(org.grid.name, 5)]
    assert geojson["total"] == 6 and geojson["unplaced"] == 1  # M7 was registered for a community
    assert queries.hotspot_map(admin_user, SEPTEMBER, Dims(category=history.category))["total"] == 6


def test_the_unit_handler_sees_his_own_figures(history):
    mine = {f.key: f.value for f in queries.my_figures(history.police_user)}
    assert mine["overdue"] == 1  # within the last 30 days of 09-24: all of September's matters


def test_report_card_sections_include_registered_modules(history, admin_user, org):
    from safeharbor.insights import registry
    from safeharbor.insights.registry import Figure

    def campus_figures(user, period, subject):
        return [Figure("safe_days", "无事故天数", (period.end - period.start).days + 1)]

    def broken(user, period, subject):
        raise RuntimeError("boom")

    registry.register_figures("test_campus", "校园安全", campus_figures, order=30)
    registry.register_figures("test_broken", "坏模块", broken, order=31)
    try:
        card = queries.report_card(admin_user, SEPTEMBER, queries.get_subject(admin_user, "area", org.xinda.pk))
    finally:
        registry.unregister_figures("test_campus")
        registry.unregister_figures("test_broken")
    sections = {s.key: s for s in card.sections}
    assert sections["matters"].figures[0].value == 5
    assert sections["test_campus"].figures[0].value == 30
    assert sections["test_broken"].error is True


def test_exports_open_in_excel(history, admin_user, client, org):
    client.force_login(admin_user)
    response = client.get(f"/insights/cards/area/{org.xinda.pk}/card.xlsx?period=2026-09")
    assert response.status_code == 200
    from io import BytesIO

    sheet = load_workbook(BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["受理事项"] == 5
    response = client.get("/insights/export.xlsx?period=2026-09")
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).sheetnames[0]
    response = client.get("/insights/rankings/export.csv?period=2026-09")
    assert response.status_code == 200 and "三道坎街道" in response.content.decode("utf-8-sig")
