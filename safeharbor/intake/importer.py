"""Bulk import of historical matters from the exports of 12345 hotline systems.

    import_file(data, file_name=..., actor=..., mapping=None, dry_run=False, progress=None)

1. Read: .xlsx (openpyxl, read-only) or .csv/.tsv in UTF-8 (with or without BOM), UTF-16
   or GBK/GB18030, told apart by content, not by name; the first non-empty row holds the
   column names.
2. Map columns to fields: the usual Chinese column names are known (工单编号, 来电时间,
   诉求内容, 诉求类型, 所属街道/社区, 地址, 来电人, 联系电话, 承办单位, 办结时间, 办理结果,
   满意度, 状态, and variants); a YAML mapping names others and translates values:

       columns:                      # field: column name, or a list of candidates
         created_at: 受理时间
         area: [所属街道, 所属社区]  # area: every listed column present is used together
       values:                       # field: {value in the file: code or name here}
         category: {拖欠工资: dispute.labor}
         status: {已结单: closed}
       date_formats: ["%d/%m/%Y %H:%M"]
       defaults: {area: wuda}        # when a row's area cells are empty

3. Validate EVERY row before writing anything, and report every problem with its row
   number, column and what is wrong, in the user's language (第12行，“来电时间”：无法识别的
   日期“2023/13/45”).
4. Write all rows in one transaction (bulk_create of matters and their events), or
   nothing when there was any problem. An ImportBatch row records the outcome either way.

Imported matters keep their dates, state, responsible unit, result and satisfaction; the
source is "import"; the original number is in the `created` event (note and data), and a
second import of the same number is refused. They carry no running deadline (the sweep
leaves them alone) and no check code (residents cannot open them by tracking code).

Cost (bench/import.py): reading an .xlsx is the slowest step; encrypting the reporters'
names and phone numbers (Fernet) costs about 10 µs each, 2 s per 100,000 rows.
"""

import csv
import io
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core.crypto import blind_index, encrypt, normalize_phone
from safeharbor.core.models import Area, AuditLog, Category, Unit
from safeharbor.intake.models import ImportBatch
from safeharbor.lib import codes
from safeharbor.matters.models import Matter, MatterEvent

S = Matter.Status
A = MatterEvent.Action
EXTENSIONS = {".xlsx", ".xlsm", ".csv", ".tsv", ".txt"}
MAX_STORED_PROBLEMS = 1000  # on the ImportBatch row and the page; the command prints them all
MAX_TEXT = 10_000
WRITE_CHUNK = 5_000

# field -> column names seen in 12345 exports, in order of preference (the English field
# name is accepted too). For `area` every column present is used.
DEFAULT_COLUMNS: dict[str, list[str]] = {
    "number": ["工单编号", "工单号", "受理编号", "工单编码", "流水号", "编号"],
    "created_at": ["来电时间", "受理时间", "登记时间", "创建时间", "反映时间", "诉求时间"],
    "description": ["诉求内容", "反映内容", "来电内容", "问题描述", "诉求描述", "工单内容", "内容"],
    "category": ["诉求类型", "事项类别", "问题分类", "诉求分类", "事项分类", "类别", "类型"],
    "area": ["所属区域", "区域", "所属街道", "街道", "所属乡镇", "乡镇街道", "所属社区", "社区", "所属网格",
             "网格", "所属小区"],
    "address": ["地址", "事发地址", "发生地点", "事发地点", "详细地址", "问题地址"],
    "name": ["来电人", "来电人姓名", "联系人", "姓名", "诉求人"],
    "phone": ["联系电话", "来电号码", "联系方式", "电话", "手机号码"],
    "unit": ["承办单位", "责任单位", "办理单位", "主办单位"],
    "closed_at": ["办结时间", "完成时间", "结案时间", "回复时间"],
    "result": ["办理结果", "处理结果", "答复内容", "办理情况", "回复内容"],
    "satisfaction": ["满意度", "满意度评价", "回访满意度", "评价结果"],
    "status": ["状态", "工单状态", "办理状态"],
}
REQUIRED = ("created_at", "description")

STATUS_WORDS = {
    S.RECEIVED: ["待受理", "已受理", "受理", "待处理", "待分拨", "待派单", "新建"],
    S.DISPATCHED: ["已派单", "已分拨", "已转办", "待签收", "已交办"],
    S.ACCEPTED: ["已签收", "签收"],
    S.IN_PROGRESS: ["办理中", "处理中", "正在办理", "在办"],
    S.RETURNED: ["已退回", "退单", "已退单", "退回"],
    S.RESOLVED: ["已办结", "办结", "待回访", "已答复", "已处理", "办理完毕"],
    S.CLOSED: ["已归档", "归档", "已结案", "结案", "已关闭", "关闭", "已完成", "完成", "已回访", "已办结归档"],
    S.REJECTED: ["不予受理", "已驳回", "驳回", "无效工单", "无效"],
}
SATISFACTION_WORDS = {
    Matter.Satisfaction.SATISFIED: ["满意", "非常满意", "很满意"],
    Matter.Satisfaction.BASIC: ["基本满意", "一般", "比较满意"],
    Matter.Satisfaction.UNSATISFIED: ["不满意", "非常不满意", "很不满意"],
    "": ["未评价", "未回访", "无", "-", "—", "/"],
}
NEEDS_UNIT = {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS}
NEEDS_END = {S.RESOLVED, S.CLOSED}
FINAL_EVENT = {
    S.DISPATCHED: A.DISPATCHED, S.ACCEPTED: A.ACCEPTED, S.IN_PROGRESS: A.ACCEPTED, S.RETURNED: A.RETURNED,
    S.RESOLVED: A.RESOLVED, S.CLOSED: A.CLOSED, S.REJECTED: A.REJECTED,
}

DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?$"
)
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, empty, unreadable encoding...)."""


@dataclass
class Problem:
    row: int  # the spreadsheet's row number (the header is row 1); 0: the file itself
    column: str  # the column as named in the file; "" for the whole row or file
    problem: str

    @property
    def message(self) -> str:
        if self.row and self.column:
            return _("Row %(row)d, “%(column)s”: %(problem)s") % {
                "row": self.row, "column": self.column, "problem": self.problem}
        if self.row:
            return _("Row %(row)d: %(problem)s") % {"row": self.row, "problem": self.problem}
        return self.problem

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "problem": self.problem, "message": self.message}


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    imported: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    read_seconds: float = 0.0  # reading and validating
    write_seconds: float = 0.0
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.write_seconds


@dataclass
class Mapping:
    columns: dict[str, list[str]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: list[str] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, text: str | bytes | None) -> "Mapping":
        """The default mapping, overridden by a YAML mapping (raises ImportFileError)."""
        columns = {name: list(headers) for name, headers in DEFAULT_COLUMNS.items()}
        if not text:
            return cls(columns)
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ImportFileError(_("The mapping file is not valid YAML: %(error)s") % {"error": exc}) from exc
        if not isinstance(raw, dict):
            raise ImportFileError(_("The mapping file must have the sections columns, values, date_formats."))
        for name, headers in (raw.get("columns") or {}).items():
            if name not in DEFAULT_COLUMNS:
                raise ImportFileError(_("The mapping names an unknown field “%(name)s”; known fields: %(known)s.")
                                      % {"name": name, "known": ", ".join(DEFAULT_COLUMNS)})
            columns[name] = [str(h) for h in (headers if isinstance(headers, list) else [headers])]
        values = {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in (raw.get("values") or {}).items()}
        formats = [str(f) for f in raw.get("date_formats") or []]
        defaults = {str(k): str(v) for k, v in (raw.get("defaults") or {}).items()}
        return cls(columns, values, formats, defaults)


# --- reading the file -----------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):  # GB18030 is a superset of GBK and GB2312
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file's text encoding is not recognised; save it as UTF-8 or GBK CSV, or as .xlsx."))


def _csv_rows(data: bytes) -> Iterator[list]:
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileError(_("This is not an Excel (.xlsx) or CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max("\t,;", key=first_line.count) if any(d in first_line for d in "\t,;") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError, IndexError) as exc:
        raise ImportFileError(_("This Excel file cannot be read. Open it in Excel and save it again as .xlsx.")) \
            from exc
    try:
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def read_rows(data: bytes, file_name: str) -> Iterator[tuple[int, list]]:
    """(row number, cells) of every non-empty row, the header row first."""
    suffix = Path(file_name or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError(_("Only .xlsx and .csv files can be imported; “%(name)s” is neither.")
                              % {"name": Path(file_name).name})
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as .xlsx or .csv in Excel, then import it."))
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif suffix in (".xlsx", ".xlsm"):
        raise ImportFileError(_("This Excel file cannot be read. Open it in Excel and save it again as .xlsx."))
    else:
        rows = _csv_rows(data)
    for number, cells in enumerate(rows, start=1):
        if any(c is not None and str(c).strip() for c in cells):
            yield number, list(cells)


def _clean_header(value) -> str:
    text = str(value or "").strip().replace("\u3000", "").replace(" ", "")
    return text.strip("*＊:：")


# --- the lookups, built once ----------------------------------------------------------------


class Lookups:
    """Categories, units and areas by code and name; dates; everything cached per value,
    because a 100,000-row file has a few hundred distinct categories and places."""

    def __init__(self, mapping: Mapping, now: datetime):
        self.mapping = mapping
        self.now = now
        self.categories = self._index(Category.objects.select_related("domain").all())
        self.units = self._index(Unit.objects.all())
        self.areas_by_key: dict[str, list[Area]] = {}
        for area in Area.objects.only("pk", "code", "name", "path", "depth"):
            self.areas_by_key.setdefault(area.name, []).append(area)
            self.areas_by_key.setdefault(area.code, []).append(area)
        self.statuses = {w: s for s, words in STATUS_WORDS.items() for w in words}
        self.statuses.update({s.value: s.value for s in S if s != S.MERGED})
        self.satisfactions = {w: s for s, words in SATISFACTION_WORDS.items() for w in words}
        self.satisfactions.update({s.value: s.value for s in Matter.Satisfaction})
        self._cache: dict = {}
        self.tz = timezone.get_current_timezone()

    @staticmethod
    def _index(rows) -> dict:
        index = {}
        for row in rows:
            for key in (row.name_en, row.name_zh, row.code):
                if key:
                    index[key] = row
                    index[key.lower()] = row
        return index

    def mapped(self, name: str, value: str) -> str:
        return self.mapping.values.get(name, {}).get(value, value)

    def category(self, value: str):
        """(category, problem) for a cell: by code, Chinese or English name, or the last part
        of a "一级/二级" path."""
        key = ("category", value)
        if key not in self._cache:
            text = self.mapped("category", value)
            found = self.categories.get(text) or self.categories.get(text.lower())
            if found is None:
                last = re.split(r"[/>＞\\|-]", text)[-1].strip()
                found = self.categories.get(last) or self.categories.get(last.lower())
            self._cache[key] = (found, None if found else _("unknown category “%(value)s”") % {"value": value})
        return self._cache[key]

    def unit(self, value: str):
        key = ("unit", value)
        if key not in self._cache:
            text = self.mapped("unit", value)
            found = self.units.get(text) or self.units.get(text.lower())
            self._cache[key] = (found, None if found else _("unknown unit “%(value)s”") % {"value": value})
        return self._cache[key]

    def area(self, values: tuple[tuple[str, str], ...]):
        """(area, column, problem) from the area cells (column, value), in any order: the
        deepest area that every named area contains (街道 新达街道 + 社区 永昌佳苑社区 →
        永昌佳苑社区). A name found in two places needs its parent to tell them apart."""
        key = ("area", values)
        if key not in self._cache:
            self._cache[key] = self._resolve_area(values)
        return self._cache[key]

    def _resolve_area(self, values):
        candidates = []
        for column, value in values:
            parts = [p.strip() for p in re.split(r"[/／>＞]", self.mapped("area", value)) if p.strip()]
            for part in parts:
                found = self.areas_by_key.get(part, [])
                if not found:
                    return None, column, _("unknown area “%(value)s”") % {"value": part}
                candidates.append((column, found))
        every = {a.pk: a for _column, found in candidates for a in found}.values()
        fitting = [a for a in every if all(any(a.path.startswith(c.path) for c in found) for _col, found in candidates)]
        column = candidates[-1][0]
        if not fitting:
            names = "、".join(v for _c, v in values)
            return None, column, _("the areas “%(names)s” do not lie inside one another") % {"names": names}
        depth = max(a.depth for a in fitting)
        deepest = [a for a in fitting if a.depth == depth]
        if len(deepest) > 1:
            return None, column, _("“%(name)s” is the name of several areas; add the sub-district or community") % {
                "name": deepest[0].name}
        return deepest[0], column, None

    def status(self, value: str):
        text = self.mapped("status", value)
        found = self.statuses.get(text)
        if found is None:
            return None, _("unknown status “%(value)s”") % {"value": value}
        return found, None

    def satisfaction(self, value: str):
        text = self.mapped("satisfaction", value)
        found = self.satisfactions.get(text)
        if found is None:
            return None, _("unknown satisfaction “%(value)s” (use 满意, 基本满意 or 不满意)") % {"value": value}
        return found, None

    def moment(self, value):
        """An aware datetime from a cell: a date(time) cell, an Excel serial number, or
        text such as 2023-05-01 08:30, 2023/5/1 8:30, 2023年5月1日 8时30分, 20230501083000."""
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else value.replace(tzinfo=self.tz)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=self.tz)
        if isinstance(value, (int, float)) and 20000 < value < 80000:  # Excel serial day number
            return datetime(1899, 12, 30, tzinfo=self.tz) + timedelta(days=float(value))
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=self.tz)
        for fmt in self.mapping.date_formats:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=self.tz)
            except ValueError:
                continue
        normal = (text.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
                  .replace("日", " ").replace("时", ":").replace("点", ":").replace("分", "").replace("秒", "")
                  .replace("：", ":").strip().rstrip(":"))
        match = DATE_RE.match(normal) or COMPACT_DATE_RE.match(normal)
        if match is None:
            return None
        try:
            parts = [int(p) if p else 0 for p in match.groups()]
            return datetime(*parts, tzinfo=self.tz)
        except ValueError:
            return None


# --- validating ------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    original: str
    created_at: datetime
    description: str
    category: Category | None
    area: Area
    address: str
    name: str
    phone: str
    unit: Unit | None
    closed_at: datetime | None
    result: str
    satisfaction: str
    status: str


class Columns:
    """Which cell holds which field, from the header row."""

    def __init__(self, header: list, mapping: Mapping):
        names = [_clean_header(h) for h in header]
        self.index: dict[str, int] = {}
        self.areas: list[tuple[str, int]] = []
        for field_name, candidates in mapping.columns.items():
            wanted = [_clean_header(c) for c in [*candidates, field_name]]
            present = [(names[i], i) for c in wanted for i, n in enumerate(names) if n == c]
            if field_name == "area":
                self.areas = list(dict.fromkeys(present))
            elif present:
                self.index[field_name] = present[0][1]
        self.names = names
        self.mapping = mapping

    def missing(self) -> list[str]:
        required = [*REQUIRED, *([] if self.mapping.defaults.get("area") else ["area"])]
        return [self.mapping.columns[f][0] for f in required
                if (f == "area" and not self.areas) or (f != "area" and f not in self.index)]

    def label(self, field_name: str) -> str:
        return self.names[self.index[field_name]] if field_name in self.index else field_name

    def position(self, name: str) -> int:
        """Where a column is in the file (problems of a row are listed left to right)."""
        return self.names.index(name) if name in self.names else len(self.names)


def _text(cells: list, i: int | None) -> str:
    if i is None or i >= len(cells) or cells[i] is None:
        return ""
    value = cells[i]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers typed into Excel: 13904731234.0, 20230501001.0
    return str(value).strip()


def _cell(cells: list, i: int | None):
    if i is None or i >= len(cells):
        return None
    value = cells[i]
    return value.strip() if isinstance(value, str) else value


class Validator:
    def __init__(self, columns: Columns, lookups: Lookups, taken_numbers: dict[str, str]):
        self.columns = columns
        self.lookups = lookups
        self.taken = taken_numbers  # original number -> where it is already: "matter X" / "row N"

    def row(self, number: int, cells: list) -> tuple[Row | None, list[Problem]]:
        col, look, problems = self.columns, self.lookups, []
        ix = col.index.get

        def bad(field_name: str, problem: str) -> None:
            problems.append(Problem(number, col.label(field_name), problem))

        original = _text(cells, ix("number"))
        if original:
            where = self.taken.get(original)
            if where:
                bad("number", _("the number “%(value)s” appears twice (%(where)s)") % {"value": original, "where": where})
            else:
                self.taken[original] = _("also in row %(row)d") % {"row": number}
        description = _text(cells, ix("description"))
        if not description:
            bad("description", _("empty; every matter needs its content"))
        elif len(description) > MAX_TEXT:
            bad("description", _("longer than %(n)d characters") % {"n": MAX_TEXT})
        created_at = self._moment(cells, "created_at", bad, required=True)
        if created_at and created_at > look.now + timedelta(days=1):
            bad("created_at", _("the date “%(value)s” is in the future") % {"value": _text(cells, ix("created_at"))})
        closed_at = self._moment(cells, "closed_at", bad)
        if closed_at and created_at and closed_at < created_at:
            bad("closed_at", _("finished before it was received (%(value)s)") % {"value": _text(cells, ix("closed_at"))})
        category = self._lookup(cells, "category", look.category, bad)
        unit = self._lookup(cells, "unit", look.unit, bad)
        area = self._area(cells, number, problems)
        satisfaction = self._lookup(cells, "satisfaction", look.satisfaction, bad) or ""
        status_text = _text(cells, ix("status"))
        status = self._lookup(cells, "status", look.status, bad) if status_text else (
            S.CLOSED if closed_at else S.RECEIVED)
        if status in NEEDS_UNIT and unit is None and not _text(cells, ix("unit")):
            bad("status", _("“%(value)s” needs the responsible unit") % {"value": status_text})
        if status in NEEDS_END and closed_at is None and not _text(cells, ix("closed_at")):
            bad("status", _("“%(value)s” needs the time it was finished") % {"value": status_text})
        phone = _text(cells, ix("phone"))
        if phone and not 7 <= len(normalize_phone(phone)) <= 13:
            bad("phone", _("not a phone number: “%(value)s”") % {"value": phone})
        if problems:
            problems.sort(key=lambda p: col.position(p.column))
            return None, problems
        return Row(number, original, created_at, description, category, area, _text(cells, ix("address"))[:200],
                   _text(cells, ix("name"))[:60], phone, unit, closed_at, _text(cells, ix("result"))[:MAX_TEXT],
                   satisfaction, status), []

    def _moment(self, cells, field_name, bad, *, required=False):
        raw = _cell(cells, self.columns.index.get(field_name))
        if raw is None or raw == "":
            if required:
                bad(field_name, _("empty; the date is needed"))
            return None
        value = self.lookups.moment(raw)
        if value is None:
            bad(field_name, _("unrecognised date “%(value)s”") % {"value": raw})
        return value

    def _lookup(self, cells, field_name, find, bad):
        text = _text(cells, self.columns.index.get(field_name))
        if not text:
            return None
        found, problem = find(text)
        if problem:
            bad(field_name, problem)
        return found

    def _area(self, cells, number, problems):
        values = tuple((name, _text(cells, i)) for name, i in self.columns.areas if _text(cells, i))
        if not values:
            default = self.lookups.mapping.defaults.get("area")
            if default:
                values = (("defaults.area", default),)
            else:
                column = self.columns.areas[0][0] if self.columns.areas else "area"
                problems.append(Problem(number, column, _("empty; the area is needed")))
                return None
        area, column, problem = self.lookups.area(values)
        if problem:
            problems.append(Problem(number, column, problem))
        return area


# --- writing ----------------------------------------------------------------------------------


def _taken_numbers() -> dict[str, str]:
    """Original numbers imported before (so that a file imported twice is refused)."""
    if not Matter.objects.filter(source=Matter.Source.IMPORT).exists():
        return {}
    events = MatterEvent.objects.filter(action=A.CREATED, matter__source=Matter.Source.IMPORT,
                                        data__has_key="number")
    return {
        str(number): _("already imported as %(code)s") % {"code": code}
        for number, code in events.values_list("data__number", "matter__tracking_code")
    }


class Writer:
    """INSERTs matters and their events with executemany, values adapted once per column
    type. Model instances and bulk_create cost 400 µs a row here (Django compiles every
    value of 45 columns); this costs a tenth of that (the same reasoning as
    matters/demo.py). The matters' ids are read back by their unique tracking codes."""

    def __init__(self, actor, batch: ImportBatch):
        self.actor_id = actor.pk if actor else None
        self.batch = batch
        self.ops = connection.ops
        self.matter_fields = [f for f in Matter._meta.concrete_fields if not f.primary_key]
        # Every column gets its default, adapted once; each row then sets the ones it has.
        self.defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.matter_fields}
        self.event_columns = ["matter_id", "at", "actor_id", "action", "from_status", "to_status", "unit_id", "note",
                              "data", "public"]
        self.data_field = MatterEvent._meta.get_field("data")
        self.final_data = self.data_field.get_db_prep_save({"imported": True}, connection)
        self.note = _("Imported from %(file)s") % {"file": batch.file_name}
        self.note_with_number = _("Imported from %(file)s, original number %(number)s").replace(
            "%(file)s", batch.file_name.replace("%", "%%"))
        self.taken = set(Matter.objects.values_list("tracking_code", flat=True))

    def _at(self, value):
        return self.ops.adapt_datetimefield_value(value) if value is not None else None

    def _code(self, row: Row) -> str:
        """A tracking code like codes.tracking_code (the date it came in, then 6 random
        characters), from one 30-bit random number: 32⁶ = 2³⁰."""
        prefix, alphabet = f"{timezone.localtime(row.created_at):%y%m%d}-", codes.ALPHABET
        while True:
            bits = secrets.randbits(30)
            code = prefix + "".join(alphabet[(bits >> shift) & 31] for shift in (25, 20, 15, 10, 5, 0))
            if code not in self.taken:
                self.taken.add(code)
                return code

    def matter_values(self, row: Row, code: str, created, end) -> tuple:
        """The row's values in column order; `created` and `end` are already adapted."""
        status = row.status
        values = {
            "tracking_code": code, "source": Matter.Source.IMPORT, "description": row.description,
            "category_id": row.category.pk if row.category else None,
            "domain_id": row.category.domain_id if row.category else None,
            "area_id": row.area.pk, "area_path": row.area.path, "address": row.address,
            "reporter_name": encrypt(row.name) if row.name else "",
            "reporter_phone": encrypt(row.phone) if row.phone else "",
            "reporter_phone_index": blind_index(row.phone) if row.phone else "",
            "status": status, "unit_id": row.unit.pk if row.unit else None, "created_by_id": self.actor_id,
            "created_at": created, "updated_at": end or created,
            "dispatched_at": created if row.unit and status != S.RECEIVED else None,
            "accepted_at": created if status in (S.ACCEPTED, S.IN_PROGRESS) else None,
            "resolved_at": end if status in NEEDS_END else None,
            "closed_at": end if status in (S.CLOSED, S.REJECTED) else None,
            "result": row.result, "satisfaction": row.satisfaction,
        }
        defaults = self.defaults
        return tuple(values.get(f.attname, defaults[f.attname]) for f in self.matter_fields)

    def event_values(self, matter_id: int, row: Row, created, end) -> list[tuple]:
        """The `created` event with the original number, and one for the state it ended in."""
        data = {"source": Matter.Source.IMPORT, "batch": self.batch.pk,
                "category": row.category.code if row.category else None}
        if row.original:
            data["number"] = row.original
            note = self.note_with_number % {"number": row.original}
        else:
            note = self.note
        events = [(matter_id, created, self.actor_id, A.CREATED, "", S.RECEIVED, None, note,
                   self.data_field.get_db_prep_save(data, connection), True)]
        final = FINAL_EVENT.get(row.status)
        if final:
            events.append((
                matter_id, end or created, self.actor_id, final, S.RECEIVED, row.status,
                row.unit.pk if row.unit else None, row.result if row.status in NEEDS_END else "",
                self.final_data, row.status in (*NEEDS_END, S.REJECTED),
            ))
        return events

    def _insert(self, model, columns: list[str], rows: list[tuple]) -> None:
        meta, quote = model._meta, self.ops.quote_name
        names = ", ".join(quote(meta.get_field(c).column) for c in columns)
        sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def _ids(self, tracking: list[str]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for i in range(0, len(tracking), 900):  # under SQLite's 999 parameters
            ids.update(Matter.objects.filter(tracking_code__in=tracking[i : i + 900]).values_list("tracking_code", "pk"))
        return ids

    def write(self, rows: list[Row]) -> None:
        tracking = [self._code(row) for row in rows]
        moments = [(self._at(row.created_at), self._at(row.closed_at)) for row in rows]
        self._insert(Matter, [f.attname for f in self.matter_fields],
                     [self.matter_values(row, code, *at) for row, code, at in zip(rows, tracking, moments, strict=True)])
        ids = self._ids(tracking)
        events = [e for row, code, at in zip(rows, tracking, moments, strict=True)
                  for e in self.event_values(ids[code], row, *at)]
        self._insert(MatterEvent, self.event_columns, events)


def _write(rows: list[Row], actor, batch: ImportBatch, progress) -> None:
    writer = Writer(actor if getattr(actor, "is_authenticated", False) else None, batch)
    for start in range(0, len(rows), WRITE_CHUNK):
        writer.write(rows[start : start + WRITE_CHUNK])
        progress("write", min(start + WRITE_CHUNK, len(rows)), len(rows))


# --- the whole import --------------------------------------------------------------------------


def _no_progress(phase: str, done: int, total: int | None) -> None:
    pass


def validate(data: bytes, file_name: str, mapping: Mapping, progress=_no_progress) -> tuple[list[Row], list[Problem],
                                                                                          int]:
    """(good rows, problems, number of data rows). Reads and checks every row."""
    rows_iter = read_rows(data, file_name)
    header = next(rows_iter, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    columns = Columns(header[1], mapping)
    missing = columns.missing()
    if missing:
        raise ImportFileError(_("Column missing: %(names)s (or name it in the mapping file).")
                              % {"names": "、".join(f"“{m}”" for m in missing)})
    validator = Validator(columns, Lookups(mapping, timezone.now()), _taken_numbers())
    good, problems, count = [], [], 0
    for number, cells in rows_iter:
        count += 1
        row, row_problems = validator.row(number, cells)
        if row is None:
            problems.extend(row_problems)
        else:
            good.append(row)
        if count % 5000 == 0:
            progress("check", count, None)
    progress("check", count, count)
    if count == 0:
        problems.append(Problem(0, "", _("The file has column names but no rows of data.")))
    return good, problems, count


def import_file(
    data: bytes, *, file_name: str, actor=None, mapping: Mapping | None = None, dry_run: bool = False,
    progress: Callable[[str, int, int | None], None] = _no_progress,
) -> ImportReport:
    """Check every row, then import all of them in one transaction, or none."""
    report = ImportReport(file_name=Path(file_name).name[:200], dry_run=dry_run)
    started = time.perf_counter()
    try:
        rows, report.problems, report.rows = validate(data, file_name, mapping or Mapping.load(None), progress)
    except ImportFileError as exc:
        report.problems = [Problem(0, "", str(exc))]
    report.read_seconds = time.perf_counter() - started
    if dry_run:
        return report
    actor = actor if getattr(actor, "is_authenticated", False) else None
    batch = ImportBatch(file_name=report.file_name, created_by=actor, rows=report.rows,
                        errors=[p.as_dict() for p in report.problems[:MAX_STORED_PROBLEMS]])
    if report.problems:
        batch.status, batch.seconds = ImportBatch.Status.FAILED, report.read_seconds
        batch.save()
        report.batch = batch
        return report
    started = time.perf_counter()
    with transaction.atomic():
        batch.status = ImportBatch.Status.DONE
        batch.save()
        _write(rows, actor, batch, progress)
        report.imported = batch.imported = len(rows)
        report.write_seconds = time.perf_counter() - started
        batch.seconds = report.seconds
        batch.save(update_fields=["imported", "seconds"])
        AuditLog.objects.create(actor=actor, action=AuditLog.Action.IMPORT, target_type="intake.importbatch",
                                target_id=str(batch.pk), target_repr=batch.file_name[:200],
                                reason=_("%(n)d matters imported") % {"n": len(rows)})
    report.batch = batch
    return report
