"""Test set-up shared by the whole suite.

The cast (healthchecks-style):
- alice: dispatcher of 新达街道 (in scope for everything under it)
- bob: leader of 新达街道 (sees the same, read-only)
- charlie: dispatcher of 三道坎街道 (another area: everything of alice's answers 404)
"""

import os
import shutil
from dataclasses import dataclass

import pytest
from django.test import override_settings

from safeharbor.core.models import Area, Domain, Harbor, Unit, User
from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright in one thread

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("SAFEHARBOR_REQUIRE_BROWSER") == "1"
REQUIRE_POSTGRES = os.environ.get("SAFEHARBOR_REQUIRE_POSTGRES") == "1"

_static = override_settings(
    WHITENOISE_USE_FINDERS=True,
    WHITENOISE_AUTOREFRESH=True,
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)


def pytest_configure(config):
    _static.enable()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Parallel runs (pytest -n): each worker gets its own data directory, uploads and
        # cache (rate-limit counters), so that workers never see each other's files.
        from pathlib import Path

        from django.conf import settings

        home = Path(settings.HOME) / f"xdist-{worker}"
        (home / "media").mkdir(parents=True, exist_ok=True)
        caches = {**settings.CACHES}
        if caches["default"]["BACKEND"].endswith("FileBasedCache"):
            caches["default"] = {**caches["default"], "LOCATION": str(home / "cache")}
        override_settings(HOME=home, MEDIA_ROOT=home / "media", CACHES=caches).enable()


def pytest_collection_modifyitems(config, items):
    """Browser and PostgreSQL tests skip where the machine lacks them, unless CI requires them."""
    from django.db import connection

    has_browser = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)
    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if item.get_closest_marker("browser") and not has_browser:
            if REQUIRE_BROWSER:
                item.add_marker(pytest.mark.usefixtures("_fail_missing_browser"))
            else:
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))
        if item.get_closest_marker("postgres") and not on_postgres:
            if REQUIRE_POSTGRES:
                item.add_marker(pytest.mark.usefixtures("_fail_missing_postgres"))
            else:
                item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL=postgres://..."))


@pytest.fixture
def _fail_missing_browser():
    pytest.fail(f"SAFEHARBOR_REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")


@pytest.fixture
def _fail_missing_postgres():
    pytest.fail("SAFEHARBOR_REQUIRE_POSTGRES=1 but the tests are not running on PostgreSQL")


@pytest.fixture(autouse=True)
def fast_passwords(request, settings):
    """Argon2 is slow on purpose; tests marked `argon2` (test_login) keep it."""
    if not request.node.get_closest_marker("argon2"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Playwright with Debian's Chromium (never a downloaded browser) ------------------------
BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "args": BROWSER_ARGS, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# --- The organization every test can stand on --------------------------------------------
@dataclass
class Org:
    district: Area
    xinda: Area
    yongchang: Area
    grid: Area
    sandaokan: Area
    tuanjie: Area
    police: Unit
    justice: Unit
    women: Unit
    domain: Domain
    harbor: Harbor  # in 永昌佳苑 (alice's side)
    other_harbor: Harbor  # in 团结社区 (charlie's side)
    police_harbor: Harbor  # hosted by the police, district-wide area


@pytest.fixture
def org(db) -> Org:
    district = factories.make_area("乌达区", Area.Level.DISTRICT, code="wuda")
    xinda = factories.make_area("新达街道", Area.Level.SUBDISTRICT, district, code="wuda.xinda")
    yongchang = factories.make_area("永昌佳苑社区", Area.Level.COMMUNITY, xinda, code="wuda.xinda.yc")
    grid = factories.make_area("永昌佳苑第一网格", Area.Level.GRID, yongchang, code="wuda.xinda.yc.g1")
    sandaokan = factories.make_area("三道坎街道", Area.Level.SUBDISTRICT, district, code="wuda.sdk")
    tuanjie = factories.make_area("团结社区", Area.Level.COMMUNITY, sandaokan, code="wuda.sdk.tj")
    police = factories.UnitFactory(code="police", name_zh="公安分局")
    justice = factories.UnitFactory(code="justice", name_zh="司法局")
    women = factories.UnitFactory(code="women", name_zh="妇联", kind=Unit.Kind.MASS_ORG)
    domain = factories.DomainFactory(code="community", name_zh="镇(街道)社区")
    harbor = factories.HarborFactory(code="yongchang", name="永昌佳苑平安港湾", domain=domain, area=yongchang)
    other = factories.HarborFactory(code="tuanjie", name="团结社区平安港湾", domain=domain, area=tuanjie)
    police_harbor = factories.HarborFactory(
        code="police", name="治安防控平安港湾", domain=domain, area=district, host_unit=police
    )
    return Org(district, xinda, yongchang, grid, sandaokan, tuanjie, police, justice, women, domain,
               harbor, other, police_harbor)


@pytest.fixture
def alice(org) -> User:
    return factories.UserFactory(username="alice", full_name="王丽", role=User.Role.DISPATCHER, areas=[org.xinda])


@pytest.fixture
def bob(org) -> User:
    return factories.UserFactory(username="bob", full_name="李强", role=User.Role.LEADER, areas=[org.xinda])


@pytest.fixture
def charlie(org) -> User:
    return factories.UserFactory(username="charlie", full_name="张伟", role=User.Role.DISPATCHER, areas=[org.sandaokan])


@pytest.fixture
def admin_user(org) -> User:
    return factories.UserFactory(username="root", role=User.Role.ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """Under pytest -n, PostgreSQL test databases get a per-worker suffix (pytest-django's
    default); SQLite's in-memory test database is already private to each worker process."""
    from django.db import connections

    if connections["default"].vendor == "sqlite" and not connections.settings["default"]["TEST"].get("NAME"):
        return
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")


@pytest.fixture(autouse=True)
def _fresh_memos():
    """Per-process caches (safeharbor.lib.memo) start empty: a rolled-back test sends no
    post_delete, so a cached district of the last test would otherwise outlive it."""
    from safeharbor.lib import memo

    memo.clear_all()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language (zh-hans), whatever an earlier test in the same
    worker activated; messages asserted in Chinese then do not depend on the test order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
