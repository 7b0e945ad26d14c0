"""What a reporter adds on the tracking page reaches the unit as new information."""

import pytest
from django.urls import reverse

from safeharbor.core.models import User
from safeharbor.intake import actions as intake_actions
from safeharbor.matters import actions, queries
from tests.factories import UserFactory


@pytest.fixture
def handler(org):
    return UserFactory(username="handler", role=User.Role.UNIT_HANDLER, unit=org.police)


@pytest.fixture
def matter(org, alice, handler):
    matter, _check = actions.create_matter(actor=alice, description="楼道灯坏了", area=org.grid)
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    actions.accept_matter(matter, actor=handler)
    return matter


def test_new_information_is_an_inbox_until_read(client, matter, handler, charlie):
    intake_actions.add_reporter_info(matter, text="今晚七点后家里有人，可以上门")
    assert list(queries.inbox(handler, "new_info")) == [matter]
    assert queries.inbox_counts(handler)["new_info"] == 1

    client.force_login(handler)
    page = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    assert "补充了新信息" in page and "今晚七点后家里有人" in page
    response = client.post(reverse("matters:new_info_read", args=[matter.pk]))
    assert response.status_code == 302
    assert not queries.inbox(handler, "new_info").exists()
    assert "补充了新信息" not in client.get(reverse("matters:detail", args=[matter.pk])).content.decode()

    client.force_login(charlie)
    assert client.post(reverse("matters:new_info_read", args=[matter.pk])).status_code == 404


def test_a_leader_cannot_mark_it_read(client, matter, bob):
    intake_actions.add_reporter_info(matter, text="补充：漏水更严重了")
    client.force_login(bob)
    client.post(reverse("matters:new_info_read", args=[matter.pk]))
    matter.refresh_from_db()
    assert matter.new_info_at is not None
