"""A dispatcher opening a new matter sees the suggested category and unit, preselected."""

from pathlib import Path

import pytest
from django.urls import reverse

from safeharbor.core.actions import load_taxonomy
from safeharbor.core.models import Category
from safeharbor.matters import actions
from safeharbor.routing import classifier, queries

SEED = Path(classifier.__file__).parent / "data" / "seed"


@pytest.fixture(scope="module")
def predictor():
    texts, labels = classifier.read_corpus(SEED)
    return classifier.ModelPredictor(classifier.fit(texts, labels))


@pytest.fixture
def trained(monkeypatch, predictor, db):
    load_taxonomy()
    monkeypatch.setattr(queries, "load_active", lambda: predictor)


def test_the_dispatch_form_starts_from_the_suggestion(client, org, alice, trained):
    matter, _check = actions.create_matter(actor=alice, area=org.grid,
                                           description="楼上卫生间漏水，我家天花板都泡了，找了好几次没人管")
    client.force_login(alice)
    page = client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
    neighbor = Category.objects.get(code="dispute.neighbor")
    assert "系统建议" in page and neighbor.name_zh in page
    assert f'<option value="{neighbor.pk}" selected>' in page  # one click accepts it
    assert f'<option value="{neighbor.default_unit_id}" selected>' in page


def test_no_suggestion_once_a_category_is_chosen(client, org, alice, trained):
    category = Category.objects.get(code="estate.facilities")
    matter, _check = actions.create_matter(actor=alice, area=org.grid, category=category,
                                           description="小区电梯坏了三天了")
    client.force_login(alice)
    assert "系统建议" not in client.get(reverse("matters:detail", args=[matter.pk])).content.decode()
