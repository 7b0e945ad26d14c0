"""Bulk import of historical matters from 12345 exports: every row is checked first, every
problem is reported in Chinese, then all rows are imported in one transaction or none."""

import csv
import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from safeharbor.__main__ import main as safeharbor_main
from safeharbor.core.crypto import blind_index
from safeharbor.core.models import AuditLog
from safeharbor.intake.importer import Mapping, import_file
from safeharbor.intake.models import ImportBatch
from safeharbor.matters.models import Matter, MatterEvent
from tests.factories import CategoryFactory, UnitFactory, make_area

HEADER = ["工单编号", "来电时间", "诉求内容", "诉求类型", "所属街道", "所属社区", "地址", "来电人", "联系电话", "承办单位",
          "办结时间", "办理结果", "满意度", "状态"]
GOOD = [
    ["WD2023050100001", "2023-05-01 08:30:00", "包工头拖欠工资三个月", "劳动争议、拖欠工资", "新达街道", "永昌佳苑社区",
     "永昌佳苑小区5号楼", "赵建军", "13947306618", "人力资源和社会保障局", "2023-05-06 16:00:00",
     "已督促支付全部工资", "满意", "已归档"],
    ["WD2023050200002", "2023/5/2 9:15", "小区门口路灯坏了一个星期", "estate.facilities", "新达街道", "", "永昌路",
     "", "", "公安分局", "", "", "", "办理中"],
    ["WD2023050300003", "2023年5月3日 14时05分", "楼上漏水", "邻里纠纷", "三道坎街道", "团结社区", "", "王桂兰",
     "0473-3128610", "司法局", "2023-05-04", "已调解", "基本满意", "已办结"],
]


@pytest.fixture(autouse=True)
def chinese():
    """The reports are read in Chinese (another test may have left English active)."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def taxonomy(org):
    hrss = UnitFactory(code="hrss", name_zh="人力资源和社会保障局")
    return {
        "labor": CategoryFactory(code="dispute.labor", name_zh="劳动争议、拖欠工资", domain=org.domain, default_unit=hrss),
        "lamp": CategoryFactory(code="estate.facilities", name_zh="小区设施损坏", domain=org.domain,
                                default_unit=org.police),
        "neighbor": CategoryFactory(code="dispute.neighbor", name_zh="邻里纠纷", domain=org.domain,
                                    default_unit=org.justice),
        "hrss": hrss,
    }


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_csv(rows, encoding="utf-8", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def messages(report) -> list[str]:
    return [p.message for p in report.problems]


# --- Good files ------------------------------------------------------------------------------------


def test_good_xlsx_imports_every_row_with_dates_and_states(org, taxonomy, admin_user):
    report = import_file(xlsx(GOOD), file_name="12345导出.xlsx", actor=admin_user)
    assert report.ok, messages(report)
    assert report.rows == report.imported == 3
    wages = Matter.objects.get(description="包工头拖欠工资三个月")
    assert wages.source == Matter.Source.IMPORT and wages.status == Matter.Status.CLOSED
    assert wages.category == taxonomy["labor"] and wages.domain == org.domain and wages.unit == taxonomy["hrss"]
    assert wages.area == org.yongchang and wages.area_path == org.yongchang.path
    assert timezone.localtime(wages.created_at).replace(tzinfo=None) == datetime(2023, 5, 1, 8, 30)
    assert timezone.localtime(wages.closed_at).replace(tzinfo=None) == datetime(2023, 5, 6, 16, 0)
    assert wages.resolved_at == wages.closed_at and wages.result == "已督促支付全部工资"
    assert wages.satisfaction == "satisfied" and wages.reporter_name == "赵建军"
    assert wages.reporter_phone == "13947306618" and wages.reporter_phone_index == blind_index("13947306618")
    assert wages.tracking_code.startswith("230501-") and wages.check_code_hash == "" and wages.due_at is None
    created, closed = wages.events.order_by("at")
    assert created.action == "created" and created.data["number"] == "WD2023050100001"
    assert "WD2023050100001" in created.note and created.actor == admin_user
    assert closed.action == "closed" and closed.at == wages.closed_at and closed.note == "已督促支付全部工资"
    lamp = Matter.objects.get(description="小区门口路灯坏了一个星期")
    assert lamp.status == "in_progress" and lamp.area == org.xinda and lamp.category == taxonomy["lamp"]
    assert lamp.unit == org.police and lamp.dispatched_at == lamp.accepted_at == lamp.created_at
    assert timezone.localtime(lamp.created_at).replace(tzinfo=None) == datetime(2023, 5, 2, 9, 15)
    leak = Matter.objects.get(description="楼上漏水")
    assert leak.status == "resolved" and leak.area == org.tuanjie and leak.satisfaction == "basic"
    assert timezone.localtime(leak.created_at).replace(tzinfo=None) == datetime(2023, 5, 3, 14, 5)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows, batch.imported, batch.errors) == ("done", 3, 3, [])
    assert batch.created_by == admin_user and batch.seconds > 0
    assert AuditLog.objects.filter(action="import", target_id=str(batch.pk)).exists()


def test_excel_dates_and_numbers_as_cells(org, taxonomy):
    rows = [[20230501001, datetime(2023, 5, 1, 8, 30), "拖欠工资", "dispute.labor", "新达街道", "", "", "", 13947306618,
             "", "", "", "", ""]]
    report = import_file(xlsx(rows), file_name="a.xlsx")
    assert report.ok, messages(report)
    matter = Matter.objects.get()
    assert matter.reporter_phone == "13947306618" and matter.status == "received"
    assert matter.events.get().data["number"] == "20230501001"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_good_csv_in_every_encoding(org, taxonomy, encoding):
    report = import_file(text_csv(GOOD, encoding), file_name="export.csv")
    assert report.ok, messages(report)
    assert Matter.objects.filter(source="import").count() == 3
    assert Matter.objects.filter(description="包工头拖欠工资三个月", area=org.yongchang).exists()


def test_tab_separated_utf16_export(org, taxonomy):
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows([HEADER, *GOOD])
    report = import_file(out.getvalue().encode("utf-16"), file_name="export.txt")
    assert report.ok, messages(report)
    assert report.imported == 3


def test_dry_run_checks_without_importing(org, taxonomy):
    report = import_file(xlsx(GOOD), file_name="a.xlsx", dry_run=True)
    assert report.ok and report.rows == 3 and report.imported == 0
    assert not Matter.objects.exists() and not ImportBatch.objects.exists()


def test_a_mapping_names_other_columns_and_translates_values(org, taxonomy):
    header = ["单号", "受理日期", "问题", "分类", "片区", "处理状态"]
    rows = [["A1", "01/05/2023 08:30", "工资没发", "欠薪", "永昌佳苑社区", "已结单"]]
    mapping = Mapping.load("""
columns:
  number: 单号
  created_at: 受理日期
  description: 问题
  category: 分类
  area: 片区
  status: 处理状态
values:
  category: {欠薪: dispute.labor}
  status: {已结单: received}
date_formats: ["%d/%m/%Y %H:%M"]
""")
    report = import_file(xlsx(rows, header), file_name="a.xlsx", mapping=mapping)
    assert report.ok, messages(report)
    matter = Matter.objects.get()
    assert matter.category == taxonomy["labor"] and matter.area == org.yongchang
    assert timezone.localtime(matter.created_at).replace(tzinfo=None) == datetime(2023, 5, 1, 8, 30)


# --- Bad files: every problem listed, nothing imported ------------------------------------------------------


def test_every_bad_row_is_reported_in_chinese_and_nothing_is_imported(org, taxonomy):
    rows = [
        GOOD[0],
        ["WD2", "2023/13/45", "内容", "劳动争议、拖欠工资", "新达街道", "", "", "", "", "", "", "", "", ""],
        ["WD3", "2023-05-01 09:00", "内容", "不存在的类别", "新达街道", "", "", "", "", "", "", "", "", ""],
        ["WD4", "2023-05-01 09:00", "内容", "", "火星街道", "", "", "", "", "", "", "", "", ""],
        ["WD5", "2023-05-01 09:00", "", "", "新达街道", "", "", "", "", "", "", "", "", ""],
        ["WD6", "2023-05-01 09:00", "内容", "", "三道坎街道", "永昌佳苑社区", "", "", "", "", "", "", "", ""],
        ["WD7", "2023-05-01 09:00", "内容", "", "新达街道", "", "", "", "12", "", "", "", "", "已签收"],
        ["WD2023050100001", "2023-05-02 09:00", "内容", "", "新达街道", "", "", "", "", "", "2023-04-01", "", "很好",
         "已归档"],
        GOOD[1],
    ]
    report = import_file(xlsx(rows), file_name="坏文件.xlsx")
    assert not report.ok and report.rows == 9
    assert messages(report) == [
        "第3行，“来电时间”：无法识别的日期“2023/13/45”",
        "第4行，“诉求类型”：未知的类别“不存在的类别”",
        "第5行，“所属街道”：未知的区域“火星街道”",
        "第6行，“诉求内容”：为空；每个事项都必须有反映内容",
        "第7行，“所属社区”：区域“三道坎街道、永昌佳苑社区”之间不存在上下级关系",
        "第8行，“联系电话”：不是有效的电话号码：“12”",
        "第8行，“状态”：“已签收”需要填写责任单位",
        "第9行，“工单编号”：编号“WD2023050100001”重复出现（另见第 2 行）",
        "第9行，“办结时间”：办结时间早于受理时间（2023-04-01）",
        "第9行，“满意度”：无法识别的满意度“很好”（请填写满意、基本满意或不满意）",
    ]
    assert not Matter.objects.exists() and not MatterEvent.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and batch.imported == 0 and len(batch.errors) == 10
    assert batch.errors[0] == {"row": 3, "column": "来电时间", "problem": "无法识别的日期“2023/13/45”",
                               "message": "第3行，“来电时间”：无法识别的日期“2023/13/45”"}


def test_an_ambiguous_area_name_needs_its_parent(org, taxonomy):
    make_area("第一网格", "grid", org.yongchang, code="wuda.xinda.yc.x1")
    make_area("第一网格", "grid", org.tuanjie, code="wuda.sdk.tj.x1")
    rows = [["A", "2023-05-01", "内容", "", "", "第一网格", "", "", "", "", "", "", "", ""],
            ["B", "2023-05-01", "内容", "", "三道坎街道", "第一网格", "", "", "", "", "", "", "", ""]]
    report = import_file(xlsx(rows), file_name="a.xlsx")
    assert messages(report) == ["第2行，“所属社区”：有多个区域名为“第一网格”，请补充街道或社区"]
    report = import_file(xlsx(rows[1:]), file_name="a.xlsx")
    assert report.ok and Matter.objects.get().area.code == "wuda.sdk.tj.x1"


def test_missing_columns_are_reported(org, taxonomy):
    report = import_file(xlsx(GOOD, header=["工单编号", "时间", *HEADER[2:]]), file_name="a.xlsx")
    assert messages(report) == ["缺少列：“来电时间”（或在列映射文件中指定）。"]
    assert not Matter.objects.exists()


@pytest.mark.parametrize("data, name, expected", [
    (b"", "empty.csv", "文件是空的。"),
    (b"\n\n  \n", "blank.csv", "文件是空的。"),
    ("\ufeff" + ",".join(HEADER) + "\n", "header.csv", "文件只有列名，没有数据行。"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.xlsx", "无法读取该 Excel 文件，请用 Excel 打开后重新另存为 .xlsx。"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", "这不是 Excel（.xlsx）或 CSV 文件。"),
    (b"PK\x03\x04 broken zip", "broken.xlsx", "无法读取该 Excel 文件，请用 Excel 打开后重新另存为 .xlsx。"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "只能导入 .xlsx 和 .csv 文件，“old.xls”不是这两种格式。"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xlsx",
     "这是旧版 Excel 文件（.xls），请在 Excel 中另存为 .xlsx 或 .csv 后再导入。"),
    (b"MZ\x90\x00", "virus.exe", "只能导入 .xlsx 和 .csv 文件，“virus.exe”不是这两种格式。"),
])
def test_files_that_cannot_be_read(org, taxonomy, data, name, expected):
    content = data.encode() if isinstance(data, str) else data
    report = import_file(content, file_name=name)
    assert messages(report) == [expected]
    assert not Matter.objects.exists()
    assert ImportBatch.objects.get().status == "failed"


def test_a_file_imported_twice_is_refused_the_second_time(org, taxonomy):
    assert import_file(xlsx(GOOD), file_name="a.xlsx").ok
    report = import_file(text_csv(GOOD), file_name="a.csv")
    assert not report.ok and len(report.problems) == 3
    code = Matter.objects.get(description="包工头拖欠工资三个月").tracking_code
    assert messages(report)[0] == f"第2行，“工单编号”：编号“WD2023050100001”重复出现（已导入，查询码为 {code}）"
    assert Matter.objects.count() == 3


def test_a_bad_mapping_file_is_reported():
    with pytest.raises(Exception) as caught:
        Mapping.load("columns:\n  nonsense: 列")
    assert "nonsense" in str(caught.value)


# --- The admin page -------------------------------------------------------------------------------------


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_admin_page_imports_a_good_file(client, org, taxonomy, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("intake:import")).status_code == 200
    response = client.post(reverse("intake:import"), {"file": upload("导出.xlsx", xlsx(GOOD))})
    page = response.content.decode()
    assert response.status_code == 200 and "已导入 3 个事项" in page
    assert Matter.objects.filter(source="import").count() == 3
    batch = ImportBatch.objects.get()
    assert reverse("intake:import_batch", args=[batch.pk]) in page
    assert client.get(reverse("intake:import_batch", args=[batch.pk])).status_code == 200


def test_admin_page_lists_every_problem(client, org, taxonomy, admin_user):
    client.force_login(admin_user)
    bad = [["X", "2023/13/45", "", "火星", "新达街道", "", "", "", "", "", "", "", "", ""]]
    response = client.post(reverse("intake:import"), {"file": upload("bad.csv", text_csv(bad, "gbk"))})
    page = response.content.decode()
    assert response.status_code == 400
    for text in ("无法识别的日期“2023/13/45”", "未知的类别“火星”", "为空；每个事项都必须有反映内容", "没有导入任何事项"):
        assert text in page, text
    assert not Matter.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    assert "2023/13/45" in client.get(reverse("intake:import_batch", args=[batch.pk])).content.decode()


def test_admin_page_dry_run_and_mapping(client, org, taxonomy, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("intake:import"), {
        "file": upload("a.xlsx", xlsx(GOOD)), "dry_run": "on",
        "mapping": upload("map.yaml", "values:\n  status: {已归档: closed}\n".encode())})
    assert response.status_code == 200 and not Matter.objects.exists()
    response = client.post(reverse("intake:import"), {"file": upload("a.xlsx", xlsx(GOOD)),
                                                      "mapping": upload("map.yaml", b"columns: [oops")})
    assert response.status_code == 400 and not Matter.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_import_page_is_404_for_everyone_else(client, org, taxonomy, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("intake:import")).status_code == 404
    assert client.post(reverse("intake:import"), {"file": upload("a.xlsx", xlsx(GOOD))}).status_code == 404
    batch = ImportBatch.objects.create(file_name="x.xlsx", status="done")
    assert client.get(reverse("intake:import_batch", args=[batch.pk])).status_code == 404
    assert not Matter.objects.exists()


# --- The command line ---------------------------------------------------------------------------------------


def test_command_imports_a_good_file(org, taxonomy, admin_user, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(text_csv(GOOD, "gbk"))
    call_command("import_matters", str(path), user="root")
    out, err = capsys.readouterr()
    assert "已导入 3 件事项" in out and "\r" in err  # the progress line
    assert Matter.objects.filter(source="import", created_by=admin_user).count() == 3


def test_command_exits_2_and_prints_every_problem(org, taxonomy, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([GOOD[0], ["X", "2023/13/45", "内容", "", "新达街道", "", "", "", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError) as caught:
        call_command("import_matters", str(path))
    assert caught.value.returncode == 2
    assert "第3行，“来电时间”：无法识别的日期“2023/13/45”" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        safeharbor_main(["import-matters", str(path)])
    assert exited.value.code == 2
    assert not Matter.objects.exists()


def test_command_dry_run_and_mapping(org, taxonomy, tmp_path, capsys):
    path, mapping = tmp_path / "a.xlsx", tmp_path / "map.yaml"
    path.write_bytes(xlsx(GOOD))
    mapping.write_text("values:\n  status: {已归档: closed}\n", encoding="utf-8")
    safeharbor_main(["import-matters", str(path), "--dry-run", "--mapping", str(mapping)])
    assert "3 行" in capsys.readouterr().out
    assert not Matter.objects.exists()
    with pytest.raises(SystemExit) as exited:
        safeharbor_main(["import-matters", str(tmp_path / "missing.xlsx")])
    assert exited.value.code == 2
