"""Staff pages and API of the questionnaires: they work, scope answers 404, leaders 403."""

import pytest

from safeharbor.surveys import actions
from safeharbor.surveys.models import Survey
from tests.factories_surveys import answer, make_survey

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def answered(alice, org):
    survey = make_survey(alice, org, access_mode=Survey.Access.INVITATION)
    batch = actions.create_invitation_batch(survey, actor=alice, label="货运公司", size=8)
    for i, code in enumerate(batch.code_list()[:6]):
        answer(survey, code=code, kind=str(i % 2 + 1), text="罚款不说明理由，态度也不好")
    return survey


def test_builder_flow_through_the_pages(client, alice, org):
    login(client, alice)
    page = client.post("/surveys/new/", {"title": "驾校执法问卷", "owner_unit": org.police.pk, "area": org.xinda.pk,
                                         "access": "open", "min_group_size": 5})
    assert page.status_code == 302
    survey = Survey.objects.get(title="驾校执法问卷")
    assert client.get(page["Location"]).status_code == 200
    bad = client.post(f"/surveys/{survey.pk}/questions/new/", {"section": 1, "kind": "single", "text": "x",
                                                               "options": "a\nb", "skip_option": 1, "skip_to": "q9"})
    assert bad.status_code == 400 and b"q9" in bad.content
    ok = client.post(f"/surveys/{survey.pk}/questions/new/", {"section": 1, "kind": "single", "text": "满意吗",
                                                              "options": "满意\n不满意", "required": "on"})
    assert ok.status_code == 302
    client.post(f"/surveys/{survey.pk}/sections/", {"title": "第二部分"})
    assert client.post(f"/surveys/{survey.pk}/publish/").status_code == 302
    survey.refresh_from_db()
    assert survey.status == "published"
    assert client.get(f"/surveys/{survey.pk}/preview/").status_code == 200
    frame = client.get(f"/surveys/{survey.pk}/preview/frame/")
    assert frame.status_code == 200 and "满意吗" in frame.content.decode()
    assert client.get(f"/surveys/{survey.pk}/qr.png")["Content-Type"] == "image/png"


def test_results_exports_and_slips(client, alice, answered):
    login(client, alice)
    page = client.get(f"/surveys/{answered.pk}/results/?rows=q1&cols=q3")
    body = page.content.decode()
    assert page.status_code == 200 and "罚款不说明理由" in body and "crosstab-table" in body
    assert client.get(f"/surveys/{answered.pk}/results.xlsx").content[:2] == b"PK"
    assert client.get(f"/surveys/{answered.pk}/results.pdf").content[:4] == b"%PDF"
    assert client.get(f"/surveys/{answered.pk}/results.doc").status_code == 404  # only the two formats
    assert client.get(f"/surveys/{answered.pk}/qr.gif").status_code == 404
    batch = answered.batches.get()
    assert client.get(f"/surveys/{answered.pk}/batches/{batch.pk}/slips.pdf").content[:4] == b"%PDF"


def test_another_area_gets_404_and_leaders_cannot_change(client, answered, charlie, bob):
    login(client, charlie)
    for url in ["", "results/", "results.xlsx", "preview/", "qr.png", "edit/"]:
        assert client.get(f"/surveys/{answered.pk}/{url}").status_code == 404, url
    assert client.get("/api/surveys/").json()["count"] == 0
    assert client.get(f"/api/surveys/{answered.pk}/results/").status_code == 404
    client.logout()
    login(client, bob)
    assert client.get(f"/surveys/{answered.pk}/results/").status_code == 200
    assert client.post(f"/surveys/{answered.pk}/close/").status_code == 403
    assert client.post(f"/api/surveys/{answered.pk}/close/").status_code == 403
    assert client.get("/surveys/999999/").status_code == 404


def test_api_gives_aggregates_never_single_responses(client, alice, answered):
    login(client, alice)
    data = client.get(f"/api/surveys/{answered.pk}/results/").json()
    assert data["n"] == 6 and not data["suppressed"]
    assert {r["label"] for r in data["ranking"][:2]} == {"总体评价", "罚款不说明理由"}
    detail = client.get(f"/api/surveys/{answered.pk}/").json()
    assert [q["key"] for q in detail["questions"]] == ["q1", "q2", "q3", "q4", "q5"]
    assert client.post(f"/api/surveys/{answered.pk}/close/").json()["status"] == "closed"


def test_finding_page_registers_a_matter(client, alice, answered):
    login(client, alice)
    page = client.post(f"/surveys/{answered.pk}/findings/", {"summary": "罚款不说明理由", "description": "规范告知",
                                                             "kind": "matter"})
    assert page.status_code == 302 and page["Location"].startswith("/matters/")
