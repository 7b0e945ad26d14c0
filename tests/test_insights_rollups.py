"""The rollups the pages read give exactly the figures computed straight from the matters,
after a random but realistic history: matters over two months in two sub-districts, accepted
late or on time, resolved, followed up days later (late follow-ups of matters received weeks
ago), reopened after an unhappy answer, merged and unmerged, rejected, supervised, handled by
a co-unit; some still open and overdue. Then: the same rows after a full rebuild, the worker
task and the rebuild command, and a 90th percentile beyond the histogram's exact columns."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from safeharbor.core.errors import ActionError
from safeharbor.core.models import User
from safeharbor.insights import periods, queries, rollups
from safeharbor.insights.models import DIMENSIONS, Rollup, RollupPending
from safeharbor.insights.queries import Dims, Period
from safeharbor.insights.tasks import refresh_rollups
from safeharbor.matters import actions
from safeharbor.matters.models import Matter
from tests.factories import CategoryFactory, MatterFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
SOURCES = ["web", "hotline", "patrol", "qr", "walk_in"]


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, tzinfo=TZ)


class World:
    pass


@pytest.fixture
def world(org, alice, bob, charlie, admin_user, time_machine) -> World:
    w = World()
    w.org, w.admin, w.bob, w.charlie = org, admin_user, bob, charlie
    w.police = UserFactory(username="police1", role=User.Role.UNIT_HANDLER, unit=org.police)
    w.justice = UserFactory(username="justice1", role=User.Role.UNIT_HANDLER, unit=org.justice)
    cats = [
        CategoryFactory(code="public.noise", name_zh="噪声扰民", domain=org.domain, default_unit=org.police,
                        accept_days=1, resolve_days=5),
        CategoryFactory(code="public.dispute", name_zh="邻里纠纷", domain=org.domain, default_unit=org.justice,
                        accept_days=1, resolve_days=10),
    ]
    rng = random.Random(7)
    handler = {org.police.pk: w.police, org.justice.pk: w.justice}
    places = [(alice, org.grid, "新达街道永昌佳苑小区3号楼"), (alice, org.yongchang, "永昌佳苑北门"),
              (charlie, org.tuanjie, "团结路12号")]
    live: list[Matter] = []
    first = date(2026, 8, 18)

    def fresh(m):
        return Matter.objects.get(pk=m.pk)

    def dispatcher(m):
        return alice if m.area_path.startswith(org.xinda.path) else charlie

    for offset in range(32):  # 2026-08-18 .. 2026-09-18, a step each day
        day = first + timedelta(days=offset)
        time_machine.move_to(at(day, 9), tick=False)
        # New matters of the day.
        for _i in range(rng.choice([0, 1, 2, 2, 3])):
            actor, area, address = rng.choice(places)
            m = MatterFactory(actor=actor, area=area, address=address, category=rng.choice(cats),
                              source=rng.choice(SOURCES),
                              harbor=org.harbor if area == org.yongchang and rng.random() < 0.5 else None)
            roll = rng.random()
            if roll < 0.08:
                actions.reject_matter(m, actor=actor, reason="咨询类，已当场答复")
            elif roll < 0.16 and live:
                target = fresh(rng.choice(live))
                if target.status not in (Matter.Status.MERGED, Matter.Status.REJECTED) and \
                        target.area_path[:len(org.xinda.path)] == m.area_path[:len(org.xinda.path)]:
                    try:
                        actions.merge_matter(m, actor=actor, into=target)
                    except ActionError:  # e.g. the main matter is closed: dispatch it instead
                        actions.dispatch_matter(m, actor=actor, unit=m.category.default_unit)
            else:
                unit = m.category.default_unit
                co = [org.justice] if unit == org.police and rng.random() < 0.3 else []
                actions.dispatch_matter(m, actor=actor, unit=unit, co_units=co)
                live.append(m)
        # Work on earlier matters, at a later hour (late acceptances, late follow-ups...).
        time_machine.move_to(at(day, 15), tick=False)
        for m in rng.sample(live, min(len(live), 4)):
            m = fresh(m)
            who = handler.get(m.unit_id)
            step = rng.random()
            if m.status in (Matter.Status.DISPATCHED, Matter.Status.REOPENED) and step < 0.7:
                actions.accept_matter(m, actor=who)
            elif m.status == Matter.Status.ACCEPTED and step < 0.6:
                actions.resolve_matter(m, actor=who, result="已处理")
            elif m.status == Matter.Status.RESOLVED and step < 0.7:
                satisfaction = rng.choice(["satisfied", "satisfied", "basic", "unsatisfied"])
                actions.record_follow_up(m, actor=dispatcher(m), channel="phone", contacted=rng.random() < 0.8,
                                         solved=satisfaction != "unsatisfied" and rng.random() < 0.9,
                                         satisfaction=satisfaction)
            elif m.status == Matter.Status.ACCEPTED and not m.supervised and step > 0.9:
                actions.issue_supervision(actor=w.bob if dispatcher(m) == alice else charlie, matters=[m],
                                          level="normal", reason="请加快办理", reply_due=day + timedelta(days=3))
        if offset == 26:  # a wrong merge undone
            merged = Matter.objects.filter(status=Matter.Status.MERGED).first()
            if merged is not None:
                actions.unmerge_matter(merged, actor=dispatcher(merged))
    time_machine.move_to(at(date(2026, 9, 20), 10), tick=False)
    w.now = datetime(2026, 9, 20, 10, tzinfo=TZ)
    w.statuses = set(Matter.objects.values_list("status", flat=True))
    return w


PERIODS = [
    periods.month(date(2026, 8, 1)),
    periods.month(date(2026, 9, 1)),
    Period(date(2026, 8, 28), date(2026, 9, 5)),  # across a month boundary: days of two months
    Period(date(2026, 8, 1), date(2026, 9, 30)),  # two whole months
    periods.year(2026),
]


def _users(w):
    return {"admin": w.admin, "leader of 新达": w.bob, "dispatcher of 三道坎": w.charlie,
            "police unit": w.police, "justice unit (co-unit)": w.justice}


def _breakdowns(user, period, dims, direct):
    return {d: {r.label: r.count for r in queries.breakdown(user, period, dims, d, direct=direct)}
            for d in ("source", "category", "domain", "area", "unit", "harbor")}


def _ranks(user, period, direct):
    return {kind: [(r.label, r.rank, r.received, r.followed_up, r.composite, r.previous_rank)
                   for r in queries.ranking(user, period, kind, direct=direct)] for kind in ("area", "unit")}


def test_rollup_figures_equal_the_direct_computation(world):
    # The history has what changes past days' figures.
    assert {"closed", "reopened", "merged", "rejected", "accepted"} <= world.statuses
    assert Matter.objects.filter(reopen_count__gt=0).exists()
    assert Matter.objects.filter(supervised=True).exists()
    assert Matter.objects.filter(co_units__isnull=False).exists()
    assert RollupPending.objects.count() > 5  # more days changed than a page catches up on itself
    refresh_rollups.call()  # the worker's periodic run
    for name, user in _users(world).items():
        for period in PERIODS:
            for dims in (Dims(), Dims(category=Dims.from_params(world.admin, {"category": "public.noise"}).category),
                         Dims(source="hotline")):
                rolled = queries.matter_figures(user, period, dims, now=world.now).as_dict()
                direct = queries.direct_matter_figures(user, period, dims, now=world.now).as_dict()
                assert rolled == direct, (name, period, dims)
            assert _breakdowns(user, period, Dims(), False) == _breakdowns(user, period, Dims(), True), (name, period)
            assert _ranks(user, period, False) == _ranks(user, period, True), (name, period)
        trend = [(r.key, r.count) for r in queries.monthly_trend(user, Dims(), today=date(2026, 9, 20))]
        direct_trend = [(r.key, r.count)
                        for r in queries.monthly_trend(user, Dims(), today=date(2026, 9, 20), direct=True)]
        assert trend == direct_trend, name
    # The figures are not trivially empty, and the co-unit's share is really counted.
    assert queries.matter_figures(world.admin, PERIODS[3], now=world.now).counts["received"] > 40
    assert queries.matter_figures(world.justice, PERIODS[3], now=world.now).counts["received"] > 0


def _all_rows():
    fields = ("grain", "day", *DIMENSIONS, *rollups.FIELDS)
    return sorted(Rollup.objects.values_list(*fields), key=str)


    # The rows kept up incrementally are exactly those a full rebuild writes.
    assert not RollupPending.objects.exists()
    incremental = _all_rows()
    assert incremental
    counts = rollups.rebuild()
    assert _all_rows() == incremental
    assert counts["matters"] == Matter.objects.exclude(status=Matter.Status.MERGED).count()
    call_command("rebuild_rollups", "--since", "2026-09-03", verbosity=0)
    assert _all_rows() == incremental


def test_a_late_follow_up_marks_its_old_day_and_the_worker_brings_it_up_to_date(world, alice, client, time_machine):
    rollups.refresh_pending()
    old = (Matter.objects.filter(status=Matter.Status.RESOLVED, satisfaction="",
                                 created_at__lt=at(date(2026, 9, 1))).order_by("created_at").first())
    if old is None:  # the random history resolved everything early: resolve one now
        old = Matter.objects.filter(status=Matter.Status.ACCEPTED).order_by("created_at").first()
        actions.resolve_matter(old, actor=User.objects.get(unit=old.unit_id), result="已处理")
        rollups.refresh_pending()
    received = rollups.local_day(old.created_at)
    august = Period(received, received)
    before = queries.matter_figures(world.admin, august, now=world.now).counts["followed_up"]
    time_machine.move_to(at(date(2026, 9, 21), 10), tick=False)
    dispatcher = alice if old.area_path.startswith(world.org.xinda.path) else world.charlie
    actions.record_follow_up(old, actor=dispatcher, channel="phone", contacted=True, solved=True,
                             satisfaction="satisfied")
    assert list(RollupPending.objects.values_list("day", flat=True)) == [received]
    stale = Rollup.objects.filter(grain="d", day=received).values_list("followed_up", flat=True)
    assert sum(stale) == before  # nothing recomputed yet: the worker's job
    result = refresh_rollups.call()
    assert result == {"days": 1, "pending": 0}
    assert queries.matter_figures(world.admin, august).counts["followed_up"] == before + 1
    assert queries.matter_figures(world.admin, periods.month(received)).as_dict() == \
        queries.direct_matter_figures(world.admin, periods.month(received)).as_dict()
    # A page catches up on a few pending days itself (the worker does the rest).
    open_matter = Matter.objects.filter(status=Matter.Status.DISPATCHED).order_by("created_at").first()
    actions.accept_matter(open_matter, actor=User.objects.get(unit=open_matter.unit_id))
    assert RollupPending.objects.count() == 1
    client.force_login(world.admin)
    assert client.get("/insights/?period=2026-09").status_code == 200
    assert not RollupPending.objects.exists()


def test_the_90th_percentile_beyond_the_histogram_is_exact(org, alice, time_machine):
    police = UserFactory(username="police9", role=User.Role.UNIT_HANDLER, unit=org.police)
    cat = CategoryFactory(code="public.slow", name_zh="疑难事项", domain=org.domain, default_unit=org.police,
                          accept_days=1, resolve_days=5)
    start = date(2026, 3, 2)
    for i, late in enumerate((0, 3, 45, 52)):  # working days from receipt: 0, 3, ~45, ~52
        time_machine.move_to(at(start + timedelta(days=i), 9), tick=False)
        m = MatterFactory(actor=alice, area=org.grid, category=cat)
        actions.dispatch_matter(m, actor=alice, unit=org.police)
        actions.accept_matter(m, actor=police)
        time_machine.move_to(at(start + timedelta(days=i + late * 7 // 5), 11), tick=False)
        actions.resolve_matter(m, actor=police, result="已处理")
    march = periods.month(start)
    rolled = queries.matter_figures(alice, march)
    direct = queries.direct_matter_figures(alice, march)
    assert rolled.p90_days == direct.p90_days and rolled.p90_days > 30
    assert rolled.avg_days == direct.avg_days


def test_periods_are_cut_into_years_months_and_days():
    parts = rollups.period_parts(date(2025, 12, 30), date(2027, 2, 3))
    assert parts == [("d", date(2025, 12, 30), date(2025, 12, 31)), ("y", date(2026, 1, 1), date(2026, 12, 31)),
                     ("m", date(2027, 1, 1), date(2027, 1, 31)), ("d", date(2027, 2, 1), date(2027, 2, 3))]
    assert rollups.period_parts(date(2026, 1, 1), date(2026, 12, 31), years=False)[0] == \
        ("m", date(2026, 1, 1), date(2026, 1, 31))
