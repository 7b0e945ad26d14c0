"""The data scope (core/access.py), seen from every role.

One small district is built once per test (the `org` fixture plus the people and places
below). For each role the test states what the user may see, then checks that the
visible_* querysets hold exactly that and that every object outside it answers 404 on the
pages and in the API, like an id that does not exist.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from safeharbor.core import access
from safeharbor.core.models import Area, Harbor, Port, Unit, User
from tests import factories

ALL_AREAS = {"wuda", "wuda.xinda", "wuda.xinda.yc", "wuda.xinda.yc.g1", "wuda.sdk", "wuda.sdk.tj"}
ALL_HARBORS = {"yongchang", "tuanjie", "police", "grid-harbor", "campus"}
ALL_PORTS = {"永昌巾帼港", "团结青年港"}
BAD_ID = 999_999



@pytest.fixture
def world(org, alice, bob, charlie, admin_user):
    """The cast plus one person (and place) for every other kind of scope."""
    yc_office = factories.UnitFactory(
        code="yc_office", name_zh="永昌佳苑社区居委会", kind=Unit.Kind.COMMUNITY, area=org.yongchang
    )
    factories.UnitFactory(code="tj_office", name_zh="团结社区居委会", kind=Unit.Kind.COMMUNITY, area=org.tuanjie)
    education = factories.UnitFactory(code="education", name_zh="教育局")
    youth = factories.UnitFactory(code="youth", name_zh="团委", kind=Unit.Kind.MASS_ORG)
    school_unit = factories.UnitFactory(
        code="school_no3", name_zh="乌达区第三中学", kind=Unit.Kind.SCHOOL, area=org.tuanjie
    )
    school = factories.SchoolFactory(unit=school_unit, area=org.tuanjie)
    factories.HarborFactory(code="grid-harbor", name="第一网格平安驿站", domain=org.domain, area=org.grid)
    factories.HarborFactory(
        code="campus", name="三中校园平安港湾", domain=org.domain, area=org.tuanjie, host_unit=education, school=school
    )
    port = factories.PortFactory(harbor=org.harbor, name="永昌巾帼港", owner_unit=org.women)
    factories.PortFactory(harbor=org.other_harbor, kind=Port.Kind.YOUTH, name="团结青年港", owner_unit=youth)

    Role = User.Role
    make = factories.UserFactory
    make(username="gridder", role=Role.GRID_WORKER, areas=[org.grid])
    make(username="keeper", role=Role.HARBOR_STAFF, harbor=org.harbor)
    make(username="tj_keeper", role=Role.HARBOR_STAFF, harbor=org.other_harbor)
    make(username="pkeeper", role=Role.HARBOR_STAFF, harbor=org.police_harbor)
    make(username="porter", role=Role.PORT_STAFF, port=port)
    make(username="teacher", role=Role.SCHOOL_SAFETY, school=school)
    make(username="psych", role=Role.PSYCH_TEACHER, school=school)
    make(username="officer", role=Role.UNIT_HANDLER, unit=org.police)
    make(username="clerk", role=Role.UNIT_HANDLER, unit=yc_office)
    make(username="nobody", role=Role.DISPATCHER)
    make(username="gone", role=Role.DISPATCHER, areas=[org.xinda], is_active=False)
    return org


def person(username: str) -> User:
    """A fresh instance, as a request would load it (the scope is cached per instance)."""
    return User.objects.get(username=username)


def district_wide_units() -> set[str]:
    codes = set(Unit.objects.filter(area__isnull=True).values_list("code", flat=True))
    # The sanity of the expectation itself: area-based units are never "district-wide".
    assert {"police", "justice", "women", "education", "youth"} <= codes
    assert not codes & {"yc_office", "tj_office", "school_no3"}
    return codes


@dataclass
class Expected:
    areas: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    harbors: set[str] = field(default_factory=set)
    ports: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)


def assert_visible(user: User, expected: Expected) -> None:
    assert set(access.visible_areas(user).values_list("code", flat=True)) == expected.areas
    assert set(access.visible_units(user).values_list("code", flat=True)) == expected.units
    assert set(access.visible_harbors(user).values_list("code", flat=True)) == expected.harbors
    assert set(access.visible_ports(user).values_list("name", flat=True)) == expected.ports
    assert set(access.visible_users(user).values_list("username", flat=True)) == expected.users


def assert_pages_and_api(client, user: User, expected: Expected) -> None:
    """Everything in scope opens (200); everything else, and a bad id, is 404."""
    client.force_login(user)
    for area in Area.objects.all():
        status = 200 if area.code in expected.areas else 404
        assert client.get(reverse("area_detail", args=[area.pk])).status_code == status, area.code
        assert client.get(reverse("api_area_detail", args=[area.pk])).status_code == status, area.code
    for harbor in Harbor.objects.all():
        status = 200 if harbor.code in expected.harbors else 404
        assert client.get(reverse("harbor_detail", args=[harbor.code])).status_code == status, harbor.code
        assert client.get(reverse("api_harbor_detail", args=[harbor.pk])).status_code == status, harbor.code
    for unit in Unit.objects.all():
        status = 200 if unit.code in expected.units else 404
        assert client.get(reverse("api_unit_detail", args=[unit.pk])).status_code == status, unit.code
    assert client.get(reverse("area_detail", args=[BAD_ID])).status_code == 404
    assert client.get(reverse("harbor_detail", args=["no-such-harbor"])).status_code == 404
    for name in ("api_area_detail", "api_harbor_detail", "api_unit_detail"):
        assert client.get(reverse(name, args=[BAD_ID])).status_code == 404


def check(client, username: str, expected: Expected) -> None:
    assert_visible(person(username), expected)
    assert_pages_and_api(client, person(username), expected)


# --- administrators -------------------------------------------------------------------------


def test_admin_sees_everything(client, world):
    everyone = set(User.objects.values_list("username", flat=True))
    assert {"root", "alice", "charlie", "gone", "nobody"} <= everyone
    check(client, "root", Expected(
        areas=ALL_AREAS, units=set(Unit.objects.values_list("code", flat=True)), harbors=ALL_HARBORS,
        ports=ALL_PORTS, users=everyone,
    ))


def test_admin_role_without_superuser_flag_sees_everything(world):
    admin = factories.UserFactory(username="admin2", role=User.Role.ADMIN)
    assert access.is_admin(admin)
    assert set(access.visible_harbors(admin).values_list("code", flat=True)) == ALL_HARBORS
    assert set(access.visible_areas(admin).values_list("code", flat=True)) == ALL_AREAS


# --- area roles: dispatcher, leader, grid worker ---------------------------------------------

ALICE_SIDE = dict(
    areas={"wuda.xinda", "wuda.xinda.yc", "wuda.xinda.yc.g1"},
    harbors={"yongchang", "grid-harbor"},
    ports={"永昌巾帼港"},
    # assigned to areas of the subtree, staff of its harbors and ports, members of its units
    users={"alice", "bob", "gone", "gridder", "keeper", "porter", "clerk"},
)


def test_dispatcher_sees_her_area_subtree(client, world):
    check(client, "alice", Expected(units=district_wide_units() | {"yc_office"}, **ALICE_SIDE))


def test_leader_sees_the_same_subtree(client, world):
    check(client, "bob", Expected(units=district_wide_units() | {"yc_office"}, **ALICE_SIDE))


def test_dispatcher_of_another_area_sees_only_hers(client, world):
    check(client, "charlie", Expected(
        areas={"wuda.sdk", "wuda.sdk.tj"},
        units=district_wide_units() | {"tj_office", "school_no3"},
        harbors={"tuanjie", "campus"},
        ports={"团结青年港"},
        users={"charlie", "tj_keeper", "teacher", "psych"},
    ))


def test_grid_worker_sees_their_grid(client, world):
    check(client, "gridder", Expected(
        areas={"wuda.xinda.yc.g1"}, units=district_wide_units(), harbors={"grid-harbor"}, users={"gridder"},
    ))


# --- harbor, port and school staff -------------------------------------------------------------


def test_harbor_staff_see_their_harbor(client, world):
    check(client, "keeper", Expected(
        areas={"wuda.xinda.yc"}, units=district_wide_units(), harbors={"yongchang"}, ports={"永昌巾帼港"},
        users={"keeper", "porter"},
    ))


def test_port_staff_see_their_ports_harbor(client, world):
    check(client, "porter", Expected(
        areas={"wuda.xinda.yc"}, units=district_wide_units(), harbors={"yongchang"}, ports={"永昌巾帼港"},
        users={"keeper", "porter"},
    ))


@pytest.mark.parametrize("username", ["teacher", "psych"])
def test_school_staff_see_their_schools_harbor(client, world, username):
    check(client, username, Expected(
        areas={"wuda.sdk.tj"}, units=district_wide_units() | {"school_no3"}, harbors={"campus"},
        users={"teacher", "psych"},
    ))


# --- unit handlers -----------------------------------------------------------------------------


def test_unit_handler_sees_the_harbor_their_unit_hosts(client, world):
    check(client, "officer", Expected(
        areas={"wuda"},  # only the area of the police harbor, not what lies under it
        units=district_wide_units(), harbors={"police"}, users={"officer", "pkeeper"},
    ))


def test_unit_handler_of_a_community_office(client, world):
    check(client, "clerk", Expected(units=district_wide_units() | {"yc_office"}, users={"clerk"}))


# --- no scope, inactive, anonymous ---------------------------------------------------------------


def test_user_without_any_assignment_sees_nothing(client, world):
    check(client, "nobody", Expected())
    nobody = person("nobody")
    assert not access.visible_categories(nobody).exists()
    assert not access.visible_schools(nobody).exists()
    assert not access.can_write(nobody)


@pytest.mark.parametrize("user", ["gone", "anonymous"])
def test_inactive_and_anonymous_users_see_nothing(world, user):
    user = AnonymousUser() if user == "anonymous" else person(user)
    assert_visible(user, Expected())
    assert not access.visible_categories(user).exists()
    assert not access.visible_schools(user).exists()
    assert not access.can_write(user)
    with pytest.raises(PermissionDenied):
        access.require_write(user)


def test_inactive_user_is_logged_out_of_pages_and_api(client, world):
    client.force_login(person("gone"))
    response = client.get(reverse("area_detail", args=[world.xinda.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("api_area_detail", args=[world.xinda.pk])).status_code == 401
    assert client.get(reverse("api_harbor_detail", args=[world.harbor.pk])).status_code == 401


def test_anonymous_is_sent_to_login_on_pages_and_refused_by_the_api(client, world):
    response = client.get(reverse("harbor_detail", args=[world.harbor.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for name, pk in [
        ("api_area_detail", world.xinda.pk),
        ("api_harbor_detail", world.harbor.pk),
        ("api_unit_detail", world.police.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 401, name


# --- read-only leaders -------------------------------------------------------------------------


def test_leader_is_read_only(world):
    bob = person("bob")
    assert not access.can_write(bob)
    with pytest.raises(PermissionDenied):
        access.require_write(bob)


@pytest.mark.parametrize("username", ["alice", "charlie", "root", "keeper", "officer"])
def test_other_roles_may_write(world, username):
    user = person(username)
    assert access.can_write(user)
    access.require_write(user)  # does not raise


def test_scope_is_cached_per_user_object(world, django_assert_num_queries):
    alice = person("alice")
    access.scope_for(alice)
    with django_assert_num_queries(0):
        assert access.scope_for(alice) is access.scope_for(alice)


def test_get_visible_or_404_treats_garbage_ids_as_missing(world):
    from django.http import Http404

    alice = person("alice")
    with pytest.raises(Http404):
        access.get_visible_or_404(access.visible_areas(alice), pk="not-a-number")
    with pytest.raises(Http404):
        access.get_visible_or_404(access.visible_areas(alice), pk=world.tuanjie.pk)
    assert access.get_visible_or_404(access.visible_areas(alice), pk=world.yongchang.pk) == world.yongchang
