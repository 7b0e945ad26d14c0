"""Category classifier figures: accuracy on held-out reports, latency, training time, memory.

    .venv/bin/python bench/routing.py [--rows 100000] [--latency-texts 2000]

1. Trains on the seed corpus (safeharbor/routing/data/seed/<code>.txt) exactly as
   `safeharbor train` fits its model, and scores top-1, top-3 and macro-F1 on
   bench/data/heldout/<code>.txt: reports written separately, in another voice, never
   used for training.
2. Latency: median and p99 of one `rank()` call per text (the work behind `classify`),
   over --latency-texts texts, pinned to one core with single-threaded BLAS. Training then
   uses every core of the machine (one binary problem per category per core), as the
   worker does.
3. Training time at --rows matters: the seed corpus replicated and perturbed (clauses
   shuffled and dropped, places, prefixes and filler changed) up to that size: one fit,
   and the whole job of `safeharbor train` (features once; model fit on 85 %, scored on
   15 %, refitted on all).
4. Peak memory of the process (resource.getrusage).
5. Duplicates: pair precision/recall of `safeharbor duplicates` (routing.duplicates.stream,
   with the seed-trained classifier as topic) on bench/data/duplicates_eval.jsonl (used
   while tuning the scoring) and on bench/data/duplicates_heldout.jsonl (written apart,
   never tuned on): every (report, earlier report) pair of one cluster is a duplicate.
6. Candidate search (routing.duplicates.candidates_for, the live platform's query) with
   --dup-matters matters (default 1,000,000, over a year, in one district) written with
   bulk_create into a SQLite file of its own: $SAFEHARBOR_HOME/routing-bench/ (default
   /tmp/shbench-routing/routing-bench/; kept and reused by later runs), then filed in the
   duplicate index (routing.duplicates.index_missing: what the event hook does for each
   new matter). Median and p95 of 200 searches. --dup-matters 0 skips it.
Targets: top-1 ≥ 90 %, top-3 ≥ 97 %, < 2 ms per text, < 60 s for 100,000 matters,
candidate search < 20 ms.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeharbor.routing import classifier  # noqa: E402

PLACES = ["团结路", "建设路", "新达街道", "三道坎街道", "永昌佳苑", "乌兰淖尔镇", "滨河小区", "工业园区",
          "人民路", "幸福里小区", "东风社区", "向阳街"]
PREFIXES = ["", "", "来电人反映：", "网格员巡查发现：", "市民来电称", "居民在公众号留言：", "热线转办：",
            "群众反映，"]
SUFFIXES = ["", "", "，希望尽快处理", "。诉求：相关部门核实处理。", "，请领导重视", "，已经好几次了", "！！"]


def perturb(text: str, rng: random.Random) -> str:
    """A plausible variant: clauses shuffled or one dropped, a place swapped, prefix/suffix."""
    clauses = [c for c in re.split(r"[，。；！？,;!?]", text) if c]
    if len(clauses) > 2 and rng.random() < 0.5:
        clauses.pop(rng.randrange(len(clauses)))
    if len(clauses) > 1 and rng.random() < 0.3:
        rng.shuffle(clauses)
    body = "，".join(clauses)
    for place in PLACES:
        if place in body:
            body = body.replace(place, rng.choice(PLACES))
            break
    return rng.choice(PREFIXES) + body + rng.choice(SUFFIXES)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=Path, default=classifier.SEED_DIR)
    parser.add_argument("--heldout", type=Path, default=ROOT / "bench" / "data" / "heldout")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--latency-texts", type=int, default=2000)
    parser.add_argument("--dup-matters", type=int, default=1_000_000)
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []

    texts, labels = classifier.read_corpus(args.seed)
    held_texts, held_labels = classifier.read_corpus(args.heldout)
    seed_codes, held_codes = set(labels), set(held_labels)
    print(f"seed corpus: {len(texts)} texts, {len(seed_codes)} categories; "
          f"held-out: {len(held_texts)} texts, {len(held_codes)} categories")
    missing = sorted(held_codes - seed_codes)
    if missing:
        print(f"  held-out categories without seed texts (count as errors): {', '.join(missing)}")
    overlap = set(texts) & set(held_texts)
    if overlap:
        print(f"  WARNING: {len(overlap)} held-out texts also appear in the seed corpus")

    started = time.perf_counter()
    pipeline = classifier.fit(texts, labels)
    seed_seconds = time.perf_counter() - started
    scores = classifier.evaluate(pipeline, held_texts, held_labels)

    predictor = classifier.ModelPredictor(pipeline)
    pool = held_texts + texts
    sample = [pool[i % len(pool)] for i in range(args.latency_texts)]
    if cores:  # latency on one core; training below uses all of them, as the worker does
        os.sched_setaffinity(0, {cores[0]})
    for text in sample[:50]:
        predictor.rank(text)  # warm-up (jieba dictionary, caches)
    timings = []
    for text in sample:
        t0 = time.perf_counter()
        predictor.rank(text)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    if cores:
        os.sched_setaffinity(0, set(cores))

    rng = random.Random(0)
    big_texts, big_labels = list(texts), list(labels)
    while len(big_texts) < args.rows:
        i = rng.randrange(len(texts))
        big_texts.append(perturb(texts[i], rng))
        big_labels.append(labels[i])
    started = time.perf_counter()
    classifier.fit(big_texts, big_labels)
    big_seconds = time.perf_counter() - started
    started = time.perf_counter()
    classifier.train_and_score(big_texts, big_labels)
    job_seconds = time.perf_counter() - started

    def pct(value):
        return "-" if value is None else f"{value * 100:.1f} %"

    rows = [
        ("held-out top-1", pct(scores["top1"]), "≥ 90 %"),
        ("held-out top-3", pct(scores["top3"]), "≥ 97 %"),
        ("held-out macro-F1", pct(scores["macro_f1"]), ""),
        ("latency per text, median", f"{statistics.median(timings):.2f} ms", "< 2 ms"),
        ("latency per text, p99", f"{timings[int(len(timings) * 0.99) - 1]:.2f} ms", ""),
        (f"training, seed corpus ({len(texts)} texts)", f"{seed_seconds:.1f} s", ""),
        (f"training, {len(big_texts):,} matters, one fit ({max(len(cores), 1)} cores)", f"{big_seconds:.1f} s", "< 60 s"),
        ("  whole job (85 % fit, score, refit on all)", f"{job_seconds:.1f} s", ""),
        ("peak memory (RSS)", f"{peak_mb():.0f} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'figure':<{width}}  {'value':>10}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10}  {target}")
    weakest = sorted(((c, v) for c, v in scores["per_category"].items() if v["support"]),
                     key=lambda item: item[1]["recall"])[:5]
    print("\nweakest held-out recall: " + ", ".join(f"{c} {pct(v['recall'])}" for c, v in weakest))
    for pair in scores["confusions"][:5]:
        print(f"confused: {pair['true']} → {pair['predicted']} ×{pair['count']}")
    print("\nper category (held-out): precision / recall")
    for code, v in sorted(scores["per_category"].items()):
        if v["support"]:
            print(f"  {code:<24} {pct(v['precision']):>8} {pct(v['recall']):>8}")

    _django()
    from safeharbor.routing import duplicates

    topic = duplicates.topic_function(predictor)
    print()
    for name in ("duplicates_eval.jsonl", "duplicates_heldout.jsonl"):
        p, r, n_pairs, n = duplicate_scores(ROOT / "bench" / "data" / name, topic)
        print(f"duplicates {name:<26} precision {pct(p):>8}  recall {pct(r):>8}  "
              f"({n} reports, {n_pairs} true pairs)")
    if args.dup_matters:
        candidate_latency(args.dup_matters, texts, predictor)


def _django() -> None:
    home = Path(os.environ.get("SAFEHARBOR_HOME") or "/tmp/shbench-routing") / "routing-bench"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["SAFEHARBOR_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeharbor.settings"
    import django

    django.setup()


def duplicate_scores(path: Path, topic):
    """Pair precision and recall of the duplicates stream on a labelled file."""
    import json

    from safeharbor.routing import duplicates

    lines = path.read_text(encoding="utf-8").splitlines()
    cluster = {}
    for line in lines:
        if line.strip():
            row = json.loads(line)
            cluster[row["id"]] = row["cluster"]
    truth, found, seen = set(), set(), []
    for result in duplicates.stream(lines, topic=topic):
        rid = result["id"]
        truth |= {(rid, e) for e in seen if cluster[e] == cluster[rid]}
        found |= {(rid, e) for e in result["duplicate_of"]}
        seen.append(rid)
    hits = len(truth & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall, len(truth), len(cluster)


def _build_matters(count: int, texts: list[str]) -> None:
    """`count` matters over the year before 2026-03-01 in a district of 4 sub-districts ×
    6 communities × 4 grids, 80 % with coordinates, written with bulk_create."""
    import warnings
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction

    from safeharbor.core.models import Area
    from safeharbor.matters.models import Matter

    warnings.filterwarnings("ignore", module="treebeard")
    warnings.filterwarnings("ignore", message="Using Area.add_")
    rng = random.Random(1)
    district = Area.add_root(code="bench", name="基准区", level=Area.Level.DISTRICT)
    grids = []
    for s_i in range(4):
        sub = district.add_child(code=f"bench.s{s_i}", name=f"街道{s_i}", level=Area.Level.SUBDISTRICT)
        for c_i in range(6):
            com = sub.add_child(code=f"bench.s{s_i}.c{c_i}", name=f"社区{s_i}-{c_i}", level=Area.Level.COMMUNITY)
            for g_i in range(4):
                grid = com.add_child(code=f"bench.s{s_i}.c{c_i}.g{g_i}", name=f"网格{s_i}-{c_i}-{g_i}",
                                     level=Area.Level.GRID)
                grids.append((grid, 39.40 + 0.05 * s_i + 0.008 * c_i + 0.002 * g_i, 106.60 + 0.01 * c_i))
    end = datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    seconds = 365 * 86400
    started = time.perf_counter()
    batch = []
    for i in range(count):
        grid, lat, lon = rng.choice(grids)
        at = end - timedelta(seconds=seconds * (count - i) / count)
        has_point = rng.random() < 0.8
        batch.append(Matter(
            tracking_code=f"B{i:09d}", description=perturb(rng.choice(texts), rng), area=grid, area_path=grid.path,
            address=f"{rng.choice(PLACES)}{rng.randint(1, 40)}号", lat=lat + rng.uniform(0, 0.002) if has_point else None,
            lon=lon + rng.uniform(0, 0.003) if has_point else None, status=rng.choice(["closed"] * 8 + ["received"] * 2),
            created_at=at, updated_at=at,
        ))
        if len(batch) == 20_000:
            with transaction.atomic():
                Matter.objects.bulk_create(batch)
            batch = []
            print(f"  {i + 1:,} matters ({time.perf_counter() - started:.0f} s)", end="\r", flush=True)
    if batch:
        Matter.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {count:,} matters written in {time.perf_counter() - started:.0f} s" + " " * 20)


def _index(predictor) -> None:
    """File the bulk-created matters in the duplicate index, as the routing event hook
    files each new matter on arrival (bulk_create sends no events)."""
    from django.db import connection

    from safeharbor.matters.models import Matter
    from safeharbor.routing import duplicates

    missing = Matter.objects.filter(routing_fingerprint__isnull=True).only(
        "pk", "title", "description", "address", "lat", "lon", "created_at", "area_id").order_by("pk")
    total = missing.count()
    if not total:
        return
    print(f"candidate search: filing {total:,} matters in the duplicate index …", flush=True)
    started = time.perf_counter()
    done = last = 0
    while chunk := list(missing.filter(pk__gt=last)[:20_000]):
        last = chunk[-1].pk
        done += duplicates.index_missing(chunk, predictor)
        print(f"  {done:,} filed ({time.perf_counter() - started:.0f} s)", end="\r", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {done:,} matters filed in {time.perf_counter() - started:.0f} s" + " " * 20)


def candidate_latency(count: int, texts: list[str], predictor) -> None:
    from django.core.management import call_command
    from django.db import connection

    from safeharbor.core.models import User
    from safeharbor.matters.models import Matter
    from safeharbor.routing import queries

    call_command("migrate", interactive=False, verbosity=0)
    existing = Matter.objects.filter(tracking_code__startswith="B").count()
    if existing != count:
        print(f"candidate search: building {count:,} matters in {connection.settings_dict['NAME']} …", flush=True)
        Matter.objects.all().delete()
        from safeharbor.core.models import Area

        Area.objects.filter(code__startswith="bench").delete()
        _build_matters(count, texts)
    _index(predictor)
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_user(
        "bench-admin", role=User.Role.ADMIN)
    queries._cache.update(predictor=predictor, version=1, checked_at=time.monotonic() + 10**6)  # the seed model
    from safeharbor.routing import duplicates

    rng = random.Random(2)
    last = Matter.objects.order_by("-pk").values_list("pk", flat=True).first()
    sample = list(Matter.objects.filter(pk__in=[rng.randint(last // 2, last) for _ in range(200)]))
    for matter in sample[:10]:
        duplicates.candidates_for(matter, user=admin)  # warm-up
    timings, cpu, found = [], [], 0
    for matter in sample:
        t0, c0 = time.perf_counter(), time.process_time()
        found += len(duplicates.candidates_for(matter, user=admin))
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    timings.sort()
    print(f"candidate search, {count:,} matters: median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms (target < 20 ms); "
          f"CPU time median {statistics.median(cpu):.1f} ms; {found / len(sample):.1f} candidates per search; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
