"""The cast and helpers of the notifications tests.

The matter lives in 永昌佳苑第一网格 (alice's 新达街道) and goes to the police:
- police1, police2: police handlers (the unit's inbox); police_chief: a police leader (told nothing)
- justice1: a justice bureau handler (another unit: hears nothing, sees nothing)
- alice dispatches; charlie is the dispatcher of another sub-district; bob is the leader.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from safeharbor.core.models import User
from safeharbor.matters import actions
from safeharbor.matters.models import Matter
from safeharbor.notifications.models import Notification
from tests.factories import MatterFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
PHONE = "13947306618"
MONDAY_MORNING = "2026-09-14 10:00 +0800"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(TZ)


@dataclass
class Cast:
    org: object
    alice: User
    bob: User
    charlie: User
    admin: User
    police1: User
    police2: User
    police_chief: User
    justice1: User


def make_cast(org, alice, bob, charlie, admin_user, time_machine) -> Cast:
    """Use in a fixture: `cast = pytest.fixture(...)` (see the tests)."""
    time_machine.move_to(MONDAY_MORNING, tick=False)
    return Cast(
        org=org, alice=alice, bob=bob, charlie=charlie, admin=admin_user,
        police1=UserFactory(username="police1", full_name="赵警官", role=User.Role.UNIT_HANDLER, unit=org.police,
                            email="police1@example.gov.cn"),
        police2=UserFactory(username="police2", full_name="钱警官", role=User.Role.UNIT_HANDLER, unit=org.police),
        police_chief=UserFactory(username="chief", full_name="孙局长", role=User.Role.LEADER, unit=org.police),
        justice1=UserFactory(username="justice1", full_name="孙科员", role=User.Role.UNIT_HANDLER, unit=org.justice),
    )


def new_matter(cast: Cast, **kwargs) -> Matter:
    kwargs.setdefault("area", cast.org.grid)
    kwargs.setdefault("harbor", cast.org.harbor)
    return MatterFactory(actor=cast.alice, **kwargs)


def dispatched(cast: Cast, **kwargs) -> Matter:
    matter = new_matter(cast, **kwargs)
    actions.dispatch_matter(matter, actor=cast.alice, unit=cast.org.police)
    return Matter.objects.get(pk=matter.pk)


def who_got(kind: str, matter=None) -> set[str]:
    qs = Notification.objects.filter(kind=kind)
    if matter is not None:
        qs = qs.filter(target=f"matters.matter:{matter.pk}")
    return set(qs.values_list("recipient__username", flat=True))


def count(kind: str) -> int:
    return Notification.objects.filter(kind=kind).count()
