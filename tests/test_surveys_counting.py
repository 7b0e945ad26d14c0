"""The results counted in the database (answer rows, text terms) agree with a count made by
reading every response, across versions; the rows of responses given before the tables
existed are filled in by the migration."""

import importlib
import random
from collections import Counter

import pytest
from django.apps import apps
from django.test import Client

from safeharbor.surveys import actions, queries
from safeharbor.surveys.models import AnswerValue, TextTerm
from tests.factories_surveys import answer, make_survey

pytestmark = pytest.mark.django_db


def _random_answers(survey, rng, n):
    for _ in range(n):
        answer(survey, kind=str(rng.randint(1, 3)), inspected=str(rng.randint(1, 2)), rating=str(rng.randint(1, 5)),
               problems=rng.sample(["1", "2", "3"], rng.randint(1, 3)),
               text=rng.choice(["", "罚款不说明理由", "重复检查太多，希望信息共享", "执法人员态度很好"]))


def _python_counts(survey):
    """The reference: every response read and counted in Python."""
    rows = queries.answer_rows(survey)
    single = Counter(r["q1"] for r in rows if r.get("q1"))
    multiple = Counter(o for r in rows for o in r.get("q4") or [])
    ratings = [r["q3"] for r in rows if r.get("q3")]
    texts = sum(1 for r in rows if r.get("q5"))
    pairs = Counter((r["q1"], r["q3"]) for r in rows if r.get("q1") and r.get("q3"))
    return rows, single, multiple, ratings, texts, pairs


def test_database_counts_agree_with_reading_every_response(alice, org):
    rng = random.Random(7)
    survey = make_survey(alice, org)
    _random_answers(survey, rng, 25)
    # a second version with another option for q4: counts compare by label across versions
    actions.save_question(survey, actor=alice, section_position=1, key="q4", kind="multiple", text="遇到过哪些情况？",
                          options=["罚款不说明理由", "态度粗暴", "重复检查", "都没有"], ranks_problems=True)
    _random_answers(survey, rng, 20)
    rows, single, multiple, ratings, texts, pairs = _python_counts(survey)

    results = queries.survey_results(survey)
    by_key = {item["question"].key: item for item in results["questions"]}
    assert results["n"] == len(rows) == 45
    assert {b["label"]: b["count"] for b in by_key["q1"]["bars"]} == {o: single.get(o, 0) for o in
                                                                      ["货运公司", "出租公司", "驾校"]}
    assert by_key["q4"]["n"] == sum(1 for r in rows if r.get("q4"))
    assert {b["label"]: b["count"] for b in by_key["q4"]["bars"]} == {
        label: multiple.get(label, 0) for label in ["罚款不说明理由", "态度粗暴", "重复检查", "都没有"]}
    assert by_key["q3"]["n"] == len(ratings)
    assert by_key["q3"]["mean"] == round(sum(ratings) / len(ratings), 2)
    assert by_key["q5"]["n"] == texts == len(by_key["q5"]["texts"])

    q = {q.key: q for q in queries.crosstab_questions(survey)}
    table = queries.crosstab(survey, q["q1"], q["q3"])
    for line in table["rows"]:
        n = sum(count for (kind, _rating), count in pairs.items() if kind == line["label"])
        assert line["n"] == n
        if not line["suppressed"]:
            assert [c["count"] for c in line["cells"]] == [pairs.get((line["label"], v), 0) for v in range(1, 6)]
    # multiple choice as the column: n counts respondents, not options picked
    table = queries.crosstab(survey, q["q1"], q["q4"])
    for line in table["rows"]:
        assert line["n"] == sum(1 for r in rows if r.get("q1") == line["label"] and r.get("q4"))

    ranking = {r["label"]: r for r in queries.ranking(survey)}
    assert ranking["罚款不说明理由"]["count"] == multiple["罚款不说明理由"]
    assert ranking["总体评价"]["count"] == sum(1 for v in ratings if v <= 2)


def test_themes_are_counted_from_stored_terms(alice, org):
    survey = make_survey(alice, org)
    for i in range(6):
        answer(survey, text="罚款不说明理由，希望公开处罚标准" if i % 2 else "重复检查太多，罚款不说明理由")
    assert TextTerm.objects.filter(term="罚款").count() == 6
    results = queries.survey_results(survey)
    themes = queries.text_themes(survey, results)
    assert dict(themes[0]["words"])["罚款"] == 6
    assert dict(themes[0]["words"]) == dict(queries.themes(results["questions"][-1]["texts"], 5)["words"])


def test_migration_fills_in_rows_of_earlier_responses(alice, org):
    survey = make_survey(alice, org)
    _random_answers(survey, random.Random(3), 8)
    before = sorted(AnswerValue.objects.values_list("response_id", "key", "row", "value"), key=str)
    terms = sorted(TextTerm.objects.values_list("response_id", "key", "phrase", "term"))
    AnswerValue.objects.all().delete()
    TextTerm.objects.all().delete()
    importlib.import_module("safeharbor.surveys.migrations.0002_answer_values").index_existing_responses(apps, None)
    importlib.import_module("safeharbor.surveys.migrations.0003_text_terms").index_existing_texts(apps, None)
    assert sorted(AnswerValue.objects.values_list("response_id", "key", "row", "value"), key=str) == before
    assert sorted(TextTerm.objects.values_list("response_id", "key", "phrase", "term")) == terms


def test_results_page_shows_a_random_sample_of_many_texts(alice, org, monkeypatch):
    survey = make_survey(alice, org)
    for _ in range(6):
        answer(survey, text="希望公开处罚标准")
    monkeypatch.setattr("safeharbor.surveys.views.TEXTS_SHOWN", 4)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(alice)
    page = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert page.count("<li>希望公开处罚标准</li>") == 4 and "4 of 6 answers, drawn at random" in page
    assert len(queries.survey_results(survey)["questions"][-1]["texts"]) == 6  # the export has them all


def test_excel_export_has_every_text_and_the_pdf_a_sample(alice, org, monkeypatch):
    import io

    from openpyxl import load_workbook

    survey = make_survey(alice, org)
    for i in range(6):
        answer(survey, text=f"意见{i}")
    monkeypatch.setattr("safeharbor.surveys.views.TEXTS_SHOWN", 4)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(alice)
    response = client.get(f"/surveys/{survey.pk}/results.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert values[0] == survey.title and book.worksheets[0]["A1"].font.bold
    assert {f"意见{i}" for i in range(6)} <= set(values)
    assert [s.title for s in book.worksheets] == ["结果", "投诉排行", "主题"] or len(book.worksheets) == 3
    response = client.get(f"/surveys/{survey.pk}/results.pdf")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
