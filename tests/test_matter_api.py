"""The matter engine's REST API: reads scoped like the pages, one endpoint per transition
calling the same action, errors as 400 (naming the field), 403, 404 and 409."""

from datetime import datetime, timedelta

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from safeharbor.core.models import User
from safeharbor.matters import actions
from safeharbor.matters.models import Commendation, Matter, Meeting, Supervision
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fast_and_tidy(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Api:
    """A program talking to the API with a token, in English (messages are checked by text)."""

    def __init__(self, user):
        token = Token.objects.get_or_create(user=user)[0].key
        self.client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")

    def get(self, url, **params):
        return self.client.get(url, params)

    def post(self, url, data=None):
        return self.client.post(url, data or {}, content_type="application/json")

    def post_multipart(self, url, data):
        return self.client.post(url, data)


@pytest.fixture
def api():
    return Api


@pytest.fixture
def handler(org):
    return factories.UserFactory(username="handler", role=User.Role.UNIT_HANDLER, unit=org.police)


@pytest.fixture
def handler2(org):
    return factories.UserFactory(username="handler2", role=User.Role.UNIT_HANDLER, unit=org.police)


@pytest.fixture
def water(org):
    return factories.CategoryFactory(code="env.water", name_zh="供水", domain=org.domain, default_unit=org.police)


def new_matter(actor, area, description="楼上漏水了，天花板一直滴水", **kwargs) -> Matter:
    return actions.create_matter(actor=actor, description=description, area=area, **kwargs)[0]


def url(matter, action="") -> str:
    return f"/api/matters/{matter.pk}/" + (f"{action}/" if action else "")


def fields_named(response) -> set[str]:
    """The fields a 400 answer names: DRF's {field: [...]} or an ActionError's {"field": name}."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["message"]
    extra = body["extra"]
    return {k for k in extra if k != "field"} | ({extra["field"]} if "field" in extra else set())


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- states to start from -------------------------------------------------------------------


class Story:
    """Brings a fresh matter of alice's area to a given state through the actions."""

    def __init__(self, org, alice, handler):
        self.org, self.alice, self.handler = org, alice, handler

    def received(self):
        return new_matter(self.alice, self.org.grid)

    def dispatched(self):
        matter = self.received()
        actions.dispatch_matter(matter, actor=self.alice, unit=self.org.police)
        return matter

    def accepted(self):
        matter = self.dispatched()
        actions.accept_matter(matter, actor=self.handler)
        return matter

    def extension_requested(self):
        matter = self.accepted()
        actions.request_extension(matter, actor=self.handler, days=3, reason="需要协调物业")
        return matter

    def returned(self):
        matter = self.dispatched()
        actions.return_matter(matter, actor=self.handler, reason="不属于本单位职责")
        return matter

    def resolved(self):
        matter = self.accepted()
        actions.resolve_matter(matter, actor=self.handler, result="已更换水管")
        return matter

    def rejected(self):
        """Returned by the police first, so that both alice and the unit still see it."""
        matter = self.returned()
        actions.reject_matter(matter, actor=self.alice, reason="非本区事项")
        return matter


@pytest.fixture
def story(org, alice, handler, handler2):
    return Story(org, alice, handler)


# endpoint -> (starting state, who may do it, a valid body, the status afterwards)
ENDPOINTS = {
    "dispatch": ("received", "alice", {"unit": "police", "co_units": ["justice"], "note": "请尽快处理"}, "dispatched"),
    "accept": ("dispatched", "handler", {}, "accepted"),
    "return": ("dispatched", "handler", {"reason": "不属于本单位职责"}, "returned"),
    "assign": ("accepted", "handler", {"assignee": "handler2"}, "accepted"),
    "notes": ("accepted", "handler", {"note": "已上门查看"}, "in_progress"),
    "extension": ("accepted", "handler", {"days": 3, "reason": "需要协调物业"}, "accepted"),
    "extension/decide": ("extension_requested", "alice", {"approve": True, "note": "同意"}, "accepted"),
    "resolve": ("accepted", "handler", {"result": "已更换水管"}, "resolved"),
    "follow-up": ("resolved", "alice", {"channel": "phone", "contacted": True, "solved": True,
                                        "satisfaction": "satisfied"}, "closed"),
    "close": ("resolved", "alice", {"note": "联系不上报事人"}, "closed"),
    "merge": ("received", "alice", {"into": "MAIN"}, "merged"),
    "reject": ("received", "alice", {"reason": "非本区事项"}, "rejected"),
}


def prepare(story, endpoint):
    state, who, body, after = ENDPOINTS[endpoint]
    matter = getattr(story, state)()
    if body.get("into") == "MAIN":
        body = {**body, "into": story.received().tracking_code}
    return matter, who, body, after


# --- tokens ---------------------------------------------------------------------------------


def test_token_opens_the_matter_api(client, alice, org):
    matter = new_matter(alice, org.grid)
    token = client.post("/api/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    response = Client().get("/api/matters/", HTTP_AUTHORIZATION=f"Token {token}")
    assert [m["id"] for m in results(response)] == [matter.pk]
    assert Client().get("/api/matters/").status_code == 401
    assert Client().get(url(matter)).status_code == 401
    assert Client().post(url(matter, "accept")).status_code == 401


# --- reading ------------------------------------------------------------------------------------


def test_list_is_scoped(api, org, alice, charlie):
    mine = new_matter(alice, org.grid)
    theirs = new_matter(charlie, org.tuanjie, description="团结社区路灯不亮")
    assert [m["id"] for m in results(api(alice).get("/api/matters/"))] == [mine.pk]
    assert [m["id"] for m in results(api(charlie).get("/api/matters/"))] == [theirs.pk]


def test_list_fields_mask_the_reporter(api, org, alice, water):
    new_matter(alice, org.grid, category=water, reporter_name="王秀英", reporter_phone="13812345678",
               harbor=org.harbor, address="永昌佳苑3号楼", lat=39.5, lon=106.7)
    [row] = results(api(alice).get("/api/matters/"))
    assert row["reporter_name"] == "王**"
    assert row["reporter_phone"] == "138****5678"
    assert "13812345678" not in str(row) and "check_code_hash" not in row
    assert row["category"] == "env.water" and row["domain"] == "community"
    assert row["area"] == org.grid.pk and row["area_name"] == "永昌佳苑第一网格"
    assert row["harbor"] == org.harbor.pk and row["lat"] == 39.5
    assert row["status"] == "received" and row["overdue"] is False
    assert "allowed_actions" not in row  # detail only


def test_list_filters_search_and_inboxes(api, org, alice, handler, water):
    leak = new_matter(alice, org.grid, category=water)
    lamp = new_matter(alice, org.yongchang, description="小区路灯坏了", urgency="urgent")
    actions.dispatch_matter(lamp, actor=alice, unit=org.police)
    client = api(alice)

    def ids(**params):
        return {m["id"] for m in results(client.get("/api/matters/", **params))}

    assert ids() == {leak.pk, lamp.pk}
    assert ids(q="漏水") == {leak.pk}
    assert ids(q=lamp.tracking_code.lower()) == {lamp.pk}
    assert ids(category="env.water") == {leak.pk}
    assert ids(domain="community") == {leak.pk}
    assert ids(status="dispatched") == {lamp.pk}
    assert ids(status="open") == {leak.pk, lamp.pk}
    assert ids(urgency="urgent") == {lamp.pk}
    assert ids(unit=str(org.police.pk)) == {lamp.pk}
    assert ids(area=str(org.grid.pk)) == {leak.pk}
    assert ids(area=str(org.xinda.pk)) == {leak.pk, lamp.pk}
    today = timezone.localdate()
    assert ids(date_from=str(today + timedelta(days=1))) == set()
    assert ids(date_to=str(today)) == {leak.pk, lamp.pk}
    assert ids(inbox="dispatch") == {leak.pk}
    assert ids(inbox="unit") == set()  # alice has no unit
    assert {m["id"] for m in results(api(handler).get("/api/matters/", inbox="unit"))} == {lamp.pk}
    assert ids(area="not-a-number") == {leak.pk, lamp.pk}  # malformed filters are ignored, as on the pages
    assert "inbox" in fields_named(client.get("/api/matters/", inbox="nonsense"))


def test_list_is_paginated(api, org, alice):
    for i in range(3):
        new_matter(alice, org.grid, description=f"第{i}件")
    body = api(alice).get("/api/matters/", limit=2).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_list_does_not_query_per_row(api, org, alice, handler, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            matter = new_matter(alice, org.grid, harbor=org.harbor, reporter_name="王秀英")
            actions.dispatch_matter(matter, actor=alice, unit=org.police, co_units=[org.justice], assignee=handler)
            duplicate = new_matter(alice, org.grid)
            actions.merge_matter(duplicate, actor=alice, into=matter)

    client = api(alice)
    add(2)
    # token and user, the user's areas, count, rows with their relations, co-units
    # ... and the areas, by one prefetch
    with django_assert_max_num_queries(6) as few:
        assert len(results(client.get("/api/matters/"))) == 4
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = results(client.get("/api/matters/"))
    assert len(rows) == 24
    merged = next(r for r in rows if r["status"] == "merged")
    assert merged["merged_into"] == Matter.objects.get(pk=merged["id"]).merged_into.tracking_code
    dispatched = next(r for r in rows if r["status"] == "dispatched")
    assert dispatched["co_units"] == ["justice"] and dispatched["assignee"] == "handler"


def test_detail_with_allowed_actions(api, org, alice, bob, charlie, handler):
    matter = new_matter(alice, org.grid, reporter_phone="13812345678")
    body = api(alice).get(url(matter)).json()
    assert body["tracking_code"] == matter.tracking_code
    assert body["reporter_phone"] == "138****5678"
    assert body["allowed_actions"] == ["dispatch", "merge", "note", "reject", "supervise"]
    assert api(bob).get(url(matter)).json()["allowed_actions"] == ["supervise"]
    assert api(charlie).get(url(matter)).status_code == 404
    assert api(handler).get(url(matter)).status_code == 404  # not dispatched to the police yet
    assert api(alice).get("/api/matters/999999/").status_code == 404
    assert api(alice).get("/api/matters/abc/").status_code == 404


def test_timeline(api, org, alice, charlie, handler):
    matter = new_matter(alice, org.grid)
    actions.dispatch_matter(matter, actor=alice, unit=org.police, note="请核实")
    actions.accept_matter(matter, actor=handler)
    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8jpeg-bytes", content_type="image/jpeg")
    actions.add_note(matter, actor=handler, note="已到现场", files=[photo])
    response = api(alice).get(url(matter, "timeline"))
    assert response.status_code == 200
    events = response.json()
    assert [e["action"] for e in events] == ["created", "dispatched", "accepted", "note"]
    dispatched = events[1]
    assert dispatched["actor"] == "alice" and dispatched["unit"] == "police" and dispatched["note"] == "请核实"
    assert (dispatched["from_status"], dispatched["to_status"]) == ("received", "dispatched")
    assert events[2]["actor"] == "handler"
    assert events[3]["attachments"] == [
        {"id": events[3]["attachments"][0]["id"], "name": "现场.jpg", "size": 12, "content_type": "image/jpeg",
         "public": False}
    ]
    assert api(charlie).get(url(matter, "timeline")).status_code == 404
    assert api(alice).get("/api/matters/999999/timeline/").status_code == 404


# --- registering --------------------------------------------------------------------------------


def test_create_returns_the_check_code_once(api, org, alice, water):
    response = api(alice).post("/api/matters/", {
        "description": "楼道灯不亮", "title": "楼道灯", "category": "env.water", "area": org.grid.pk,
        "harbor": org.harbor.pk, "address": "永昌佳苑3号楼", "lat": 39.5, "lon": 106.7, "urgency": "urgent",
        "reporter_name": "王秀英", "reporter_phone": "13812345678",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    matter = Matter.objects.get(pk=body["id"])
    assert actions.check_code_matches(matter, body["check_code"])
    assert body["status"] == "received" and body["category"] == "env.water" and body["urgency"] == "urgent"
    assert body["reporter_name"] == "王**" and "dispatch" in body["allowed_actions"]
    assert matter.reporter_phone == "13812345678" and matter.created_by == alice
    assert "check_code" not in api(alice).get(url(matter)).json()


def test_create_names_bad_fields(api, org, alice):
    client = api(alice)
    assert "description" in fields_named(client.post("/api/matters/", {"area": org.grid.pk}))
    assert "description" in fields_named(client.post("/api/matters/", {"description": "   "}))
    assert "category" in fields_named(client.post("/api/matters/", {"description": "x", "category": "nope"}))
    assert "urgency" in fields_named(client.post("/api/matters/", {"description": "x", "urgency": "asap"}))
    assert "lat" in fields_named(client.post("/api/matters/", {"description": "x", "lat": 200}))
    # charlie's area and harbor are outside alice's scope: as unknown as a missing one
    assert "area" in fields_named(client.post("/api/matters/", {"description": "x", "area": org.tuanjie.pk}))
    assert "harbor" in fields_named(client.post("/api/matters/", {"description": "x", "harbor": org.other_harbor.pk}))
    assert not Matter.objects.exists()


def test_create_is_refused_to_a_leader(api, org, bob):
    response = api(bob).post("/api/matters/", {"description": "楼道灯不亮", "area": org.grid.pk})
    assert response.status_code == 403


def test_create_without_area_stays_in_scope(api, org, alice):
    response = api(alice).post("/api/matters/", {"description": "楼道灯不亮"})
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        assert api(alice).get(f"/api/matters/{response.json()['id']}/").status_code == 200
    else:
        assert "area" in fields_named(response)


# --- every transition: works, 403, 404, 409 -------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_action_works_for_the_right_role(api, story, endpoint, alice, handler):
    matter, who, body, after = prepare(story, endpoint)
    actor = {"alice": alice, "handler": handler}[who]
    response = api(actor).post(url(matter, endpoint), body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["id"] == matter.pk and data["status"] == after
    assert "allowed_actions" in data
    matter.refresh_from_db()
    assert matter.status == after


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_action_is_403_for_the_read_only_leader(api, story, endpoint, bob):
    matter, _who, body, _after = prepare(story, endpoint)
    before = Matter.objects.get(pk=matter.pk).status
    response = api(bob).post(url(matter, endpoint), body)
    assert response.status_code == 403, response.content
    assert response.json()["message"]
    assert Matter.objects.get(pk=matter.pk).status == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_action_is_404_out_of_scope_and_for_a_bad_id(api, story, endpoint, charlie):
    matter, _who, body, _after = prepare(story, endpoint)
    assert api(charlie).post(url(matter, endpoint), body).status_code == 404
    assert api(charlie).post(f"/api/matters/999999/{endpoint}/", body).status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_action_is_409_in_the_wrong_state(api, story, endpoint, alice, handler):
    _matter, who, body, _after = prepare(story, endpoint)
    closed = story.rejected()
    actor = {"alice": alice, "handler": handler}[who]
    response = api(actor).post(url(closed, endpoint), body)
    assert response.status_code == 409, response.content
    assert response.json()["message"] == "This matter is “rejected”; that action is not possible now."
    assert response.json()["extra"] == {"status": "rejected"}


@pytest.mark.parametrize(
    ("endpoint", "who", "state"),
    [
        ("accept", "alice", "dispatched"),  # a dispatcher does not sign for the unit
        ("resolve", "alice", "accepted"),
        ("dispatch", "handler", "dispatched"),  # the unit cannot re-dispatch
        ("close", "handler", "resolved"),
        ("reject", "handler", "returned"),
        ("extension/decide", "handler", "extension_requested"),
    ],
)
def test_action_is_403_for_the_wrong_role(api, story, endpoint, who, state, alice, handler):
    matter = getattr(story, state)()
    actor = {"alice": alice, "handler": handler}[who]
    response = api(actor).post(url(matter, endpoint), ENDPOINTS[endpoint][2])
    assert response.status_code == 403, response.content
    assert response.json()["message"] == "Your role does not allow this action on this matter."


def test_the_unit_that_did_the_work_does_not_grade_itself(api, story, handler):
    matter = story.resolved()
    body = ENDPOINTS["follow-up"][2]
    assert api(handler).post(url(matter, "follow-up"), body).status_code == 403


def test_expected_status_turns_a_race_into_409(api, story, alice, handler):
    matter = story.dispatched()
    actions.accept_matter(matter, actor=handler)  # the unit was faster
    response = api(alice).post(url(matter, "dispatch"), {"unit": "justice", "expected_status": "dispatched"})
    assert response.status_code == 409
    assert "Someone else changed this matter" in response.json()["message"]
    assert "expected_status" in fields_named(
        api(alice).post(url(matter, "dispatch"), {"unit": "justice", "expected_status": "whatever"})
    )


# --- bad input: 400 naming the field --------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("dispatch", {"unit": "no-such-unit"}, "unit"),
        ("dispatch", {}, "unit"),
        ("dispatch", {"unit": "police", "co_units": ["police", "nope"]}, "co_units"),
        ("dispatch", {"unit": "police", "assignee": "nobody"}, "assignee"),
        ("dispatch", {"unit": "justice", "assignee": "handler"}, "assignee"),  # not a member: the action says
        ("dispatch", {"unit": "police", "urgency": "asap"}, "urgency"),
        ("return", {}, "reason"),
        ("return", {"reason": "   "}, "reason"),
        ("reject", {}, "reason"),
        ("notes", {}, "note"),
        ("notes", {"note": "x" * 5001}, "note"),  # the action's limit
        ("extension", {"days": 0, "reason": "需要协调"}, "days"),
        ("extension", {"days": 31, "reason": "需要协调"}, "days"),
        ("extension", {"days": "three", "reason": "需要协调"}, "days"),
        ("extension", {"days": 3}, "reason"),
        ("extension/decide", {"note": "?"}, "approve"),
        ("resolve", {"result": ""}, "result"),
        ("follow-up", {"channel": "phone", "contacted": True, "solved": True, "satisfaction": "meh"},
         "satisfaction"),
        ("follow-up", {"channel": "pigeon", "contacted": True, "solved": True, "satisfaction": "satisfied"},
         "channel"),
        ("follow-up", {"channel": "phone", "solved": True, "satisfaction": "satisfied"}, "contacted"),
        ("merge", {"into": "NOPE"}, "into"),
        ("merge", {}, "into"),
        ("assign", {"assignee": "nobody"}, "assignee"),
        ("assign", {"assignee": "alice"}, "assignee"),  # outside the handler's view
    ],
)
def test_bad_input_is_400_naming_the_field(api, story, alice, handler, endpoint, body, field):
    matter, who, _body, _after = prepare(story, endpoint)
    actor = {"alice": alice, "handler": handler}[who]
    before = Matter.objects.get(pk=matter.pk).status
    response = api(actor).post(url(matter, endpoint), body)
    assert field in fields_named(response)
    assert Matter.objects.get(pk=matter.pk).status == before


def test_merge_into_itself_is_400(api, story, alice):
    matter = story.received()
    assert fields_named(api(alice).post(url(matter, "merge"), {"into": matter.tracking_code})) == {"into"}


def test_a_second_extension_request_is_409(api, story, handler):
    matter = story.extension_requested()
    response = api(handler).post(url(matter, "extension"), {"days": 2, "reason": "再延"})
    assert response.status_code == 409
    assert response.json()["message"] == "An extension request for this matter is already waiting for a decision."


def test_deciding_without_a_request_is_409(api, story, alice):
    matter = story.accepted()
    response = api(alice).post(url(matter, "extension/decide"), {"approve": True})
    assert response.status_code == 409
    assert response.json()["message"] == "There is no extension request waiting for a decision."


def test_return_after_the_return_limit_is_409(api, story, handler, time_machine):
    time_machine.move_to("2026-12-01 10:00 +0800", tick=False)
    matter = story.dispatched()
    time_machine.move_to("2026-12-04 10:00 +0800", tick=False)
    response = api(handler).post(url(matter, "return"), {"reason": "不属于本单位职责"})
    assert response.status_code == 409
    assert response.json()["message"].startswith("The time to return this matter ended at 2026-12-02 10:00.")


def test_a_co_unit_adds_notes_but_does_not_resolve(api, story, alice, handler, org):
    matter = story.received()
    actions.dispatch_matter(matter, actor=alice, unit=org.police, co_units=[org.justice])
    actions.accept_matter(matter, actor=handler)
    lawyer = factories.UserFactory(username="lawyer", role=User.Role.UNIT_HANDLER, unit=org.justice)
    client = api(lawyer)
    assert client.get(url(matter)).json()["allowed_actions"] == ["note"]
    response = client.post(url(matter, "notes"), {"note": "已提供法律咨询"})
    assert response.status_code == 200 and response.json()["status"] == "accepted"  # only the unit starts work
    assert client.post(url(matter, "resolve"), {"result": "x"}).status_code == 403


def test_note_with_attachments_multipart(api, story, handler):
    matter = story.accepted()
    files = [SimpleUploadedFile("a.jpg", b"12345", content_type="image/jpeg"),
             SimpleUploadedFile("b.pdf", b"1234567", content_type="application/pdf")]
    response = api(handler).post_multipart(url(matter, "notes"), {"note": "现场照片", "public": "true",
                                                                   "files": files})
    assert response.status_code == 200, response.content
    note = api(handler).get(url(matter, "timeline")).json()[-1]
    assert note["action"] == "note" and note["public"] is True
    assert [(a["name"], a["size"]) for a in note["attachments"]] == [("a.jpg", 5), ("b.pdf", 7)]


def test_approved_extension_moves_the_deadline(api, story, alice):
    matter = story.extension_requested()
    before = Matter.objects.get(pk=matter.pk).resolve_due_at
    body = api(alice).post(url(matter, "extension/decide"), {"approve": True}).json()
    after = Matter.objects.get(pk=matter.pk)
    assert after.resolve_due_at > before and after.due_at == after.resolve_due_at
    assert datetime.fromisoformat(body["resolve_due_at"]) == after.resolve_due_at
    assert "decide_extension" not in body["allowed_actions"]


def test_a_pending_extension_does_not_outlive_the_handling(api, story, alice, handler):
    matter = story.extension_requested()
    unit = api(handler)
    assert unit.post(url(matter, "resolve"), {"result": "已更换水管"}).status_code == 200
    assert {m["id"] for m in results(api(alice).get("/api/matters/", inbox="extensions"))} == set()
    api(alice).post(url(matter, "follow-up"), {"channel": "phone", "contacted": True, "solved": False,
                                               "satisfaction": "unsatisfied"})
    assert unit.post(url(matter, "accept")).status_code == 200
    response = unit.post(url(matter, "extension"), {"days": 2, "reason": "重办需要时间"})
    assert response.status_code == 200, response.content


# --- the whole life through the API ------------------------------------------------------------------


def test_whole_lifecycle_through_the_api(api, org, alice, handler):
    dispatcher, unit = api(alice), api(handler)

    def step(client, path, body=None, status=200):
        response = client.post(path, body)
        assert response.status_code == status, response.content
        return response.json()

    created = step(dispatcher, "/api/matters/", {"description": "楼上漏水了，天花板一直滴水", "area": org.grid.pk,
                                                  "reporter_name": "王秀英", "reporter_phone": "13812345678"}, 201)
    assert created["check_code"]
    path = f"/api/matters/{created['id']}/"
    assert step(dispatcher, path + "dispatch/", {"unit": "police", "expected_status": "received"})["status"] == (
        "dispatched"
    )
    assert "accept" in unit.get(path).json()["allowed_actions"]
    assert step(unit, path + "accept/", {"expected_status": "dispatched"})["status"] == "accepted"
    assert step(unit, path + "notes/", {"note": "已联系物业"})["status"] == "in_progress"
    step(unit, path + "extension/", {"days": 3, "reason": "需要更换主管道"})
    assert "decide_extension" in dispatcher.get(path).json()["allowed_actions"]
    due = step(dispatcher, path + "extension/decide/", {"approve": True, "note": "同意"})["resolve_due_at"]
    assert due
    assert step(unit, path + "resolve/", {"result": "已更换水管"})["status"] == "resolved"
    reopened = step(dispatcher, path + "follow-up/", {"channel": "phone", "contacted": True, "solved": False,
                                                      "satisfaction": "unsatisfied", "comment": "还在滴"})
    assert reopened["status"] == "reopened" and reopened["reopen_count"] == 1
    assert step(unit, path + "accept/")["status"] == "accepted"
    assert step(unit, path + "resolve/", {"result": "重新做了防水"})["status"] == "resolved"
    closed = step(dispatcher, path + "follow-up/", {"channel": "phone", "contacted": True, "solved": True,
                                                    "satisfaction": "satisfied"})
    assert closed["status"] == "closed" and closed["satisfaction"] == "satisfied" and closed["closed_at"]
    assert closed["allowed_actions"] == []
    timeline = [e["action"] for e in dispatcher.get(path + "timeline/").json()]
    assert timeline == [
        "created", "dispatched", "accepted", "note", "extension_requested", "extension_approved", "resolved",
        "follow_up", "reopened", "accepted", "resolved", "follow_up", "closed",
    ]


# --- supervision --------------------------------------------------------------------------------------


def test_supervision_issue_reply_close(api, story, org, alice, bob, charlie, handler):
    first, second = story.dispatched(), story.accepted()
    reply_due = str(timezone.localdate() + timedelta(days=3))
    response = api(bob).post("/api/supervisions/", {"matters": [first.pk, second.pk], "level": "key",
                                                    "reason": "群众反映强烈，请加快办理", "reply_due": reply_due})
    assert response.status_code == 201, response.content
    [order] = response.json()
    assert order["unit"] == "police" and order["level"] == "key" and order["status"] == "open"
    assert sorted(order["matters"]) == sorted([first.pk, second.pk]) and order["issued_by"] == "bob"
    assert set(order["matter_codes"]) == {first.tracking_code, second.tracking_code}
    assert api(alice).get(url(first)).json()["supervised"] is True

    assert [o["id"] for o in results(api(handler).get("/api/supervisions/"))] == [order["id"]]
    assert results(api(charlie).get("/api/supervisions/")) == []
    assert api(charlie).get(f"/api/supervisions/{order['id']}/").status_code == 404
    assert api(alice).get("/api/supervisions/999999/").status_code == 404
    assert [o["id"] for o in results(api(alice).get("/api/supervisions/", status="open"))] == [order["id"]]
    assert results(api(alice).get("/api/supervisions/", status="closed")) == []

    base = f"/api/supervisions/{order['id']}/"
    assert api(charlie).post(base + "reply/", {"reply": "x"}).status_code == 404
    assert api(bob).post(base + "reply/", {"reply": "x"}).status_code == 403
    assert "reply" in fields_named(api(handler).post(base + "reply/", {}))
    replied = api(handler).post(base + "reply/", {"reply": "已安排专人，本周内办结"})
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    assert replied.json()["replied_by"] == "handler"
    assert api(handler).post(base + "reply/", {"reply": "again"}).status_code == 409

    assert api(handler).post(base + "close/").status_code == 403
    closed = api(bob).post(base + "close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api(bob).post(base + "close/").status_code == 409
    assert Matter.objects.get(pk=first.pk).supervised is False


def test_supervision_bad_input(api, story, org, alice, charlie):
    received, mine = story.received(), story.dispatched()
    theirs = new_matter(charlie, org.tuanjie)
    due = str(timezone.localdate() + timedelta(days=3))
    client = api(alice)

    def issue(**body):
        return client.post("/api/supervisions/", {"matters": [mine.pk], "level": "normal", "reason": "请加快",
                                                  "reply_due": due, **body})

    assert "matters" in fields_named(issue(matters=[theirs.pk]))  # out of scope: unknown
    assert "matters" in fields_named(issue(matters=[]))
    assert "matters" in fields_named(issue(matters=[received.pk]))  # no unit yet: the action says
    assert "level" in fields_named(issue(level="top"))
    assert "reason" in fields_named(issue(reason=""))
    assert "reply_due" in fields_named(issue(reply_due=str(timezone.localdate() - timedelta(days=1))))
    assert not Supervision.objects.exists()


# --- meetings and decisions -----------------------------------------------------------------------------


def test_meeting_decision_becomes_a_dispatched_matter(api, org, alice, bob, charlie, handler):
    client = api(alice)
    response = client.post("/api/meetings/", {
        "kind": "joint", "title": "永昌佳苑联席会议", "organizer": "justice", "area": org.yongchang.pk,
        "held_at": timezone.now().isoformat(), "attending_units": ["police", "women"], "agenda": "楼道堆物",
    })
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["attending_units"] == ["police", "women"] and meeting["created_by"] == "alice"
    path = f"/api/meetings/{meeting['id']}/"

    deadline = timezone.localdate() + timedelta(days=10)
    response = client.post(path + "decisions/", {"text": "公安分局牵头清理楼道堆物", "owner_unit": "police",
                                                 "deadline": str(deadline)})
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["owner_unit"] == "police" and decision["matter"]["status"] == "dispatched"
    matter = Matter.objects.get(pk=decision["matter"]["id"])
    assert matter.unit == org.police and matter.source == "meeting" and matter.created_by == alice
    assert timezone.localtime(matter.resolve_due_at).date() == deadline

    detail = client.get(path).json()
    assert [(d["text"], d["matter"]["tracking_code"], d["matter"]["status"]) for d in detail["decisions"]] == [
        ("公安分局牵头清理楼道堆物", matter.tracking_code, "dispatched")
    ]
    assert [m["id"] for m in results(client.get("/api/meetings/"))] == [meeting["id"]]
    assert "accept" in api(handler).get(url(matter)).json()["allowed_actions"]

    assert api(charlie).get(path).status_code == 404
    assert results(api(charlie).get("/api/meetings/")) == []
    assert api(charlie).post(path + "decisions/", {"text": "x", "owner_unit": "police",
                                                   "deadline": str(deadline)}).status_code == 404
    assert api(alice).get("/api/meetings/999999/").status_code == 404
    assert api(bob).post(path + "decisions/", {"text": "x", "owner_unit": "police",
                                               "deadline": str(deadline)}).status_code == 403
    past = str(timezone.localdate() - timedelta(days=1))
    assert fields_named(client.post(path + "decisions/", {"text": "x", "owner_unit": "police", "deadline": past})) == {
        "deadline"
    }
    assert "owner_unit" in fields_named(client.post(path + "decisions/", {"text": "x", "owner_unit": "nope",
                                                                          "deadline": str(deadline)}))
    assert Meeting.objects.get().decisions.count() == 1


def test_meeting_create_checks(api, org, alice, bob):
    body = {"kind": "joint", "title": "联席会议", "organizer": "justice", "area": org.yongchang.pk,
            "held_at": timezone.now().isoformat()}
    assert api(bob).post("/api/meetings/", body).status_code == 403
    assert "area" in fields_named(api(alice).post("/api/meetings/", {**body, "area": org.tuanjie.pk}))
    assert "kind" in fields_named(api(alice).post("/api/meetings/", {k: v for k, v in body.items() if k != "kind"}))
    assert not Meeting.objects.exists()


# --- commendations ---------------------------------------------------------------------------------------


def test_commendations(api, story, org, alice, bob, charlie, handler):
    matter = story.resolved()
    response = api(alice).post("/api/commendations/", {
        "kind": "banner", "unit": "police", "person": "handler", "matter": matter.tracking_code,
        "giver": "永昌佳苑居民", "text": "为民解忧", "received_on": str(timezone.localdate()), "area": org.yongchang.pk,
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"] == "handler" and body["person_name"] == handler.display_name
    assert body["matter"] == matter.tracking_code and body["recorded_by"] == "alice"
    assert [c["id"] for c in results(api(alice).get("/api/commendations/"))] == [body["id"]]
    assert [c["id"] for c in results(api(handler).get("/api/commendations/"))] == [body["id"]]
    assert results(api(charlie).get("/api/commendations/")) == []

    minimal = {"kind": "letter", "unit": "police", "giver": "居民", "received_on": str(timezone.localdate()),
               "area": org.yongchang.pk}
    assert api(bob).post("/api/commendations/", minimal).status_code == 403
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    assert fields_named(api(alice).post("/api/commendations/", {**minimal, "received_on": tomorrow})) == {
        "received_on"
    }
    assert "area" in fields_named(api(alice).post("/api/commendations/", {**minimal, "area": org.tuanjie.pk}))
    theirs = new_matter(charlie, org.tuanjie)
    assert "matter" in fields_named(api(alice).post("/api/commendations/", {**minimal,
                                                                            "matter": theirs.tracking_code}))
    assert Commendation.objects.count() == 1


# --- the schema ----------------------------------------------------------------------------------------


def test_schema_documents_the_matter_api(org):
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in ["/api/matters/", "/api/matters/{id}/", "/api/matters/{id}/timeline/",
                 "/api/supervisions/", "/api/meetings/{id}/decisions/", "/api/commendations/"]:
        assert path in paths
    for action in ["dispatch", "accept", "return", "assign", "notes", "extension", "extension/decide", "resolve",
                   "follow-up", "close", "merge", "reject"]:
        operation = paths[f"/api/matters/{{id}}/{action}/"]["post"]
        assert operation["tags"] == ["matters"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert paths["/api/matters/"]["post"]["operationId"] == "matters_create"
    assert {p["name"] for p in paths["/api/matters/"]["get"]["parameters"]} >= {"inbox", "status", "q", "limit"}
