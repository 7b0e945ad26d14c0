"""Routing suggestions in the dispatcher's work: stored on arrival, one-click accept from the
inbox, corrections as training data, area rules, auto-dispatch, the model page."""

from pathlib import Path

import pytest
from django.urls import reverse

from safeharbor.core.actions import load_taxonomy
from safeharbor.core.models import Category, User
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Matter, MatterEvent
from safeharbor.routing import actions, classifier, queries
from safeharbor.routing.models import AutoDispatch, ClassifierModel, MatterSuggestion, RoutingRule
from tests import factories

SEED = Path(classifier.__file__).parent / "data" / "seed"
NOISE = "楼上邻居天天半夜拖椅子、蹦迪，吵得我整夜睡不着，上去敲门说了好几次也不听"


@pytest.fixture(scope="module")
def predictor():
    texts, labels = classifier.read_corpus(SEED)
    return classifier.ModelPredictor(classifier.fit(texts, labels), version=7)


@pytest.fixture
def trained(monkeypatch, predictor, db):
    load_taxonomy()
    queries.reset_cache()
    monkeypatch.setattr(queries, "load_active", lambda: predictor)
    yield predictor
    queries.reset_cache()


def report(alice, org, text=NOISE, area=None):
    matter, _check = matter_actions.create_matter(actor=alice, area=area or org.grid, description=text)
    actions.index_recent_matters()  # the worker's filing of new matters, every minute
    return matter


def test_a_new_matter_gets_its_suggestion_on_arrival(org, alice, trained):
    matter, _check = matter_actions.create_matter(actor=alice, area=org.grid, description=NOISE)
    assert not MatterSuggestion.objects.filter(matter=matter).exists()  # not in the resident's request
    assert actions.index_recent_matters() == 1  # the worker files it within a minute
    assert actions.index_recent_matters() == 0

    suggestion = MatterSuggestion.objects.get(matter=matter)
    neighbor = Category.objects.get(code="dispute.neighbor")
    assert suggestion.category == neighbor and suggestion.unit == neighbor.default_unit
    assert 0 < suggestion.confidence <= 1 and suggestion.model_version == 7
    assert suggestion.alternatives[0]["category"] == "dispute.neighbor" and len(suggestion.alternatives) == 3
    assert suggestion.outcome == ""


def test_one_click_accept_in_the_inbox_dispatches_to_the_suggestion(client, org, alice, trained):
    matter = report(alice, org)
    neighbor = Category.objects.get(code="dispute.neighbor")
    client.force_login(alice)

    page = client.get(reverse("matters:list") + "?inbox=all").content.decode()
    assert "routing-suggestion" in page and neighbor.name_zh in page
    assert reverse("routing:accept", args=[matter.pk]) in page

    response = client.post(reverse("routing:accept", args=[matter.pk]),
                           {"expected_status": "received", "next": "/matters/?inbox=all"})
    assert response.status_code == 302 and response["Location"] == "/matters/?inbox=all"
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DISPATCHED
    assert (matter.category, matter.unit) == (neighbor, neighbor.default_unit)
    assert MatterSuggestion.objects.get(matter=matter).outcome == "accepted"
    event = matter.events.get(action=MatterEvent.Action.DISPATCHED)
    assert event.actor == alice
    # Accepted suggestions are confirmed categories: the next training uses them.
    assert (f"{matter.title} {matter.description}".strip(), "dispute.neighbor") in list(
        queries.confirmed_training_rows())
    # Dispatched: the inbox no longer offers the suggestion.
    assert "routing-suggestion" not in client.get(reverse("matters:list")).content.decode()


def test_a_correction_is_recorded_and_becomes_training_data(client, org, alice, trained):
    matter = report(alice, org)
    other = Category.objects.get(code="estate.property")
    client.force_login(alice)

    response = client.post(reverse("matters:dispatch", args=[matter.pk]), {
        "unit": other.default_unit_id, "category": other.pk, "urgency": "normal", "expected_status": "received",
    })
    assert response.status_code == 302
    assert MatterSuggestion.objects.get(matter=matter).outcome == "corrected"
    assert (matter.description, "estate.property") in list(queries.confirmed_training_rows())


def test_matters_without_a_stored_suggestion_get_one_when_listed(client, org, alice, trained):
    matter = report(alice, org)
    MatterSuggestion.objects.filter(matter=matter).delete()
    client.force_login(alice)

    assert "routing-suggestion" in client.get(reverse("matters:list")).content.decode()
    assert MatterSuggestion.objects.filter(matter=matter).exists()


def test_accept_is_out_of_scope_for_another_area_and_refused_to_leaders(client, org, alice, bob, charlie,
                                                                      trained):
    matter = report(alice, org)
    client.force_login(charlie)
    assert client.post(reverse("routing:accept", args=[matter.pk])).status_code == 404
    assert "routing-suggestion" not in client.get(reverse("matters:list")).content.decode()
    client.force_login(bob)  # a leader sees the matter but does not dispatch
    assert "routing-suggestion" not in client.get(reverse("matters:list")).content.decode()
    assert client.post(reverse("routing:accept", args=[matter.pk])).status_code == 403
    matter.refresh_from_db()
    assert matter.status == Matter.Status.RECEIVED


def test_the_most_specific_area_rule_wins_over_the_default_unit(org, alice, admin_user, trained):
    neighbor = Category.objects.get(code="dispute.neighbor")
    actions.add_rule(actor=admin_user, category=neighbor, area=org.xinda, unit=org.justice)
    actions.add_rule(actor=admin_user, category=neighbor, area=org.yongchang, unit=org.women)

    assert MatterSuggestion.objects.get(matter=report(alice, org)).unit == org.women  # grid ⊂ 永昌佳苑
    assert MatterSuggestion.objects.get(matter=report(alice, org, area=org.xinda)).unit == org.justice
    admin_matter = report(admin_user, org, area=org.tuanjie)  # no rule there
    assert MatterSuggestion.objects.get(matter=admin_matter).unit == neighbor.default_unit
    assert queries.classify(NOISE, org.grid.path)["unit"] == "women"
    assert queries.classify(NOISE)["unit"] == neighbor.default_unit.code


def test_classify_command_applies_the_rule_of_the_given_area(org, admin_user, trained, monkeypatch, capsys):
    import io
    import json

    from safeharbor.__main__ import main

    neighbor = Category.objects.get(code="dispute.neighbor")
    actions.add_rule(actor=admin_user, category=neighbor, area=org.yongchang, unit=org.women)
    lines = [{"id": 1, "text": NOISE, "area": org.grid.code}, {"id": 2, "text": NOISE}]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)))
    main(["classify"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["unit"] for o in out] == ["women", neighbor.default_unit.code]
    assert set(out[0]) == {"id", "category", "unit", "confidence", "alternatives"}


def test_the_rules_page_is_for_administrators(client, org, alice, admin_user, trained):
    neighbor = Category.objects.get(code="dispute.neighbor")
    client.force_login(alice)
    assert client.get(reverse("routing:rules")).status_code == 404
    client.force_login(admin_user)
    response = client.post(reverse("routing:rules"), {"category": neighbor.pk, "area": org.yongchang.pk,
                                                      "unit": org.women.pk})
    assert response.status_code == 302
    page = client.get(reverse("routing:rules")).content.decode()
    assert "永昌佳苑社区" in page and "妇联" in page
    rule = RoutingRule.objects.get()
    client.force_login(alice)
    assert client.post(reverse("routing:rule_remove", args=[rule.pk])).status_code == 404
    client.force_login(admin_user)
    client.post(reverse("routing:rule_remove", args=[rule.pk]))
    assert not RoutingRule.objects.exists()


def _confidence(text):
    return queries.classify(text)["confidence"]


@pytest.mark.parametrize("margin, dispatched", [(-0.01, True), (0.01, False), (None, False)])
def test_auto_dispatch_above_the_threshold_only(org, trained, django_capture_on_commit_callbacks, margin,
                                                dispatched):
    neighbor = Category.objects.get(code="dispute.neighbor")
    if margin is not None:
        AutoDispatch.objects.create(category=neighbor, threshold=_confidence(NOISE) + margin)
    with django_capture_on_commit_callbacks(execute=True):
        matter, _check = matter_actions.create_matter(actor=None, area=org.grid, description=NOISE,
                                                      source=Matter.Source.WEB)  # a resident's report
    matter.refresh_from_db()
    if not dispatched:
        assert matter.status == Matter.Status.RECEIVED and matter.unit is None
        return
    assert matter.status == Matter.Status.DISPATCHED
    assert (matter.category, matter.unit) == (neighbor, neighbor.default_unit)
    event = matter.events.get(action=MatterEvent.Action.DISPATCHED)
    assert event.actor is None and "Auto-dispatched" in event.note or "自动" in event.note
    assert MatterSuggestion.objects.get(matter=matter).outcome == "auto"
    # The model's own guess is not a confirmation.
    assert (NOISE, "dispute.neighbor") not in list(queries.confirmed_training_rows())


def test_a_routing_failure_never_stops_a_residents_report(org, trained, monkeypatch):
    monkeypatch.setattr(queries, "new_suggestion", lambda matter: 1 / 0)
    matter, _check = matter_actions.create_matter(actor=None, area=org.grid, description=NOISE,
                                                  source=Matter.Source.WEB)
    assert Matter.objects.filter(pk=matter.pk, status="received").exists()
    assert not MatterSuggestion.objects.filter(matter=matter).exists()


def test_the_threshold_page_turns_auto_dispatch_on_and_off(client, org, alice, admin_user, trained):
    neighbor = Category.objects.get(code="dispute.neighbor")
    client.force_login(alice)
    assert client.get(reverse("routing:auto_dispatch")).status_code == 404
    client.force_login(admin_user)
    assert client.post(reverse("routing:auto_dispatch"), {"category": neighbor.pk, "threshold": 85}).status_code == 302
    assert AutoDispatch.objects.get(category=neighbor).threshold == 0.85
    assert "85%" in client.get(reverse("routing:auto_dispatch")).content.decode()
    assert client.post(reverse("routing:auto_dispatch"), {"category": neighbor.pk, "threshold": 20}).status_code == 400
    client.post(reverse("routing:auto_dispatch"), {"category": neighbor.pk, "threshold": ""})
    assert not AutoDispatch.objects.exists()


@pytest.fixture
def two_models(db, settings, tmp_path):
    """Two trained versions on a small corpus of three categories."""
    seed = tmp_path / "seed"
    seed.mkdir()
    for code in ("security.theft", "estate.sanitation", "traffic.parking"):
        (seed / f"{code}.txt").write_text((SEED / f"{code}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    settings.ROUTING_SEED_DIR = seed
    settings.HOME = tmp_path / "home"
    queries.reset_cache()
    first, second = actions.train_classifier(), actions.train_classifier()
    yield first, second
    queries.reset_cache()


def test_the_model_page_shows_versions_metrics_and_confusions(client, org, alice, bob, two_models):
    first, second = two_models
    for user in (alice, bob):
        client.force_login(user)
        page = client.get(reverse("routing:models")).content.decode()
        assert f"v{second.version}" in page and f"v{first.version}" in page
        assert 'id="per-category"' in page and "security.theft" in page
        # only administrators switch versions
        assert reverse("routing:activate", args=[first.version]) not in page
    grid_worker = factories.UserFactory(role=User.Role.GRID_WORKER, areas=[org.grid])
    client.force_login(grid_worker)
    assert client.get(reverse("routing:models")).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("routing:models") + "?version=99").status_code == 404
    assert client.post(reverse("routing:activate", args=[first.version])).status_code == 404


def test_retrain_now_queues_the_task_and_the_admin_activates_an_earlier_version(client, admin_user, alice,
                                                                                 two_models):
    from django_tasks_db.models import DBTaskResult

    first, second = two_models
    client.force_login(alice)
    assert client.post(reverse("routing:retrain")).status_code == 302
    assert DBTaskResult.objects.filter(task_path__endswith="train_classifier").count() == 1
    client.force_login(admin_user)
    assert reverse("routing:activate", args=[first.version]) in client.get(reverse("routing:models")).content.decode()
    assert client.post(reverse("routing:activate", args=[first.version])).status_code == 302
    assert ClassifierModel.objects.get(active=True) == first
    assert queries.classify("电动车被偷了")["version"] == first.version
