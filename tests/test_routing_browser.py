"""The dispatcher accepts a routing suggestion with one click in the inbox (real browser)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from safeharbor.core.actions import load_taxonomy
from safeharbor.core.models import Category, User
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Matter
from safeharbor.routing import classifier, queries
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(classifier.__file__).parent / "data" / "seed"
PASSWORD = "correct horse battery"


def test_dispatcher_accepts_the_suggestion_in_the_inbox(live_server, page, monkeypatch, org):
    texts, labels = classifier.read_corpus(SEED)
    predictor = classifier.ModelPredictor(classifier.fit(texts, labels), version=1)
    monkeypatch.setattr(queries, "load_active", lambda: predictor)
    load_taxonomy()
    dispatcher = factories.UserFactory(username="dispatch1", role=User.Role.DISPATCHER, areas=[org.xinda])
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    matter, _check = matter_actions.create_matter(
        actor=None, area=org.grid, source=Matter.Source.WEB,
        description="楼上邻居天天半夜拖椅子、蹦迪，吵得我整夜睡不着，上去敲门说了好几次也不听")
    neighbor = Category.objects.get(code="dispute.neighbor")

    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/?next=/matters/")
    page.get_by_label("用户名").fill("dispatch1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/matters/")

    row = page.locator(f"[data-suggestion='{matter.pk}']")
    expect(row).to_contain_text(neighbor.name_zh)
    row.get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text(matter.tracking_code)
    expect(page.locator(f"[data-suggestion='{matter.pk}']")).to_have_count(0)
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DISPATCHED and matter.category == neighbor
