"""Building questionnaires through the API: sections, questions, options and skip rules,
with the builder pages' rules (versioning once answered, bad skips, closed), scoped."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from safeharbor.surveys.models import Question, Response, Survey
from tests.factories_surveys import answer, make_survey

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}",
                  HTTP_ACCEPT_LANGUAGE="en")


def call(user, method, url, data=None):
    return getattr(api(user), method)(url, data or {}, content_type="application/json")


def keys(body) -> list[str]:
    return [q["key"] for q in body["questions"]]


def test_build_a_questionnaire_from_scratch_and_publish_it(alice, org):
    response = call(alice, "post", "/api/surveys/", {"title": "驾校执法问卷", "owner_unit": "police",
                                                     "area": org.xinda.pk, "access": "invitation"})
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["status"] == "draft" and body["sections"] == [{"position": 1, "title": "Part 1", "description": ""}]
    base = f"/api/surveys/{pk}"
    response = call(alice, "put", f"{base}/sections/1/", {"title": "基本情况"})
    assert response.status_code == 200 and response.json()["sections"][0]["title"] == "基本情况"
    response = call(alice, "post", f"{base}/sections/", {"title": "执法评价", "description": "近一年"})
    assert response.status_code == 201 and [s["position"] for s in response.json()["sections"]] == [1, 2]
    response = call(alice, "post", f"{base}/questions/", {"section": 1, "kind": "single", "text": "单位类型",
                                                          "required": True, "options": ["货运", "出租", "驾校"]})
    assert response.status_code == 201, response.content
    call(alice, "post", f"{base}/questions/", {"section": 2, "kind": "rating", "text": "总体评价",
                                               "ranks_problems": True, "low_label": "很不满意", "high_label": "很满意"})
    body = call(alice, "post", f"{base}/questions/", {"section": 2, "kind": "matrix", "text": "各方面评价",
                                                      "rows": ["态度", "程序"], "options": ["好", "一般", "差"],
                                                      "complaint_options": "3"}).json()
    assert keys(body) == ["q1", "q2", "q3"]
    response = call(alice, "put", f"{base}/questions/q1/skip/", {"skip_option": 3, "skip_to": "q3"})
    assert response.status_code == 200, response.content
    q1 = response.json()["questions"][0]
    assert (q1["skip_option"], q1["skip_to"], q1["text"], q1["required"]) == (3, "q3", "单位类型", True)
    response = call(alice, "put", f"{base}/questions/q1/options/", {"options": ["货运", "出租", "驾校", "公交"]})
    assert response.status_code == 200 and response.json()["questions"][0]["options"][-1] == "公交"
    assert response.json()["questions"][0]["skip_to"] == "q3"  # the rest of the question stays
    response = call(alice, "post", f"{base}/questions/q3/move/", {"direction": "up"})
    assert response.status_code == 200 and keys(response.json()) == ["q1", "q3", "q2"]
    response = call(alice, "post", f"/api/surveys/{pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert response.json()["version"] == 1


def test_changing_an_answered_questionnaire_makes_a_new_version(alice, org):
    survey = make_survey(alice, org)
    for _ in range(2):
        answer(survey)
    base = f"/api/surveys/{survey.pk}"
    assert api(alice).get(f"{base}/").json()["version_answered"] is True
    response = call(alice, "put", f"{base}/questions/q4/options/", {"options": ["罚款不说明理由", "重复检查", "索要财物", "都没有"],
                                                                    "complaint_options": "1,2,3"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["version_answered"] is False
    old = Question.objects.get(version__survey=survey, version__number=1, key="q4")
    assert old.options == ["罚款不说明理由", "重复检查", "都没有"]  # the answered version is untouched
    assert Response.objects.filter(version__number=1, version__survey=survey).count() == 2
    # more changes stay in version 2 (no answers yet)
    call(alice, "post", f"{base}/sections/", {"title": "补充"})
    assert api(alice).get(f"{base}/").json()["version"] == 2


def test_builder_refuses_bad_input(alice, org):
    survey = make_survey(alice, org, publish=False)
    base = f"/api/surveys/{survey.pk}"
    response = call(alice, "put", f"{base}/questions/q1/skip/", {"skip_option": 1, "skip_to": "q99"})
    assert response.status_code == 400 and "q99" in response.json()["message"]
    response = call(alice, "put", f"{base}/questions/q3/skip/", {"skip_option": 1, "skip_to": "end"})
    assert response.status_code == 400  # a rating does not skip
    response = call(alice, "put", f"{base}/questions/q5/skip/", {"skip_option": 1, "skip_to": "q1"})
    assert response.status_code == 400  # only single choice; and never backwards
    response = call(alice, "put", f"{base}/questions/q2/options/", {"options": ["是"]})
    assert response.status_code == 400  # at least two options (and q2 skips on option 2)
    response = call(alice, "put", f"{base}/questions/q3/options/", {"options": ["a", "b"]})
    assert response.status_code == 400  # ratings have no options
    response = call(alice, "delete", f"{base}/questions/q5/")
    assert response.status_code == 400 and "q2" in response.json()["message"]  # q2 skips to it
    response = call(alice, "post", f"{base}/questions/", {"section": 7, "kind": "text", "text": "x"})
    assert response.status_code == 400
    response = call(alice, "post", f"{base}/questions/", {"section": 1, "kind": "single", "text": "x",
                                                          "options": ["a", "a"]})
    assert response.status_code == 400
    response = call(alice, "delete", f"{base}/sections/1/")
    assert response.status_code == 400  # not empty
    assert call(alice, "put", f"{base}/questions/q42/", {"section": 1, "kind": "text", "text": "x"}).status_code == 400
    assert Question.objects.filter(version__survey=survey).count() == 5


def test_a_closed_questionnaire_cannot_change(alice, org):
    survey = make_survey(alice, org)
    call(alice, "post", f"/api/surveys/{survey.pk}/close/")
    response = call(alice, "post", f"/api/surveys/{survey.pk}/questions/", {"section": 1, "kind": "text",
                                                                            "text": "还有什么"})
    assert response.status_code == 409 and "closed" in response.json()["message"]
    assert call(alice, "post", f"/api/surveys/{survey.pk}/sections/", {"title": "x"}).status_code == 409
    assert Survey.objects.get(pk=survey.pk).versions.count() == 1


def test_settings_patch_keeps_what_is_left_out(alice, org):
    survey = make_survey(alice, org, publish=False)
    response = call(alice, "patch", f"/api/surveys/{survey.pk}/", {"min_group_size": 8})
    assert response.status_code == 200, response.content
    survey.refresh_from_db()
    assert survey.min_group_size == 8 and survey.title == "执法满意度调查"
    assert call(alice, "patch", f"/api/surveys/{survey.pk}/", {"min_group_size": 2}).status_code == 400


def test_builder_api_is_scoped_and_leaders_only_read(alice, bob, charlie, org):
    survey = make_survey(alice, org, publish=False)
    base = f"/api/surveys/{survey.pk}"
    writes = [("post", f"{base}/sections/", {"title": "x"}),
              ("put", f"{base}/sections/1/", {"title": "x"}),
              ("post", f"{base}/questions/", {"section": 1, "kind": "text", "text": "x"}),
              ("put", f"{base}/questions/q1/options/", {"options": ["a", "b"]}),
              ("put", f"{base}/questions/q1/skip/", {"skip_option": None}),
              ("post", f"{base}/questions/q1/move/", {"direction": "down"}),
              ("delete", f"{base}/questions/q5/", None),
              ("patch", f"{base}/", {"title": "x"})]
    for method, url, data in writes:
        assert call(charlie, method, url, data).status_code == 404, url
        assert call(bob, method, url, data).status_code == 403, url
    assert api(charlie).get(f"{base}/").status_code == 404
    assert api(bob).get(f"{base}/").status_code == 200
    response = call(charlie, "post", "/api/surveys/", {"title": "x", "owner_unit": "police", "area": org.xinda.pk})
    assert response.status_code == 400  # 新达街道 is outside charlie's scope
    assert Question.objects.filter(version__survey=survey).count() == 5
