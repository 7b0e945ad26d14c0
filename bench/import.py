"""Bulk import of historical matters at scale: how fast `safeharbor import-matters` is.

    SAFEHARBOR_HOME=/tmp/shimport .venv/bin/python bench/import.py [--rows 100000] [--keep-files]

Generates a realistic 12345 hotline export of N rows (default 100,000) as .xlsx and as
.csv (GBK, as older exports are) in /tmp, sets up a fresh SQLite database in its own
SAFEHARBOR_HOME (the file there is deleted first), migrates, loads the demo district
(safeharbor.core.demo.load_demo), then:

1. checks the .csv without importing (dry run): rows/s of reading + validation;
2. imports the .xlsx: rows/s of reading + validation, rows/s of the write, total seconds;

and prints the matters and events in the database afterwards. Target: 100,000 rows in
under a minute in total on 2 cores.
"""

import argparse
import csv
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

TARGET_SECONDS = 60
HEADER = ["工单编号", "来电时间", "诉求内容", "诉求类型", "所属街道", "所属社区", "地址", "来电人", "联系电话",
          "承办单位", "办结时间", "办理结果", "满意度", "状态"]
TEXTS = {
    "dispute.labor": "反映其在{place}务工，老板拖欠{n}个月工资共计{money}元，多次讨要未果，请求督促支付。",
    "dispute.neighbor": "反映{place}楼上住户卫生间漏水，自家天花板被泡，协商多次未果，请求调解。",
    "estate.facilities": "反映{place}路灯已损坏{n}天，晚上出行不便，请求尽快维修。",
    "estate.sanitation": "反映{place}垃圾堆放{n}天无人清运，气味难闻，请求处理。",
    "estate.property": "反映{place}物业收费不透明，电梯故障{n}次无人修理，请求协调。",
    "traffic.parking": "反映{place}门口车辆乱停乱放，堵塞消防通道，请求治理。",
    "market.street_vendor": "反映{place}路口流动摊贩占道经营，影响通行，请求处理。",
    "market.food_safety": "反映在{place}附近超市购买的食品已过期{n}天，请求查处。",
    "security.disorder": "反映{place}附近烧烤店深夜有人醉酒闹事，请求加强巡逻。",
    "industry.pollution": "反映{place}附近工厂夜间排放刺鼻废气，请求环保部门检查。",
    "service.employment": "咨询{place}就业困难人员认定的办理条件和所需材料。",
    "general.other": "反映{place}的其他问题：{n}号楼门禁损坏，请求协调解决。",
}
RESULTS = ["已联系来电人，问题已解决，来电人表示认可。", "经现场核实，已督促相关责任方整改完毕。",
           "已答复来电人相关政策及办理流程。", "已协调物业公司维修完毕。"]
STATUSES = [("已归档", 70), ("已办结", 12), ("办理中", 8), ("已派单", 5), ("待受理", 3), ("不予受理", 2)]
SATISFACTION = [("满意", 60), ("基本满意", 25), ("不满意", 5), ("", 10)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "建国秀英志强丽娟海燕文军桂兰玉梅永红春华德明淑珍"


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--out", default="/tmp", help="where the generated files go (default /tmp)")
    return parser.parse_args()


def _environment() -> Path:
    home = Path(os.environ.setdefault("SAFEHARBOR_HOME", "/tmp/shimport")).expanduser().resolve()
    repo_var = (Path(__file__).resolve().parent.parent / "var").resolve()
    if home == repo_var:
        sys.exit("bench/import.py deletes its database: give it its own SAFEHARBOR_HOME (e.g. /tmp/shimport).")
    home.mkdir(parents=True, exist_ok=True)
    os.environ.pop("DATABASE_URL", None)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{home}/safeharbor.sqlite3{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeharbor.settings")
    import django

    django.setup()
    return home


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def generate_rows(count: int, seed: int) -> list[list]:
    """Rows of a 12345 export in the demo district: real area, category and unit names."""
    from safeharbor.core.models import Area, Category

    rng = random.Random(seed)
    categories = {c.code: c for c in Category.objects.select_related("default_unit").filter(code__in=TEXTS)}
    communities = [(a, Area.objects.get(path=a.path[: -a.steplen])) for a in
                   Area.objects.filter(level__in=["community", "village"])]
    start = datetime(2024, 1, 1, 8, 0)
    span = (datetime(2026, 6, 30) - start).total_seconds()
    rows = []
    for i in range(count):
        code = rng.choice(list(TEXTS))
        category = categories[code]
        community, street = rng.choice(communities)
        place = f"{community.name}{rng.randint(1, 30)}号楼"
        at = start + timedelta(seconds=rng.uniform(0, span))
        status = _weighted(rng, STATUSES)
        done = status in ("已归档", "已办结", "不予受理")
        closed = at + timedelta(hours=rng.uniform(2, 240)) if done else None
        text = TEXTS[code].format(place=place, n=rng.randint(2, 9), money=rng.randint(3, 90) * 1000)
        rows.append([
            f"WD{at:%Y%m%d}{i:06d}", at.strftime("%Y-%m-%d %H:%M:%S"), text, category.name_zh, street.name,
            community.name, f"乌达区{place}{rng.randint(1, 6)}单元", rng.choice(SURNAMES) + rng.choice(GIVEN[::2]),
            f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            category.default_unit.name_zh if status != "待受理" else "",
            closed.strftime("%Y-%m-%d %H:%M:%S") if closed else "",
            rng.choice(RESULTS) if status in ("已归档", "已办结") else "",
            _weighted(rng, SATISFACTION) if status == "已归档" else "", status,
        ])
    return rows


def write_xlsx(path: Path, rows) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("工单")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)


def main() -> None:
    args = _parse()
    home = _environment()
    from django.core.management import call_command

    from safeharbor.core.demo import load_demo
    from safeharbor.core.models import User
    from safeharbor.intake.importer import import_file
    from safeharbor.matters.models import Matter, MatterEvent

    print(f"Data directory: {home} (fresh SQLite database)")
    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    started = time.perf_counter()
    rows = generate_rows(args.rows, args.seed)
    out = Path(args.out)
    xlsx, csv_path = out / f"import-{args.rows}.xlsx", out / f"import-{args.rows}.csv"
    write_xlsx(xlsx, rows)
    write_csv(csv_path, rows)
    print(f"Generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s: {xlsx} "
          f"({xlsx.stat().st_size / 1e6:.1f} MB), {csv_path} (GBK, {csv_path.stat().st_size / 1e6:.1f} MB)")
    admin = User.objects.get(username="admin")

    report = import_file(csv_path.read_bytes(), file_name=csv_path.name, actor=admin, dry_run=True)
    assert report.ok, [p.message for p in report.problems[:5]]
    print(f"CSV  check only : {report.rows:,} rows in {report.read_seconds:5.1f} s = "
          f"{report.rows / report.read_seconds:8,.0f} rows/s (read + validate, nothing written)")

    report = import_file(xlsx.read_bytes(), file_name=xlsx.name, actor=admin)
    assert report.ok, [p.message for p in report.problems[:5]]
    print(f"XLSX read+check : {report.rows:,} rows in {report.read_seconds:5.1f} s = "
          f"{report.rows / report.read_seconds:8,.0f} rows/s")
    print(f"XLSX write      : {report.imported:,} rows in {report.write_seconds:5.1f} s = "
          f"{report.imported / report.write_seconds:8,.0f} rows/s (matters + events, one transaction)")
    from safeharbor.core.crypto import blind_index, encrypt

    started = time.perf_counter()
    for row in rows:
        encrypt(row[8]), encrypt(row[7]), blind_index(row[8])
    crypto = time.perf_counter() - started
    print(f"  of which      : {crypto:5.1f} s encrypting phones and names + blind indexes "
          f"({100 * crypto / report.write_seconds:.0f} % of the write)")
    verdict = "OK" if report.seconds < TARGET_SECONDS else "TOO SLOW"
    print(f"XLSX total      : {report.seconds:5.1f} s = {report.imported / report.seconds:,.0f} rows/s "
          f"(target < {TARGET_SECONDS} s for 100,000: {verdict})")
    imported = Matter.objects.filter(source="import")
    print(f"In the database : {imported.count():,} imported matters, "
          f"{MatterEvent.objects.filter(matter__source='import').count():,} events; "
          f"{imported.filter(status='closed').count():,} closed")


if __name__ == "__main__":
    main()
