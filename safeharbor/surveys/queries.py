"""Reads of the surveys app: lists, the questionnaire as respondents see it, and the
analysis (results, cross-tabs, trends, free-text themes, the ranking of complaints).

Every figure shown to staff goes through `suppress`: a group of fewer than the
questionnaire's minimum (default 5) people is never shown, and free-text answers come
in a fresh random order each time, so their order says nothing about who wrote them.
"""

import random
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeharbor.core import access
from safeharbor.surveys import segment
from safeharbor.surveys.models import AnswerValue, Invitation, Question, Response, Survey, TextTerm, Version

K = Question.Kind
_shuffle = random.SystemRandom().shuffle


def survey_list(user):
    """The user's questionnaires with their response counts (a counting subquery per
    questionnaire on the responses' version index, not a join of every response)."""
    counts = (Response.objects.filter(version__survey=OuterRef("pk")).order_by().values("version__survey")
              .annotate(n=Count("*")).values("n"))
    return (access.visible_surveys(user).select_related("owner_unit", "area")
            .annotate(response_count=Coalesce(Subquery(counts), 0)))


def ordered_questions(version: Version) -> list[Question]:
    return list(version.questions.select_related("section").order_by("section__position", "position", "pk"))


def sections_with_questions(version: Version) -> list[tuple]:
    questions = ordered_questions(version)
    for number, question in enumerate(questions, start=1):
        question.number = number
    return [(s, [q for q in questions if q.section_id == s.pk]) for s in version.sections.all()]


def response_count(survey: Survey) -> int:
    return Response.objects.filter(version__survey=survey).count()


def invitation_counts(survey: Survey) -> dict:
    rows = Invitation.objects.filter(batch__survey=survey).aggregate(total=Count("pk"), used=Count("pk", filter=Q(used=True)))
    return {"total": rows["total"] or 0, "used": rows["used"] or 0}


def availability(survey: Survey, now=None) -> str:
    """'open', 'draft', 'not_yet', 'ended' or 'closed' for the public page."""
    now = now or timezone.now()
    if survey.status == Survey.Status.DRAFT:
        return "draft"
    if survey.status == Survey.Status.CLOSED:
        return "closed"
    if survey.opens_at and now < survey.opens_at:
        return "not_yet"
    if survey.closes_at and now >= survey.closes_at:
        return "ended"
    return "open"


# --- answers as labels ------------------------------------------------------------------------


@dataclass
class Wave:
    """A set of responses compared with others: one version, or a whole repeat survey."""

    label: str
    counts: "Tallies"


def _labelled(question: Question, value):
    """An answer stored as option numbers, turned into labels (so versions compare)."""
    def option(n):
        return question.options[n - 1] if 0 < n <= len(question.options) else None

    if question.kind == K.SINGLE:
        return option(value)
    if question.kind == K.MULTIPLE:
        return [o for o in (option(n) for n in value) if o]
    if question.kind == K.MATRIX:
        result = {}
        for row, col in value.items():
            index = int(row)
            if 0 < index <= len(question.rows) and option(col):
                result[question.rows[index - 1]] = option(col)
        return result
    return value


def _version_questions(versions) -> dict[int, dict[str, Question]]:
    by_version: dict[int, dict[str, Question]] = {v.pk: {} for v in versions}
    for q in Question.objects.filter(version__in=versions):
        by_version[q.version_id][q.key] = q
    return by_version


def answer_rows(survey: Survey, version_number: int | None = None) -> list[dict]:
    versions = list(survey.versions.all())
    if version_number:
        versions = [v for v in versions if v.number == version_number]
    questions = _version_questions(versions)
    rows = []
    for version_id, answers in Response.objects.filter(version__in=versions).values_list("version_id", "answers"):
        qs = questions[version_id]
        rows.append({key: _labelled(qs[key], value) for key, value in answers.items() if key in qs})
    return rows


def display_questions(survey: Survey, version_number: int | None = None) -> list[Question]:
    """One question per key, as it reads in the newest version that has it; options of older
    versions that no longer exist are appended, so their answers still show."""
    versions = list(survey.versions.order_by("-number"))
    if version_number:
        versions = [v for v in versions if v.number == version_number]
    shown: dict[str, Question] = {}
    order: list[str] = []
    for version in versions:
        for q in ordered_questions(version):
            if q.key not in shown:
                shown[q.key] = q
                order.append(q.key)
            else:
                newest = shown[q.key]
                if newest.kind == q.kind:
                    newest.options = newest.options + [o for o in q.options if o not in newest.options]
                    newest.rows = newest.rows + [r for r in q.rows if r not in newest.rows]
    current = [q.key for q in ordered_questions(survey.current_version())] if not version_number else []
    keys = [k for k in current if k in shown] + [k for k in order if k not in current]
    return [shown[k] for k in keys]


# --- counting in the database ---------------------------------------------------------------------
# Results are counted from AnswerValue rows with GROUP BY queries (a handful of queries
# whatever the number of responses: bench/surveys.py), then labelled per version in Python,
# so that versions whose options differ still compare by label.


@dataclass
class Tally:
    """What one question's answers add up to: the respondents who answered it (n), the hits
    per label (options; rating points), and for a matrix the hits per row and column."""

    n: int = 0
    counts: Counter = field(default_factory=Counter)
    rows: dict = field(default_factory=dict)  # matrix row label → Counter of column labels
    row_n: Counter = field(default_factory=Counter)  # matrix row label → respondents


@dataclass
class Tallies:
    versions: list
    n: int  # responses
    by_key: dict

    def get(self, key: str) -> Tally:
        return self.by_key.get(key) or Tally()


def _versions(survey: Survey, version_number: int | None = None) -> list[Version]:
    versions = list(survey.versions.all())
    return [v for v in versions if v.number == version_number] if version_number else versions


def _option(question: Question, number):
    return question.options[number - 1] if number and 0 < number <= len(question.options) else None


def _label(question: Question, value):
    return value if question.kind == K.RATING else _option(question, value)


def tally(versions: list[Version]) -> Tallies:
    """Every question's counts over the responses to these versions, by question key: one
    GROUP BY over the answer rows (see actions.answer_values for the row that counts n)."""
    questions = _version_questions(versions)
    by_key: dict[str, Tally] = {}
    counted = (AnswerValue.objects.filter(version__in=versions).order_by()
               .values("version_id", "key", "row", "value").annotate(hits=Count("*")))
    for row in counted:
        question = questions[row["version_id"]].get(row["key"])
        if question is None:
            continue
        result = by_key.setdefault(question.key, Tally())
        if row["value"] is None:
            result.n += row["hits"]  # multiple choice, matrix, text: the "answered" row
            continue
        label = _label(question, row["value"])
        if question.kind in (K.SINGLE, K.RATING):
            result.n += row["hits"]
        if label is None:
            continue
        if question.kind == K.MATRIX:
            if not 0 < row["row"] <= len(question.rows):
                continue
            line = question.rows[row["row"] - 1]
            result.rows.setdefault(line, Counter())[label] += row["hits"]
            result.row_n[line] += row["hits"]
        else:
            result.counts[label] += row["hits"]
    return Tallies(versions, Response.objects.filter(version__in=versions).count(), by_key)


def _texts(versions: list[Version], key: str, limit: int | None = None) -> list[str]:
    """The free-text answers to question `key` (only the texts: nothing else of the
    response); with a limit, that many drawn at random by the database."""
    text_versions = [v for v in versions if v.questions.filter(key=key, kind=K.TEXT).exists()]
    answers = Response.objects.filter(version__in=text_versions, answers__has_key=key)
    answers = answers.order_by("?")[:limit] if limit else answers.order_by()
    return [text for text in answers.values_list(KT(f"answers__{key}"), flat=True) if text]


# --- results -----------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _bars(counter: Counter, labels: list, n: int) -> list[dict]:
    return [{"label": str(label), "count": counter.get(label, 0), "pct": _pct(counter.get(label, 0), n)}
            for label in labels]


def _mean(counter: Counter, n: int) -> float | None:
    return round(sum(value * hits for value, hits in counter.items()) / n, 2) if n else None


def question_result(question: Question, counted: Tally, minimum: int, versions: list[Version],
                    texts_limit: int | None = None) -> dict:
    n = counted.n
    result = {"question": question, "n": n, "suppressed": n < minimum, "bars": [], "mean": None, "matrix": [],
              "texts": []}
    if result["suppressed"]:
        return result
    if question.kind in (K.SINGLE, K.MULTIPLE):
        result["bars"] = _bars(counted.counts, question.options, n)
    elif question.kind == K.RATING:
        result["bars"] = _bars(counted.counts, question.scale(), n)
        result["mean"] = _mean(counted.counts, n)
    elif question.kind == K.MATRIX:
        for row in question.rows:
            cells = counted.row_n.get(row, 0)
            result["matrix"].append({"row": row, "n": cells, "suppressed": cells < minimum,
                                     "bars": _bars(counted.rows.get(row, Counter()), question.options, cells)})
    else:
        texts = _texts(versions, question.key, texts_limit)
        _shuffle(texts)  # a fresh random order: the order never follows arrival
        result["texts"] = texts
    return result


def survey_results(survey: Survey, version_number: int | None = None, *, texts_limit: int | None = None) -> dict:
    """Every question's result; "rows" carries the counts (Tallies) on to ranking and crosstab.
    Free-text answers: all of them, or `texts_limit` of them drawn at random (the page)."""
    counted = tally(_versions(survey, version_number))
    minimum = survey.min_group_size
    questions = display_questions(survey, version_number)
    suppressed = counted.n < minimum
    return {
        "n": counted.n, "minimum": minimum, "suppressed": suppressed, "versions": counted.versions,
        "questions": [] if suppressed else [question_result(q, counted.get(q.key), minimum, counted.versions,
                                                            texts_limit) for q in questions],
        "rows": counted,
    }


# --- cross-tabulation -----------------------------------------------------------------------------


def crosstab_questions(survey: Survey) -> list[Question]:
    return [q for q in display_questions(survey) if q.kind in (K.SINGLE, K.MULTIPLE, K.RATING)]


def _categories(question: Question, answer) -> list:
    if answer in (None, "", []):
        return []
    return answer if question.kind == K.MULTIPLE else [answer]


def crosstab(survey: Survey, row_q: Question, col_q: Question, rows: Tallies | None = None) -> dict:
    """Counts of col_q's answers within each group of row_q's answers, counted in the database
    (the answer rows of each response joined with themselves). A group (row) of fewer than the
    minimum is suppressed entirely."""
    versions = rows.versions if isinstance(rows, Tallies) else _versions(survey)
    questions = _version_questions(versions)
    minimum = survey.min_group_size
    # Each answer row of col_q beside each answer of row_q in the same response. The group's
    # n counts col_q's "answered" row: the value for a single choice or rating, the row
    # without a value for a multiple choice.
    pairs = AnswerValue.objects.filter(version__in=versions, key=col_q.key, response__values__key=row_q.key,
                                       response__values__value__isnull=False).order_by()
    group_n, cells = Counter(), {}

    def row_label(version_id, value):
        question = questions[version_id].get(row_q.key)
        return _label(question, value) if question else None

    for item in pairs.values("version_id", "value", group=F("response__values__value")).annotate(hits=Count("*")):
        label = row_label(item["version_id"], item["group"])
        if label is None:
            continue
        question = questions[item["version_id"]].get(col_q.key)
        if item["value"] is None or (question and question.kind in (K.SINGLE, K.RATING)):
            group_n[label] += item["hits"]
        column = _label(question, item["value"]) if question and item["value"] is not None else None
        if column is not None:
            cells.setdefault(label, Counter())[column] += item["hits"]
    row_labels = row_q.scale() if row_q.kind == K.RATING else row_q.options
    col_labels = col_q.scale() if col_q.kind == K.RATING else col_q.options
    table = []
    for label in row_labels:
        n = group_n.get(label, 0)
        if n < minimum:
            table.append({"label": str(label), "n": n, "suppressed": True, "cells": []})
            continue
        table.append({"label": str(label), "n": n, "suppressed": False,
                      "cells": _bars(cells.get(label, Counter()), col_labels, n)})
    return {"row_question": row_q, "col_question": col_q, "columns": [str(c) for c in col_labels], "rows": table,
            "minimum": minimum}


# --- the ranking of complaints --------------------------------------------------------------------


def _complaint_columns(question: Question) -> list[str]:
    numbers = [int(n) for n in question.complaint_options.split(",") if n]
    if question.kind == K.MATRIX and not numbers:
        numbers = [len(question.options)]
    return [question.options[n - 1] for n in numbers if 0 < n <= len(question.options)]


def ranking(survey: Survey, rows: Tallies | None = None, questions: list[Question] | None = None) -> list[dict]:
    """"The problems most complained about": each item with the share of respondents who
    complained. Choice questions: each option picked (or the listed complaint options);
    ratings: the two lowest points; matrix: each row answered with a complaint column."""
    counted = rows if isinstance(rows, Tallies) else tally(_versions(survey))
    questions = display_questions(survey) if questions is None else questions
    minimum = survey.min_group_size
    items = []

    def add(label, question, hits, n):
        if n >= minimum:
            items.append({"label": label, "question": question, "count": hits, "n": n, "pct": _pct(hits, n)})

    for q in questions:
        if not q.ranks_problems:
            continue
        result = counted.get(q.key)
        if q.kind in (K.SINGLE, K.MULTIPLE):
            for option in (_complaint_columns(q) or q.options):
                add(option, q, result.counts.get(option, 0), result.n)
        elif q.kind == K.RATING:
            add(q.text, q, sum(hits for value, hits in result.counts.items() if value <= q.scale_min + 1), result.n)
        elif q.kind == K.MATRIX:
            bad = set(_complaint_columns(q))
            for row in q.rows:
                line = result.rows.get(row, Counter())
                add(row, q, sum(hits for column, hits in line.items() if column in bad), result.row_n.get(row, 0))
    items.sort(key=lambda item: (-item["pct"], -item["count"], item["label"]))
    return items


# --- trends across versions and repeat surveys ----------------------------------------------------


def repeat_chain(survey: Survey) -> list[Survey]:
    """The survey with the ones it repeats and the repeats of it, oldest first."""
    root = survey
    seen = {root.pk}
    while root.repeat_of_id and root.repeat_of_id not in seen:
        root = root.repeat_of
        seen.add(root.pk)
    chain, todo = [], [root]
    while todo:
        current = todo.pop(0)
        chain.append(current)
        todo.extend(s for s in current.repeats.order_by("created_at") if s.pk not in {c.pk for c in chain})
    return sorted(chain, key=lambda s: s.created_at)


def waves(survey: Survey) -> list[Wave]:
    chain = repeat_chain(survey)
    result = []
    if len(chain) > 1:
        for s in chain:
            result.append(Wave(f"{s.title} ({timezone.localtime(s.created_at):%Y-%m})", tally(_versions(s))))
    else:
        answered = list(survey.versions.annotate(n=Count("responses")).filter(n__gt=0).order_by("number"))
        for v in answered:  # one version alone has no trend: not counted
            result.append(Wave(f"v{v.number}", tally([v]) if len(answered) > 1 else Tallies([v], v.n, {})))
    return result


def trend(survey: Survey) -> dict:
    """For each comparable question: per wave the mean (ratings) or the share of each
    option/complaint, each cell suppressed below the minimum."""
    wave_list = waves(survey)
    minimum = survey.min_group_size
    tables = []
    if len(wave_list) < 2:
        return {"waves": wave_list, "tables": []}
    for q in display_questions(survey):
        if q.kind == K.TEXT:
            continue
        counted = [wave.counts.get(q.key) for wave in wave_list]
        lines = []
        if q.kind == K.RATING:
            lines.append({"label": "mean", "cells": [None if c.n < minimum else _mean(c.counts, c.n) for c in counted]})
        elif q.kind in (K.SINGLE, K.MULTIPLE):
            for option in q.options:
                lines.append({"label": option, "cells": [None if c.n < minimum else _pct(c.counts.get(option, 0), c.n)
                                                         for c in counted]})
        else:
            bad = set(_complaint_columns(q))
            for row in q.rows:
                cells = []
                for c in counted:
                    n = c.row_n.get(row, 0)
                    hits = sum(h for column, h in c.rows.get(row, Counter()).items() if column in bad)
                    cells.append(None if n < minimum else _pct(hits, n))
                lines.append({"label": row, "cells": cells})
        if any(c is not None for line in lines for c in line["cells"]):
            tables.append({"question": q, "lines": lines})
    return {"waves": wave_list, "tables": tables}


# --- free-text themes ----------------------------------------------------------------------------
# Words are cut (jieba) once, when a response arrives (actions.text_terms); here they are
# only counted, in the database.

STOPWORDS = segment.STOPWORDS


def themes(texts: list[str], minimum: int, limit: int = 15) -> dict:
    """Frequent words and two-word phrases of a list of texts (Chinese segmented with jieba),
    counted once per answer; shown only when at least `minimum` answers exist and a term is
    in 2+ answers. (The results page counts stored terms instead: text_themes.)"""
    if len(texts) < minimum:
        return {"suppressed": True, "words": [], "phrases": []}
    words, phrases = Counter(), Counter()
    for text in texts:
        found, pairs = segment.terms(text)
        words.update(found)
        phrases.update(pairs)
    return {
        "suppressed": False,
        "words": [(w, c) for w, c in words.most_common(limit) if c >= 2],
        "phrases": [(p, c) for p, c in phrases.most_common(limit) if c >= 2],
    }


def _frequent_terms(versions, key: str, phrase: bool, limit: int) -> list[tuple[str, int]]:
    counted = (TextTerm.objects.filter(version__in=versions, key=key, phrase=phrase).order_by()
               .values("term").annotate(n=Count("*")).filter(n__gte=2).order_by("-n", "term")[:limit])
    return [(row["term"], row["n"]) for row in counted]


def text_themes(survey: Survey, results: dict, limit: int = 15) -> list[dict]:
    """Frequent words and phrases of each free-text question (each counted once per answer,
    in 2+ answers), for the versions `results` covers; none below the minimum group."""
    versions = results.get("versions") or _versions(survey)
    out = []
    for item in results["questions"]:
        question = item["question"]
        if question.kind != K.TEXT or item["suppressed"]:
            continue
        if item["n"] < survey.min_group_size:
            out.append({"question": question, "suppressed": True, "words": [], "phrases": []})
            continue
        out.append({"question": question, "suppressed": False,
                    "words": _frequent_terms(versions, question.key, False, limit),
                    "phrases": _frequent_terms(versions, question.key, True, limit)})
    return out
