"""The questionnaire rules: builder input, skip logic, versioning, one response per code,
dates, suppression of small groups, cross-tabs, ranking and themes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeharbor.core.errors import ActionError
from safeharbor.matters.models import Matter
from safeharbor.surveys import actions, queries
from safeharbor.surveys.models import Invitation, Response, Survey
from tests.factories_surveys import answer, make_survey

pytestmark = pytest.mark.django_db


def test_skip_to_a_question_that_does_not_exist_is_refused(alice, org):
    survey = make_survey(alice, org, publish=False)
    with pytest.raises(ActionError, match="q99"):
        actions.save_question(survey, actor=alice, section_position=1, key="q1", kind="single", text="单位类型",
                              options=["a", "b"], skip_option=1, skip_to="q99")
    with pytest.raises(ActionError, match="不在它之后"):
        actions.save_question(survey, actor=alice, section_position=1, key="q3", kind="single", text="x",
                              options=["a", "b"], skip_option=1, skip_to="q1")
    with pytest.raises(ActionError, match="只有单选题"):
        actions.save_question(survey, actor=alice, section_position=1, key="q4", kind="multiple", text="x",
                              options=["a", "b"], skip_option=1, skip_to="q5")
    with pytest.raises(ActionError):  # deleting the target of a skip
        actions.delete_question(survey, actor=alice, key="q5")


def test_builder_rejects_bad_questions(alice, org):
    survey = make_survey(alice, org, publish=False)
    with pytest.raises(ActionError, match="至少填写 2 个"):
        actions.save_question(survey, actor=alice, section_position=1, kind="single", text="x", options=["only"])
    with pytest.raises(ActionError):
        actions.save_question(survey, actor=alice, section_position=1, kind="rating", text="x", scale_min=3,
                              scale_max=2)
    with pytest.raises(ActionError):
        actions.save_question(survey, actor=alice, section_position=1, kind="single", text="", options=["a", "b"])
    with pytest.raises(ActionError):  # suppression cannot be switched off
        actions.update_survey(survey, actor=alice, title="t", owner_unit=org.police, area=org.xinda, min_group_size=1)


def test_skip_logic_drops_skipped_answers_and_required_only_when_shown(alice, org):
    survey = make_survey(alice, org)
    # Not inspected: q3 and q4 are skipped, so their (required) answers are not needed and not kept.
    response = actions.submit_response(survey, data={"a_q1": "2", "a_q2": "2", "a_q4": ["1"], "a_q5": "无"})
    assert response.answers == {"q1": 2, "q2": 2, "q5": "无"}
    with pytest.raises(ActionError) as error:
        actions.submit_response(survey, data={"a_q1": "2", "a_q2": "1"})
    assert set(error.value.extra["errors"]) == {"q3"}


def test_closed_or_not_yet_open_questionnaire_takes_no_answers(alice, org):
    survey = make_survey(alice, org)
    actions.close_survey(survey, actor=alice)
    with pytest.raises(ActionError, match="已结束"):
        answer(survey)
    later = make_survey(alice, org, title="later", opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ActionError, match="尚未开始"):
        answer(later)
    draft = make_survey(alice, org, title="draft", publish=False)
    with pytest.raises(ActionError):
        answer(draft)
    assert not Response.objects.exists()


def test_dates_must_be_in_order(alice, org):
    now = timezone.now()
    with pytest.raises(ActionError, match="结束时间"):
        actions.create_survey(actor=alice, title="t", owner_unit=org.police, area=org.xinda, opens_at=now,
                              closes_at=now - timedelta(hours=1))


def test_changing_an_answered_questionnaire_makes_a_new_version(alice, org):
    survey = make_survey(alice, org)
    first = answer(survey, problems=["1", "2"])
    actions.save_question(survey, actor=alice, section_position=1, key="q4", kind="multiple", text="遇到过哪些情况？",
                          options=["罚款不说明理由", "态度粗暴", "都没有"], ranks_problems=True)
    assert survey.versions.count() == 2
    v1, v2 = survey.versions.order_by("number")
    first.refresh_from_db()
    assert first.version == v1
    assert v1.questions.get(key="q4").options == ["罚款不说明理由", "重复检查", "都没有"]  # old answers keep theirs
    assert v2.questions.get(key="q4").options[1] == "态度粗暴"
    # A second edit before anyone answers v2 edits v2 in place.
    actions.save_question(survey, actor=alice, section_position=1, key="q5", kind="text", text="其他意见")
    assert survey.versions.count() == 2
    second = answer(survey, problems=["2"])
    assert second.version == v2
    # Results by label: "重复检查" from v1 and "态度粗暴" from v2 both show.
    rows = queries.answer_rows(survey)
    labels = sorted(label for r in rows for label in r["q4"])
    assert labels == ["态度粗暴", "罚款不说明理由", "重复检查"]


def test_one_response_per_invitation_code(alice, org):
    survey = make_survey(alice, org, access_mode=Survey.Access.INVITATION)
    batch = actions.create_invitation_batch(survey, actor=alice, label="货运公司", size=3)
    code = batch.code_list()[0]
    answer(survey, code=code.lower().replace("-", ""))  # typed loosely
    with pytest.raises(ActionError, match="已被使用"):
        answer(survey, code=code)
    with pytest.raises(ActionError, match="邀请码"):
        answer(survey)
    with pytest.raises(ActionError):
        answer(survey, code="AAAAA-AAAAA")
    assert Response.objects.count() == 1
    assert Invitation.objects.filter(used=True).count() == 1
    # A code of another questionnaire does not open this one.
    other = make_survey(alice, org, title="other", access_mode=Survey.Access.INVITATION)
    other_code = actions.create_invitation_batch(other, actor=alice, label="x", size=1).code_list()[0]
    with pytest.raises(ActionError):
        answer(survey, code=other_code)


def test_failed_answer_does_not_burn_the_code(alice, org):
    survey = make_survey(alice, org, access_mode=Survey.Access.INVITATION)
    code = actions.create_invitation_batch(survey, actor=alice, label="x", size=1).code_list()[0]
    with pytest.raises(ActionError):
        actions.submit_response(survey, data={"a_q1": "1"}, code=code)  # q2 missing
    assert not Invitation.objects.filter(used=True).exists()
    answer(survey, code=code)


def test_small_groups_are_suppressed(alice, org):
    survey = make_survey(alice, org)
    for _ in range(4):
        answer(survey)
    results = queries.survey_results(survey)
    assert results["suppressed"] and results["questions"] == []
    answer(survey, kind="1")
    answer(survey, kind="2")
    results = queries.survey_results(survey)
    assert not results["suppressed"]
    q1 = next(r for r in results["questions"] if r["question"].key == "q1")
    assert [b["count"] for b in q1["bars"]] == [5, 1, 0]
    q5 = next(r for r in results["questions"] if r["question"].key == "q5")
    assert q5["suppressed"] and q5["texts"] == []  # nobody wrote text
    # Cross-tab q1 × q3: the group "出租公司" has 1 person, so its row is hidden.
    by_key = {q.key: q for q in queries.crosstab_questions(survey)}
    table = queries.crosstab(survey, by_key["q1"], by_key["q3"])
    rows = {row["label"]: row for row in table["rows"]}
    assert not rows["货运公司"]["suppressed"] and rows["出租公司"]["suppressed"] and rows["出租公司"]["cells"] == []


def test_ranking_and_free_text_themes(alice, org):
    survey = make_survey(alice, org)
    for i in range(6):
        answer(survey, rating="1" if i < 3 else "4", problems=["1"] if i < 5 else ["2"],
               text="罚款不说明理由，希望公开处罚标准" if i % 2 else "重复检查太多，罚款不说明理由")
    ranking = queries.ranking(survey)
    assert ranking[0]["label"] == "罚款不说明理由" and ranking[0]["pct"] == pytest.approx(83.3)
    assert "都没有" not in [r["label"] for r in ranking]
    results = queries.survey_results(survey)
    themes = queries.text_themes(survey, results)
    words = dict(themes[0]["words"])
    assert words["罚款"] == 6
    texts = next(r for r in results["questions"] if r["question"].key == "q5")["texts"]
    assert sorted(texts) == sorted(r.answers["q5"] for r in Response.objects.all())


def test_trend_across_versions(alice, org):
    survey = make_survey(alice, org)
    for _ in range(5):
        answer(survey, rating="2")
    actions.save_question(survey, actor=alice, section_position=1, key="q5", kind="text", text="还有什么意见？")
    for _ in range(5):
        answer(survey, rating="4")
    trend = queries.trend(survey)
    assert [w.label for w in trend["waves"]] == ["v1", "v2"]
    rating = next(t for t in trend["tables"] if t["question"].key == "q3")
    assert rating["lines"][0]["cells"] == [2.0, 4.0]


def test_finding_becomes_a_matter_or_clue(alice, bob, org):
    survey = make_survey(alice, org)
    finding = actions.create_finding(survey, actor=alice, summary="罚款不说明理由", description="督促规范告知",
                                     as_clue=True)
    assert finding.matter.source == Matter.Source.CLUE and finding.matter.area == org.xinda
    with pytest.raises(PermissionDenied):
        actions.create_finding(survey, actor=bob, summary="x", description="y")


def test_repeat_survey_copies_questions_with_the_same_keys(alice, org):
    survey = make_survey(alice, org)
    again = actions.create_survey(actor=alice, title="第二轮", owner_unit=org.police, area=org.xinda, repeat_of=survey)
    assert list(again.current_version().questions.values_list("key", flat=True)) == ["q1", "q2", "q3", "q4", "q5"]
    assert [s.pk for s in queries.repeat_chain(again)] == [survey.pk, again.pk]
