"""Per-process caches of rarely changed tables (safeharbor.lib.memo): what an administrator's
change does to the next resident's report."""

import pytest

from safeharbor.lib import memo as memo_module
from safeharbor.lib.memo import Memo
from safeharbor.matters import actions
from safeharbor.routing.actions import auto_dispatch_set, set_auto_dispatch
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_the_district_is_read_once_and_again_after_an_area_is_saved(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert actions.default_area() == org.district
        assert actions.default_area() == org.district
    org.district.name = "五大区（新）"
    org.district.save()
    with django_assert_num_queries(1):
        assert actions.default_area().name == "五大区（新）"


def test_turning_auto_dispatch_on_applies_to_the_next_report_in_this_process(admin_user):
    category = CategoryFactory()
    assert auto_dispatch_set() is False
    set_auto_dispatch(actor=admin_user, category=category, threshold=0.8)
    assert auto_dispatch_set() is True
    set_auto_dispatch(actor=admin_user, category=category, threshold=None)
    assert auto_dispatch_set() is False


@pytest.fixture
def unregistered():
    """Memos made by a test leave the registry of all memos with it."""
    before = list(memo_module._ALL)
    yield
    memo_module._ALL[:] = before


def test_a_value_is_read_again_after_its_time(monkeypatch, unregistered):
    now = [100.0]
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: now[0])
    reads = []
    cached = Memo(lambda: reads.append(1) or len(reads), seconds=60)
    assert cached() == 1 and cached() == 1
    now[0] += 61
    assert cached() == 2


def test_a_change_during_a_read_is_not_hidden_by_the_old_value(unregistered):
    """Cleared while it was being read: the value read may be old, so it is not kept."""
    cached = None
    reads = []

    def compute():
        reads.append(1)
        if len(reads) == 1:
            cached.clear()  # an administrator saved a change in the meantime
        return len(reads)

    cached = Memo(compute, seconds=60)
    assert cached() == 1
    assert cached() == 2 and cached() == 2
