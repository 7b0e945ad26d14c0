"""The demo district: idempotent loading, the content the seed article describes, and
that the demo accounts see what their role should see."""

import pytest
from django.apps import apps

from safeharbor.core import access
from safeharbor.core.demo import (
    COMMUNITY_HARBOR,
    DEMO_PASSWORD,
    DOMAIN_CODES,
    SCHOOL_HARBOR,
    demo_accounts,
    load_demo,
)
from safeharbor.core.models import Area, Harbor, Port, School, User

pytestmark = pytest.mark.django_db

MAIN_ROLES = {
    "admin": User.Role.ADMIN,
    "dispatcher": User.Role.DISPATCHER,
    "leader": User.Role.LEADER,
    "unit_handler": User.Role.UNIT_HANDLER,
    "grid_worker": User.Role.GRID_WORKER,
    "harbor_staff": User.Role.HARBOR_STAFF,
    "mediator": User.Role.MEDIATOR,
    "school_safety": User.Role.SCHOOL_SAFETY,
    "psych_teacher": User.Role.PSYCH_TEACHER,
    "port_staff": User.Role.PORT_STAFF,
}


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _bbox(geometry: dict) -> tuple[float, float, float, float]:
    ring = geometry["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _inside(inner, outer, eps=1e-9) -> bool:
    return (inner[0] >= outer[0] - eps and inner[1] >= outer[1] - eps
            and inner[2] <= outer[2] + eps and inner[3] <= outer[3] + eps)


@pytest.fixture
def demo():
    load_demo()


def test_load_twice_creates_nothing_new():
    first = load_demo()
    counts = _counts()
    second = load_demo()
    assert _counts() == counts
    assert "nothing changed" in second
    assert "11 harbors" in first


def test_rerun_keeps_a_changed_password(demo):
    user = User.objects.get(username="leader")
    user.set_password("another-password-123")
    user.save()
    load_demo()
    user.refresh_from_db()
    assert user.check_password("another-password-123")


def test_each_domain_has_a_harbor(demo):
    domains = set(Harbor.objects.values_list("domain__code", flat=True))
    assert domains == set(DOMAIN_CODES)
    for harbor in Harbor.objects.select_related("area"):
        west, south, east, north = _bbox(harbor.area.geometry)
        assert west <= harbor.lon <= east and south <= harbor.lat <= north, harbor.name
        assert harbor.address and harbor.phone and harbor.opening_hours and harbor.description


def test_community_harbor_has_the_five_ports(demo):
    harbor = Harbor.objects.get(code=COMMUNITY_HARBOR)
    assert harbor.name == "永昌佳苑社区群团组织平安港湾"
    ports = {p.name: p for p in harbor.ports.select_related("owner_unit")}
    assert set(ports) == {"博爱港", "巾帼港", "青年港", "先锋港", "温馨港"}
    assert ports["巾帼港"].hotline_number == "12338" and ports["巾帼港"].owner_unit.code == "women"
    assert ports["青年港"].hotline_number == "12355" and ports["青年港"].owner_unit.code == "youth"
    assert ports["先锋港"].hotline_number == "12351" and ports["先锋港"].owner_unit.code == "union"
    assert ports["博爱港"].hotline_number.startswith("0473") and ports["博爱港"].owner_unit.code == "red_cross"
    assert ports["温馨港"].hotline_number.startswith("0473") and ports["温馨港"].owner_unit.code == "disabled"
    assert all(p.hotline_name and p.description for p in ports.values())


def test_school(demo):
    school = School.objects.select_related("unit", "area").get(unit__name_zh="乌达区实验中学")
    assert (school.class_count, school.student_count, school.stage) == (58, 2118, "九年一贯制")
    assert school.area.level == Area.Level.COMMUNITY
    assert Harbor.objects.get(code=SCHOOL_HARBOR).school == school


def test_main_accounts(demo):
    for username, role in MAIN_ROLES.items():
        user = User.objects.get(username=username)
        assert user.role == role, username
        assert user.check_password(DEMO_PASSWORD), username
        assert user.full_name
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    listed = [row[0] for row in demo_accounts()]
    assert listed[: len(MAIN_ROLES)] == list(MAIN_ROLES)
    assert set(listed) == set(User.objects.filter(username__in=listed).values_list("username", flat=True))


def test_personal_fields_are_stored(demo):
    user = User.objects.get(username="grid_worker")
    assert len(user.phone) == 11 and user.phone.startswith("1")
    assert len(user.id_number) == 18 and user.id_number.startswith("150304")


def test_area_tree_and_geometry(demo):
    root = Area.objects.get(code="wuda")
    assert root.name == "乌达区" and root.is_root()
    names = set(Area.objects.values_list("name", flat=True))
    assert {"永昌佳苑社区", "团结社区", "建设社区", "新达街道", "乌兰淖尔镇"} <= names
    assert Area.objects.filter(level__in=["community", "village"]).count() >= 12
    by_path = {area.path: area for area in Area.objects.all()}

    def parent(area):
        return by_path[area.path[: -Area.steplen]]

    grids = [area for area in by_path.values() if area.level == Area.Level.GRID]
    assert len(grids) >= 24
    for grid in grids:
        community = parent(grid)
        assert community.level in {"community", "village"}
        assert _inside(_bbox(grid.geometry), _bbox(community.geometry)), grid.code
    for area in by_path.values():
        if area.pk != root.pk:
            assert _inside(_bbox(area.geometry), _bbox(parent(area).geometry)), area.code
            assert area.code.startswith(parent(area).code + "."), area.code
    # Siblings do not overlap (shared edges are fine).
    for area in by_path.values():
        kids = [_bbox(c.geometry) for c in by_path.values() if c.path[: -Area.steplen] == area.path]
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                overlap_w = min(a[2], b[2]) - max(a[0], b[0])
                overlap_h = min(a[3], b[3]) - max(a[1], b[1])
                assert overlap_w <= 1e-9 or overlap_h <= 1e-9, area.code


def test_scopes(demo):
    all_harbors = set(Harbor.objects.values_list("pk", flat=True))
    community_harbor = Harbor.objects.get(code=COMMUNITY_HARBOR)
    school_harbor = Harbor.objects.get(code=SCHOOL_HARBOR)

    def visible(username):
        return set(access.visible_harbors(User.objects.get(username=username)).values_list("pk", flat=True))

    assert visible("dispatcher") == all_harbors
    assert visible("leader") == all_harbors
    assert visible("harbor_staff") == {community_harbor.pk}
    assert visible("school_safety") == {school_harbor.pk}
    assert visible("psych_teacher") == {school_harbor.pk}
    assert visible("port_staff") == {community_harbor.pk}
    assert Port.objects.get(name="巾帼港").harbor == community_harbor
    xinda = visible("dispatcher_xinda")
    assert community_harbor.pk in xinda and school_harbor.pk not in xinda
