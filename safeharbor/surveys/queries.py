"""Reads of the surveys app: lists, the questionnaire as respondents see it, and the
analysis (results, cross-tabs, trends, free-text themes, the ranking of complaints).

Every figure shown to staff goes through `suppress`: a group of fewer than the
questionnaire's minimum (default 5) people is never shown, and free-text answers come
in a fresh random order each time, so their order says nothing about who wrote them.
"""

import random
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from safeharbor.core import access
from safeharbor.surveys.models import Invitation, Question, Response, Survey, Version

K = Question.Kind
_shuffle = random.SystemRandom().shuffle


def survey_list(user):
    return (access.visible_surveys(user).select_related("owner_unit", "area")
            .annotate(response_count=Count("versions__responses", distinct=True)))


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
    rows: list = field(default_factory=list)  # one dict per response: key → answer in labels


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


# --- results -----------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _bars(counter: Counter, labels: list, n: int) -> list[dict]:
    return [{"label": str(label), "count": counter.get(label, 0), "pct": _pct(counter.get(label, 0), n)}
            for label in labels]


def question_result(question: Question, rows: list[dict], minimum: int) -> dict:
    answers = [r[question.key] for r in rows if r.get(question.key) not in (None, "", [], {})]
    n = len(answers)
    result = {"question": question, "n": n, "suppressed": n < minimum, "bars": [], "mean": None, "matrix": [],
              "texts": []}
    if result["suppressed"]:
        return result
    if question.kind == K.SINGLE:
        result["bars"] = _bars(Counter(answers), question.options, n)
    elif question.kind == K.MULTIPLE:
        result["bars"] = _bars(Counter(o for a in answers for o in a), question.options, n)
    elif question.kind == K.RATING:
        result["bars"] = _bars(Counter(answers), question.scale(), n)
        result["mean"] = round(sum(answers) / n, 2)
    elif question.kind == K.MATRIX:
        for row in question.rows:
            cells = [a[row] for a in answers if row in a]
            result["matrix"].append({"row": row, "n": len(cells), "suppressed": len(cells) < minimum,
                                     "bars": _bars(Counter(cells), question.options, len(cells))})
    else:
        texts = list(answers)
        _shuffle(texts)  # a fresh random order: the order never follows arrival
        result["texts"] = texts
    return result


def survey_results(survey: Survey, version_number: int | None = None) -> dict:
    rows = answer_rows(survey, version_number)
    minimum = survey.min_group_size
    n = len(rows)
    questions = display_questions(survey, version_number)
    return {
        "n": n, "minimum": minimum, "suppressed": n < minimum,
        "questions": [] if n < minimum else [question_result(q, rows, minimum) for q in questions],
        "rows": rows,
    }


# --- cross-tabulation -----------------------------------------------------------------------------


def crosstab_questions(survey: Survey) -> list[Question]:
    return [q for q in display_questions(survey) if q.kind in (K.SINGLE, K.MULTIPLE, K.RATING)]


def _categories(question: Question, answer) -> list:
    if answer in (None, "", []):
        return []
    return answer if question.kind == K.MULTIPLE else [answer]


def crosstab(survey: Survey, row_q: Question, col_q: Question, rows: list[dict] | None = None) -> dict:
    """Counts of col_q's answers within each group of row_q's answers. A group (row) of
    fewer than the minimum is suppressed entirely."""
    rows = answer_rows(survey) if rows is None else rows
    minimum = survey.min_group_size
    row_labels = row_q.scale() if row_q.kind == K.RATING else row_q.options
    col_labels = col_q.scale() if col_q.kind == K.RATING else col_q.options
    table = []
    for label in row_labels:
        group = [r for r in rows if label in _categories(row_q, r.get(row_q.key))]
        answered = [r for r in group if _categories(col_q, r.get(col_q.key))]
        n = len(answered)
        if n < minimum:
            table.append({"label": str(label), "n": n, "suppressed": True, "cells": []})
            continue
        counter = Counter(c for r in answered for c in _categories(col_q, r.get(col_q.key)))
        table.append({"label": str(label), "n": n, "suppressed": False, "cells": _bars(counter, col_labels, n)})
    return {"row_question": row_q, "col_question": col_q, "columns": [str(c) for c in col_labels], "rows": table,
            "minimum": minimum}


# --- the ranking of complaints --------------------------------------------------------------------


def _complaint_columns(question: Question) -> list[str]:
    numbers = [int(n) for n in question.complaint_options.split(",") if n]
    if question.kind == K.MATRIX and not numbers:
        numbers = [len(question.options)]
    return [question.options[n - 1] for n in numbers if 0 < n <= len(question.options)]


def ranking(survey: Survey, rows: list[dict] | None = None, questions: list[Question] | None = None) -> list[dict]:
    """"The problems most complained about": each item with the share of respondents who
    complained. Choice questions: each option picked (or the listed complaint options);
    ratings: the two lowest points; matrix: each row answered with a complaint column."""
    rows = answer_rows(survey) if rows is None else rows
    questions = display_questions(survey) if questions is None else questions
    minimum = survey.min_group_size
    items = []

    def add(label, question, hits, n):
        if n >= minimum:
            items.append({"label": label, "question": question, "count": hits, "n": n, "pct": _pct(hits, n)})

    for q in questions:
        if not q.ranks_problems:
            continue
        answers = [r[q.key] for r in rows if r.get(q.key) not in (None, "", [], {})]
        if q.kind in (K.SINGLE, K.MULTIPLE):
            chosen = Counter(o for a in answers for o in _categories(q, a))
            for option in (_complaint_columns(q) or q.options):
                add(option, q, chosen.get(option, 0), len(answers))
        elif q.kind == K.RATING:
            add(q.text, q, sum(1 for a in answers if a <= q.scale_min + 1), len(answers))
        elif q.kind == K.MATRIX:
            bad = set(_complaint_columns(q))
            for row in q.rows:
                cells = [a[row] for a in answers if row in a]
                add(row, q, sum(1 for c in cells if c in bad), len(cells))
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
            result.append(Wave(f"{s.title} ({timezone.localtime(s.created_at):%Y-%m})", answer_rows(s)))
    else:
        for v in survey.versions.annotate(n=Count("responses")).filter(n__gt=0).order_by("number"):
            result.append(Wave(f"v{v.number}", answer_rows(survey, v.number)))
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
        lines = []
        if q.kind == K.RATING:
            cells = []
            for wave in wave_list:
                values = [r[q.key] for r in wave.rows if isinstance(r.get(q.key), int)]
                cells.append(None if len(values) < minimum else round(sum(values) / len(values), 2))
            lines.append({"label": "mean", "cells": cells})
        elif q.kind in (K.SINGLE, K.MULTIPLE):
            for option in q.options:
                cells = []
                for wave in wave_list:
                    answers = [r[q.key] for r in wave.rows if r.get(q.key)]
                    hits = sum(1 for a in answers if option in _categories(q, a))
                    cells.append(None if len(answers) < minimum else _pct(hits, len(answers)))
                lines.append({"label": option, "cells": cells})
        else:
            bad = set(_complaint_columns(q))
            for row in q.rows:
                cells = []
                for wave in wave_list:
                    answers = [r[q.key][row] for r in wave.rows if isinstance(r.get(q.key), dict) and row in r[q.key]]
                    cells.append(None if len(answers) < minimum
                                 else _pct(sum(1 for a in answers if a in bad), len(answers)))
                lines.append({"label": row, "cells": cells})
        if any(c is not None for line in lines for c in line["cells"]):
            tables.append({"question": q, "lines": lines})
    return {"waves": wave_list, "tables": tables}


# --- free-text themes ----------------------------------------------------------------------------

STOPWORDS = set(
    "我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 什么 怎么 为什么 因为 所以 但是 而且 或者 如果 就是 还是 没有 "
    "一个 一些 一下 可以 希望 觉得 认为 现在 时候 已经 非常 比较 特别 有些 还有 然后 这样 那样 不是 是否 以及 进行 "
    "问题 情况 方面 工作 相关 其他 大家 有的 不能 不会 应该 需要".split()
)
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")


def themes(texts: list[str], minimum: int, limit: int = 15) -> dict:
    """Frequent words and two-word phrases (Chinese segmented with jieba), counted once per
    answer; shown only when at least `minimum` answers exist and a term is in 2+ answers."""
    if len(texts) < minimum:
        return {"suppressed": True, "words": [], "phrases": []}
    import jieba

    words, phrases = Counter(), Counter()
    for text in texts:
        tokens = [t for t in jieba.lcut(text) if _WORD.match(t) and t not in STOPWORDS]
        words.update(set(tokens))
        phrases.update({a + b for a, b in zip(tokens, tokens[1:], strict=False)})
    return {
        "suppressed": False,
        "words": [(w, c) for w, c in words.most_common(limit) if c >= 2],
        "phrases": [(p, c) for p, c in phrases.most_common(limit) if c >= 2],
    }


def text_themes(survey: Survey, results: dict) -> list[dict]:
    out = []
    for item in results["questions"]:
        if item["question"].kind == K.TEXT and not item["suppressed"]:
            out.append({"question": item["question"], **themes(item["texts"], survey.min_group_size)})
    return out
