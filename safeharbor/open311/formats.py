"""The two GeoReport v2 output formats, from one Python structure.

XML is the reference format; JSON follows it by the Spark convention the specification
names: an element whose children all repeat one name (`<services><service>…`) becomes
an array, the repeated element's name disappears, and an empty element becomes null.
So every response is built once as dicts and lists and written either way.
"""

import json
import re
from datetime import datetime
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
DEFAULT_FORMAT = "xml"  # the format the specification requires; errors for unknown formats use it

# Characters XML 1.0 cannot carry (control characters pasted into a resident's text).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Container element → the name of each child (the Spark convention's arrays).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3_datetime(value: datetime | None) -> str | None:
    """ISO 8601 as the W3C note has it, with the offset: 2026-11-28T14:30:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ET.Element, tag: str, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, (list, tuple)):
        item = ITEM_NAMES[tag]
        for child in value:
            _append(element, item, child)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> str:
    element = ET.Element(root)
    _fill(element, root, data)
    ET.indent(element)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode") + "\n"


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """`data` under the XML root element `root` (JSON has no root: the value itself)."""
    if fmt not in FORMATS:
        fmt = DEFAULT_FORMAT
    body = to_json(data) if fmt == "json" else to_xml(root, data)
    return HttpResponse(body, content_type=FORMATS[fmt], status=status)


def render_errors(fmt: str, status: int, *descriptions: str, headers: dict | None = None) -> HttpResponse:
    """The specification's error document: [{"code": 404, "description": "…"}, …]."""
    errors = [{"code": status, "description": str(text)} for text in descriptions]
    response = render(fmt, "errors", errors, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
