"""Five people, one burst pipe: the dispatcher sees one incident with likely duplicates."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from safeharbor.matters import actions
from safeharbor.matters.models import Matter
from safeharbor.routing import classifier, duplicates

SEED = Path(classifier.__file__).parent / "data" / "seed"


@pytest.fixture(scope="module")
def topic():
    texts, labels = classifier.read_corpus(SEED)
    return duplicates.topic_function(classifier.ModelPredictor(classifier.fit(texts, labels)))


@pytest.fixture(autouse=True)
def trained(monkeypatch, topic):
    monkeypatch.setattr(duplicates, "live_topic", lambda: topic)


PIPE = [
    "团结路和建设路路口水管爆了，水哗哗往外冒",
    "建设路与团结路交叉口自来水管爆裂，水流到马路上了",
    "来电人反映：团结路建设路口供水管道破裂，路面积水严重。诉求：尽快抢修。",
    "团结路口那边跑水了，车都过不去，赶紧来人吧",
    "网格巡查发现团结路与建设路交叉口地下水管爆裂，已设置警示。",
]


def report(alice, area, text, *, minutes, lat=39.4985, lon=106.7052, address="团结路与建设路交叉口"):
    matter, _check = actions.create_matter(actor=alice, description=text, area=area, address=address,
                                           lat=lat, lon=lon, created_at=timezone.now() - timedelta(minutes=minutes))
    return matter  # not filed yet: the search files the matters of its window the worker has not


def test_the_fifth_report_of_a_burst_pipe_finds_the_four_earlier_ones(org, alice):
    earlier = [report(alice, org.grid, text, minutes=60 - 10 * i)
               for i, text in enumerate(PIPE[:4])]
    # Not the same incident: another problem at the same corner, the same problem far away.
    other_problem = report(alice, org.grid, "团结路建设路口有人占道摆摊卖水果", minutes=30)
    far_away = report(alice, org.grid, "五虎山那边自来水管爆了，水往外冒", minutes=25, lat=39.52, lon=106.62,
                      address="五虎山街道")
    fifth = report(alice, org.grid, PIPE[4], minutes=5)
    with translation.override("zh-hans"):
        found = duplicates.candidates_for(fifth, user=alice)
    codes = {m.pk for m, _score, _reason in found}
    assert len(codes & {m.pk for m in earlier}) >= 3
    assert other_problem.pk not in codes and far_away.pk not in codes
    best, score, reason = found[0]
    assert 0 < score <= 1 and "相距" in reason  # the reason says how far apart they are


def test_charlie_gets_no_candidates_from_alices_area(org, alice, charlie):
    first = report(alice, org.grid, PIPE[0], minutes=30)
    second = report(alice, org.grid, PIPE[1], minutes=5)
    assert first.pk in {m.pk for m, *_ in duplicates.candidates_for(second, user=alice)}
    assert duplicates.candidates_for(second, user=charlie) == []


def test_the_dispatcher_merges_from_the_matter_page_and_can_undo_it(client, org, alice):
    main = report(alice, org.grid, PIPE[0], minutes=40)
    duplicate = report(alice, org.grid, PIPE[1], minutes=10)
    client.force_login(alice)
    page = client.get(reverse("matters:detail", args=[duplicate.pk])).content.decode()
    assert "可能是同一事件" in page and main.tracking_code in page
    response = client.post(reverse("matters:merge", args=[duplicate.pk]),
                           {"into": main.tracking_code, "expected_status": "received"})
    assert response.status_code in (200, 302)
    duplicate.refresh_from_db()
    assert duplicate.status == Matter.Status.MERGED and duplicate.merged_into == main
    client.post(reverse("matters:unmerge", args=[duplicate.pk]), {"expected_status": "merged"})
    duplicate.refresh_from_db()
    assert duplicate.status == Matter.Status.RECEIVED and duplicate.merged_into is None
    assert list(duplicate.events.values_list("action", flat=True))[-2:] == ["merged", "unmerged"]


def test_the_command_reads_a_stream_of_reports(capsys):
    start = timezone.now()
    lines = [
        {"id": i, "text": text, "address": "团结路与建设路交叉口", "lat": 39.4985, "lon": 106.7052,
         "reported_at": (start + timedelta(minutes=10 * i)).isoformat()}
        for i, text in enumerate(PIPE)
    ]
    lines.append({"id": "far", "text": "梁家沟村口有人倒建筑垃圾", "address": "梁家沟村口", "lat": None, "lon": None,
                  "reported_at": (start + timedelta(hours=2)).isoformat()})
    results = list(duplicates.stream([json.dumps(line, ensure_ascii=False) for line in lines],
                                     topic=duplicates.live_topic()))
    assert results[0] == {"id": 0, "duplicate_of": []}
    assert set(results[4]["duplicate_of"]) >= {0, 1, 2}
    assert results[5] == {"id": "far", "duplicate_of": []}


def test_the_command_refuses_a_malformed_line(tmp_path, db):
    path = tmp_path / "reports.jsonl"
    path.write_text('{"id": 1, "text": "x", "reported_at": "not a date"}\n', encoding="utf-8")
    with pytest.raises(Exception) as error:
        call_command("duplicates", str(path))
    assert "line 1" in str(error.value)


def test_new_matters_are_filed_by_the_search_or_the_worker_not_in_the_residents_request(org, alice):
    from safeharbor.routing.actions import index_recent_matters
    from safeharbor.routing.models import DuplicateKey

    first = report(alice, org.grid, PIPE[0], minutes=30)
    assert not DuplicateKey.objects.filter(matter=first).exists()  # nothing filed while the resident waits
    # A matter that bypassed the events (an import) is filed the same way.
    imported = Matter.objects.create(tracking_code="IMPORT0001", description=PIPE[0], area=org.grid,
                                     address="团结路与建设路交叉口", lat=39.4986, lon=106.7053)
    Matter.objects.filter(pk=imported.pk).update(area_path=org.grid.path,
                                                 created_at=timezone.now() - timedelta(minutes=20))
    elsewhere, _check = actions.create_matter(actor=None, description="团结小区门口的路灯坏了", area=org.tuanjie)
    second = report(alice, org.grid, PIPE[1], minutes=5)
    # The search files the unfiled matters of its window and sub-district first, then looks them up.
    found = {m.pk for m, *_ in duplicates.candidates_for(second, user=alice)}
    assert {first.pk, imported.pk} <= found
    assert DuplicateKey.objects.filter(matter=first).exists()
    assert elsewhere.area_path[:6] != second.area_path[:6]  # another sub-district: not this search's business
    assert not DuplicateKey.objects.filter(matter=elsewhere).exists()
    # The worker files whatever is left of the window (every minute).
    index_recent_matters()
    assert not Matter.objects.filter(routing_fingerprint__isnull=True).exists()
    assert index_recent_matters() == 0
