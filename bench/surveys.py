"""Questionnaire analysis at scale: the results page with 10,000 and 100,000 responses.

    SAFEHARBOR_HOME=/tmp/shbench-surveys .venv/bin/python bench/surveys.py [--counts 10000,100000] [--runs 3]

Starts from a fresh SQLite database in SAFEHARBOR_HOME (the file there is deleted first),
migrates, loads the demo district and the demo questionnaire (the transport enforcement
brigade's survey: single choice, rating, matrix, multiple choice, free text, a skip), then
adds responses with bulk inserts up to each count (answers drawn like the demo's, checked by
actions.clean_answers, with their answer rows and the words of their free texts) and times, median of --runs after
a warm-up:

- the results of every question (queries.survey_results);
- the ranking of complaints, one cross-tabulation, the free-text themes, the trend;
- the whole results page as staff open it (GET /surveys/<pk>/results/?rows=q1&cols=q3);
- the Excel export of the results.
"""

import argparse
import functools
import os
import random
import statistics
import sys
import time
from pathlib import Path


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="10000,100000", help="comma-separated response counts")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def _setup() -> None:
    home = Path(os.environ.setdefault("SAFEHARBOR_HOME", "/tmp/shbench-surveys")).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    for name in ("safeharbor.sqlite3", "safeharbor.sqlite3-wal", "safeharbor.sqlite3-shm", "db.sqlite3"):
        (home / name).unlink(missing_ok=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeharbor.settings"
    # Plain static storage: the bench renders pages without `collectstatic`.
    os.environ["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(fn, runs: int) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _add_responses(survey, version, count: int, rng: random.Random) -> float:
    """Bulk-insert `count` responses (and their answer rows); returns the seconds it took."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from safeharbor.surveys import actions, segment
    from safeharbor.surveys.demo import _answers
    from safeharbor.surveys.models import AnswerValue, Response, TextTerm

    # The demo draws its free texts from a short list: cut each distinct text once (jieba's
    # cost at submit time is not what this bench measures).
    segment.terms = functools.lru_cache(maxsize=None)(segment.terms)
    pool = [actions.clean_answers(version, _answers(rng)) for _ in range(500)]
    questions = {q.key: q for q in version.questions.all()}
    today = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, count, 5000):
            responses = [Response(version=version, submitted_on=today - timedelta(days=rng.randint(0, 20)),
                                  answers=rng.choice(pool)) for _ in range(min(5000, count - start))]
            Response.objects.bulk_create(responses)
            AnswerValue.objects.bulk_create(
                [row for r in responses for row in actions.answer_values(r, questions)], batch_size=5000)
            TextTerm.objects.bulk_create(
                [row for r in responses for row in actions.text_terms(r, questions)], batch_size=5000)
    return time.perf_counter() - started


def main() -> None:
    args = _parse()
    _setup()
    from django.test import Client

    from safeharbor.core.demo import load_demo
    from safeharbor.core.models import User
    from safeharbor.surveys import exports, queries
    from safeharbor.surveys.demo import TITLE
    from safeharbor.surveys.demo import load_demo as load_survey
    from safeharbor.surveys.models import Response, Survey

    load_demo()
    load_survey()
    survey = Survey.objects.get(title=TITLE)
    version = survey.current_version()
    admin = User.objects.get(username="admin")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    rng = random.Random(2026)
    by_key = {q.key: q for q in queries.crosstab_questions(survey)}

    for target in [int(c) for c in args.counts.split(",")]:
        missing = target - Response.objects.filter(version__survey=survey).count()
        if missing > 0:
            seconds = _add_responses(survey, version, missing, rng)
            print(f"\n{missing} responses written in {seconds:.1f} s ({missing / seconds:.0f}/s)")
        total = Response.objects.filter(version__survey=survey).count()
        print(f"{total} responses:")

        def results():
            data = queries.survey_results(survey)
            return data

        print(f"  results of every question    : {_timed(results, args.runs):8.1f} ms")
        data = results()
        rows = data.pop("rows")
        print(f"  ranking of complaints        : {_timed(lambda r=rows: queries.ranking(survey, r), args.runs):8.1f} ms")
        print(f"  cross-tab q1 × q3            : "
              f"{_timed(lambda: queries.crosstab(survey, by_key['q1'], by_key['q3']), args.runs):8.1f} ms")
        print(f"  free-text themes (jieba)     : "
              f"{_timed(lambda d=data: queries.text_themes(survey, d), args.runs):8.1f} ms")
        print(f"  trend                        : {_timed(lambda: queries.trend(survey), args.runs):8.1f} ms")

        def page():
            response = client.get(f"/surveys/{survey.pk}/results/?rows=q1&cols=q3")
            assert response.status_code == 200, response.status_code

        print(f"  results page (GET, rendered) : {_timed(page, args.runs):8.1f} ms")
        ranking = queries.ranking(survey, rows)
        themes = queries.text_themes(survey, data)
        print(f"  Excel export                 : "
              f"{_timed(lambda d=data, r=ranking, t=themes: exports.results_xlsx(survey, d, r, t), args.runs):8.1f} ms")


if __name__ == "__main__":
    main()
