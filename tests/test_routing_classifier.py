"""The category classifier: training, corrections, fallbacks, the classify CLI."""

import io
import json
from pathlib import Path

import pytest

from safeharbor.__main__ import main
from safeharbor.matters.models import Matter
from safeharbor.routing import actions, classifier, queries
from safeharbor.routing.models import ClassifierModel
from tests import factories

CORPUS = {
    "security.theft": [
        "昨晚停在楼下的电动车被人偷了，锁都被剪断了",
        "家里进了小偷，抽屉里的现金和金项链都没了",
        "在菜市场买菜的时候手机被扒了",
        "车库里的自行车又丢了一辆，这个月第三次了",
        "有人撬了我家门锁，电脑被偷走",
        "来电人反映：其停放在小区内的电瓶车电瓶被盗。诉求：公安机关侦查。",
        "工地上的钢筋晚上总被人拉走",
        "店里收银台的钱被人趁乱拿走了",
        "快递柜里的包裹被人冒领偷走",
        "巡查发现：某小区多户车辆玻璃被砸，车内财物被盗。",
    ],
    "estate.sanitation": [
        "楼下垃圾桶满了好几天没人清运，臭得不行",
        "小区门口的垃圾堆成山，苍蝇乱飞",
        "垃圾站旁边的污水流得满地都是，味道很大",
        "物业不及时清理垃圾，夏天蚊虫特别多",
        "来电人反映：小区垃圾清运不及时，影响居民生活。诉求：及时清运。",
        "楼道里堆满了别人扔的垃圾袋，没人打扫",
        "绿化带里全是建筑垃圾，一直没人拉走",
        "公厕脏得没法进，好几天没人打扫卫生",
        "巡查发现：某小区垃圾分类桶破损，垃圾散落一地。",
        "后巷的垃圾桶天天溢出来，老鼠到处跑",
    ],
    "traffic.parking": [
        "小区门口天天有车乱停，把消防通道都堵死了",
        "人行道上停满了汽车，推婴儿车都过不去",
        "有辆白色轿车占道停车一个星期了，一直不挪",
        "学校门口接孩子的车乱停乱放，堵得水泄不通",
        "来电人反映：某路段车辆违停严重，造成交通拥堵。诉求：交警查处。",
        "我家车库门口总被别人的车堵住出不去",
        "大货车晚上停在马路边上，占了一条车道",
        "医院门口的车随便停，救护车都进不去",
        "巡查发现：某商场周边机动车占用非机动车道停放。",
        "盲道上停着好几辆车，盲人根本没法走",
    ],
}


@pytest.fixture
def corpus(db, tmp_path, settings):
    """A small seed corpus of three categories, the categories in the database, and a
    data directory of the test's own."""
    seed = tmp_path / "seed"
    seed.mkdir()
    for code, lines in CORPUS.items():
        (seed / f"{code}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings.ROUTING_SEED_DIR = seed
    settings.HOME = tmp_path / "home"
    for code, unit, name in [("security.theft", "police", "盗窃、财物被盗"),
                             ("estate.sanitation", "community_office", "垃圾清运、环境卫生"),
                             ("traffic.parking", "traffic_police", "乱停车、占道停车")]:
        factories.CategoryFactory(code=code, name_zh=name, default_unit=factories.UnitFactory(code=unit))
    queries.reset_cache()
    yield seed
    queries.reset_cache()


def test_clear_complaint_lands_in_its_category(corpus):
    actions.train_classifier()

    result = queries.classify("我的电动车昨天晚上在楼下被偷了")

    assert result["category"] == "security.theft"
    assert result["unit"] == "police"
    assert 0 < result["confidence"] <= 1
    assert [a["category"] for a in result["alternatives"]][0] == "security.theft"
    assert len(result["alternatives"]) == 3
    assert queries.classify("垃圾好几天没人清运，臭死了")["category"] == "estate.sanitation"


def test_model_row_records_metrics_and_is_the_only_active(corpus):
    first = actions.train_classifier()
    second = actions.train_classifier()

    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert second.version == first.version + 1
    assert second.file.exists() and second.path == f"models/classifier-{second.version}.joblib"
    assert second.n_samples == 30 and second.n_categories == 3
    heldout = second.metrics["heldout"]
    assert heldout["n"] == 6  # 15 % of 10, rounded, per category
    for key in ("top1", "top3", "macro_f1"):
        assert 0 <= heldout[key] <= 1
    assert set(heldout["per_category"]) >= set(CORPUS)
    assert set(heldout["per_category"]["security.theft"]) == {"precision", "recall", "support"}
    assert isinstance(heldout["confusions"], list)


def test_confirmed_corrections_change_the_prediction_after_retraining(corpus, org):
    text = "楼下垃圾桶边上的电动车被人偷了"
    actions.train_classifier()
    assert queries.classify(text)["category"] != "traffic.parking"

    category = factories.CategoryFactory(code="traffic.parking")
    for n in range(6):
        matter = factories.MatterFactory(description=f"{text}（第{n}次）", area=org.grid)
        Matter.objects.filter(pk=matter.pk).update(category=category, status=Matter.Status.DISPATCHED)
    # Not confirmed: still waiting for dispatch, rejected, or imported.
    for status, source in [("received", "web"), ("rejected", "web"), ("dispatched", "import")]:
        matter = factories.MatterFactory(description="无关的内容", area=org.grid, source=source)
        Matter.objects.filter(pk=matter.pk).update(category=category, status=status)

    assert len(list(queries.confirmed_training_rows())) == 6
    row = actions.train_classifier()

    assert row.metrics["n_matters"] == 6
    assert queries.classify(text)["category"] == "traffic.parking"


def test_missing_or_corrupt_model_falls_back_to_previous_then_keywords(corpus, caplog):
    older = actions.train_classifier()
    newer = actions.train_classifier()
    newer.file.write_bytes(b"not a model")
    queries.reset_cache()

    assert queries.load_active().version == older.version
    assert queries.classify("电动车被偷了")["category"] == "security.theft"

    older.file.unlink()
    queries.reset_cache()

    predictor = queries.load_active()
    assert predictor.kind == "keywords"
    result = queries.classify("小区垃圾没人清运")
    assert result["category"] == "estate.sanitation"
    assert result["confidence"] <= 0.5
    assert queries.classify("")["category"]  # nothing matches: still an answer


def test_no_model_at_all_answers_with_keyword_rules(corpus):
    assert not ClassifierModel.objects.exists()
    result = queries.classify("人行道上乱停车")
    assert result["category"] == "traffic.parking"
    assert result["unit"] == "traffic_police"


def test_fast_ranking_equals_the_sklearn_pipeline():
    texts = [t for lines in CORPUS.values() for t in lines]
    labels = [code for code, lines in CORPUS.items() for _ in lines]
    for chosen in (set(CORPUS), {"security.theft", "traffic.parking"}):  # multiclass and binary
        rows = [(t, y) for t, y in zip(texts, labels, strict=True) if y in chosen]
        predictor = classifier.ModelPredictor(classifier.fit([t for t, _ in rows], [y for _, y in rows]))
        for text in ["电动车被偷了", "垃圾没人清运，车也乱停", "", "完全无关的话"]:
            fast, slow = predictor.rank(text), predictor.rank_slow(text)
            assert [c for c, _ in fast] == [c for c, _ in slow]
            assert [p for _, p in fast] == pytest.approx([p for _, p in slow], abs=1e-5)


def test_keyword_rules_without_matches_answer_general_other():
    predictor = classifier.KeywordPredictor({"security.theft": ["被偷"]})
    assert predictor.rank("今天天气不错")[0] == ("general.other", 0.0)


def test_classify_cli_round_trip_on_json_lines_from_stdin(corpus, monkeypatch, capsys):
    actions.train_classifier()
    lines = [
        {"id": 1, "text": "电动车在楼下被偷了"},
        {"id": "b-2", "text": "车乱停把消防通道堵了"},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)))

    main(["classify"])

    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [1, "b-2"]
    assert [o["category"] for o in out] == ["security.theft", "traffic.parking"]
    assert out[0]["unit"] == "police"
    assert set(out[0]) == {"id", "category", "unit", "confidence", "alternatives"}
    assert set(out[0]["alternatives"][0]) == {"category", "confidence"}


def test_classify_cli_reads_a_file_and_reports_bad_lines(corpus, tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 7, "text": "垃圾没人清运"}\nnot json\n', encoding="utf-8")

    with pytest.raises(SystemExit) as exit_info:
        main(["classify", str(path)])

    captured = capsys.readouterr()
    assert exit_info.value.code == 1
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == [7]
    assert "line 2" in captured.err


def test_train_command_prints_metrics(corpus):
    from django.core.management import call_command

    stdout = io.StringIO()
    call_command("train", stdout=stdout)  # `safeharbor train` = migrate + this command
    out = stdout.getvalue()
    assert "Classifier v1 (active)" in out
    assert "top-1" in out and "macro-F1" in out


def test_training_needs_two_categories(corpus, settings, tmp_path):
    from safeharbor.core.errors import ActionError

    only = tmp_path / "one"
    only.mkdir()
    (only / "security.theft.txt").write_text("电动车被偷\n", encoding="utf-8")
    with pytest.raises(ActionError):
        actions.train_classifier(seed_dir=only)
    assert not ClassifierModel.objects.exists()


def test_training_task_trains_and_activates_a_model(corpus):
    from safeharbor.routing.tasks import train_classifier

    result = train_classifier.call()

    assert result["version"] == 1 and result["n_samples"] == 30
    assert ClassifierModel.objects.get(active=True).version == 1


def test_seed_corpus_shares_no_text_with_the_benchmark_heldout_set():
    """bench/routing.py scores on reports written apart from the seed corpus: a held-out
    report (or a near copy of one) in the seed corpus would make its figures meaningless."""
    heldout_dir = Path(__file__).resolve().parents[1] / "bench" / "data" / "heldout"
    held, _ = classifier.read_corpus(heldout_dir)
    seed, _ = classifier.read_corpus(classifier.SEED_DIR)
    assert held and seed

    def bigrams(text):
        text = classifier.normalize(text).replace(" ", "")
        return {text[i:i + 2] for i in range(len(text) - 1)}

    held_bigrams = [bigrams(t) for t in held]
    assert not {classifier.normalize(t) for t in seed} & {classifier.normalize(t) for t in held}
    for text in seed:
        own = bigrams(text)
        closest = max(len(own & other) / len(own | other) for other in held_bigrams if own | other)
        assert closest < 0.8, text
