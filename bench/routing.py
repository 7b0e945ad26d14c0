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
Targets: top-1 ≥ 90 %, top-3 ≥ 97 %, < 2 ms per text, < 60 s for 100,000 matters.
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


if __name__ == "__main__":
    main()
