"""Open311 GeoReport v2: every endpoint in XML and JSON, the specification's errors, the
filters and limits of GET requests, API keys, and no personal data in anything public."""

import io
import json
import re
from datetime import UTC, timedelta
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from safeharbor.core.actions import load_taxonomy
from safeharbor.core.models import AuditLog, Category
from safeharbor.intake import actions as intake_actions
from safeharbor.lib import codes
from safeharbor.matters.models import Attachment, Matter
from safeharbor.open311 import actions, queries
from safeharbor.open311.models import ApiKey, Open311Request, ServiceAttribute, hash_key
from tests import factories

V2 = "/open311/v2"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]
# Inside the district polygon of the `district_map` fixture (乌达区, roughly).
INSIDE = {"lat": "39.505", "long": "106.72"}

# What a resident types into a client app; none of it may come back from a GET.
NAME_FIRST, NAME_LAST, FULL_NAME = "秀英", "王", "王秀英"
PHONE = "13904731234"
EMAIL = "wang.xiuying@example.com"
DEVICE = "device-8f3a2b"
ACCOUNT = "acct-55821"
DESCRIPTION = "楼上卫生间漏水，天花板一直滴水，我家电话13904731234，请尽快处理"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded media in a temporary folder, a rate-limit cache of this test's own, and
    English for the messages (their keys are checked, not their words)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"open311-{tmp_path.name}"}}


@pytest.fixture
def taxonomy(org):
    load_taxonomy()
    return Category.objects.filter(active=True)


@pytest.fixture
def neighbor(taxonomy):
    """dispute.neighbor asks where the leak is (required, one of a list) and a few optional things."""
    category = Category.objects.get(code="dispute.neighbor")
    ServiceAttribute.objects.create(
        category=category, code="where", datatype="singlevaluelist", required=True, order=1,
        description="漏水位置", values=[{"key": "bathroom", "name": "卫生间"}, {"key": "ceiling", "name": "天花板"}],
    )
    ServiceAttribute.objects.create(
        category=category, code="rooms", datatype="multivaluelist", order=2, description="受影响的房间",
        values=[{"key": "kitchen", "name": "厨房"}, {"key": "bedroom", "name": "卧室"}],
    )
    ServiceAttribute.objects.create(category=category, code="since", datatype="datetime", order=3,
                                    description="从什么时候开始", datatype_description="例如 2026-11-01")
    ServiceAttribute.objects.create(category=category, code="floors", datatype="number", order=4,
                                    description="涉及几层楼")
    ServiceAttribute.objects.create(category=category, code="notice", datatype="text", order=5, variable=False,
                                    description="请先与邻居沟通")
    return category


@pytest.fixture
def district_map(org):
    """A polygon for the district, so that points can be inside or outside it."""
    org.district.geometry = {"type": "Polygon", "coordinates": [[
        [106.6, 39.4], [106.9, 39.4], [106.9, 39.6], [106.6, 39.6], [106.6, 39.4]]]}
    org.district.save()
    return org.district


@pytest.fixture
def api_key(db):
    _key, raw = actions.create_api_key(name="街坊通 App")
    return raw


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def parse(response):
    """The body as Python: JSON as is, XML as an Element (after checking the headers)."""
    if response["Content-Type"].startswith("application/json"):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def errors(response, fmt: str, status: int) -> list[str]:
    """Check the specification's error document; return the descriptions."""
    assert response.status_code == status, response.content
    body = parse(response)
    if fmt == "json":
        assert isinstance(body, list) and body
        assert all(set(e) == {"code", "description"} and e["code"] == status for e in body)
        return [e["description"] for e in body]
    assert body.tag == "errors"
    assert [e.tag for e in body] == ["error"] * len(body) and len(body) >= 1
    assert all(e.findtext("code") == str(status) for e in body)
    return [e.findtext("description") for e in body]


def good_request(api_key, **extra):
    data = {
        "api_key": api_key, "jurisdiction_id": "wuda.gov.cn", "service_code": "dispute.neighbor",
        "address_string": "团结路12号楼3单元", "description": DESCRIPTION, "first_name": NAME_FIRST,
        "last_name": NAME_LAST, "phone": PHONE, "email": EMAIL, "device_id": DEVICE, "account_id": ACCOUNT,
        "media_url": "https://img.example.com/leak.jpg", "attribute[where]": "ceiling",
        "attribute[rooms][]": ["kitchen", "bedroom"], "attribute[since]": "2026-11-01", "attribute[floors]": "2",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data, fmt="json", **extra):
    return client.post(f"{V2}/requests.{fmt}", data, **extra)


def listed(org, *, source="open311", created_at=None, category=None, **kwargs) -> Matter:
    return factories.MatterFactory(source=source, area=org.yongchang, created_at=created_at, category=category,
                                   **kwargs)


def ids(body) -> list[str]:
    if isinstance(body, list):
        return [r["service_request_id"] for r in body]
    return [r.findtext("service_request_id") for r in body]


# --- discovery ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/open311/discovery", "/open311/v2/discovery"])
def test_discovery_json(client, db, path):
    response = client.get(f"{path}.json")
    assert response.status_code == 200
    body = parse(response)
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert W3C.match(body["changeset"])
    [endpoint] = body["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://testserver/open311/v2",
        "changeset": body["changeset"], "type": "production", "formats": ["text/xml", "application/json"],
    }


def test_discovery_xml(client, db):
    root = parse(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert all(f.tag == "format" for f in endpoint.find("formats"))


# --- services -----------------------------------------------------------------------------------


def test_service_list_json(client, neighbor, taxonomy):
    Category.objects.filter(code="general.praise").update(active=False)
    response = client.get(f"{V2}/services.json", {"jurisdiction_id": "wuda.gov.cn"})
    assert response.status_code == 200
    body = parse(response)
    codes_listed = [s["service_code"] for s in body]
    assert set(codes_listed) == set(Category.objects.filter(active=True).values_list("code", flat=True))
    assert "general.praise" not in codes_listed
    by_code = {s["service_code"]: s for s in body}
    service = by_code["dispute.neighbor"]
    assert set(service) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert service["service_name"] == neighbor.name_zh
    assert service["metadata"] is True
    assert service["type"] == "realtime"
    assert service["group"] == "人民调解"
    assert "漏水" in service["keywords"].split(", ") and "邻里纠纷" in service["keywords"]
    assert by_code["security.theft"]["metadata"] is False


def test_service_list_xml(client, neighbor):
    root = parse(client.get(f"{V2}/services.xml"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    service = next(s for s in root if s.findtext("service_code") == "dispute.neighbor")
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"
    assert service.findtext("group") == "人民调解"
    theft = next(s for s in root if s.findtext("service_code") == "security.theft")
    assert theft.findtext("metadata") == "false"


def test_service_definition_json(client, neighbor):
    response = client.get(f"{V2}/services/dispute.neighbor.json", {"jurisdiction_id": "wuda.gov.cn"})
    assert response.status_code == 200
    body = parse(response)
    assert body["service_code"] == "dispute.neighbor"
    attributes = body["attributes"]
    assert [a["code"] for a in attributes] == ["where", "rooms", "since", "floors", "notice"]
    assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5]
    where = attributes[0]
    assert where == {
        "variable": True, "code": "where", "datatype": "singlevaluelist", "required": True,
        "datatype_description": None, "order": 1, "description": "漏水位置",
        "values": [{"key": "bathroom", "name": "卫生间"}, {"key": "ceiling", "name": "天花板"}],
    }
    assert attributes[2]["datatype_description"] == "例如 2026-11-01"
    assert "values" not in attributes[2]  # only list types have values
    assert attributes[4]["variable"] is False


def test_service_definition_xml(client, neighbor):
    root = parse(client.get(f"{V2}/services/dispute.neighbor.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "dispute.neighbor"
    attributes = root.find("attributes")
    assert {a.tag for a in attributes} == {"attribute"}
    where = attributes[0]
    assert [c.tag for c in where] == ["variable", "code", "datatype", "required", "datatype_description", "order",
                                      "description", "values"]
    assert where.findtext("required") == "true"
    assert where.findtext("datatype_description") in ("", None)
    assert [(v.findtext("key"), v.findtext("name")) for v in where.find("values")] == [
        ("bathroom", "卫生间"), ("ceiling", "天花板")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_errors(client, neighbor, fmt):
    assert "nope.nothing" in errors(client.get(f"{V2}/services/nope.nothing.{fmt}"), fmt, 404)[0]
    # A service without metadata has no definition; an inactive one does not exist.
    errors(client.get(f"{V2}/services/security.theft.{fmt}"), fmt, 404)
    neighbor.active = False
    neighbor.save()
    errors(client.get(f"{V2}/services/dispute.neighbor.{fmt}"), fmt, 404)


# --- POST requests --------------------------------------------------------------------------------


def test_post_creates_a_matter_with_its_token(client, neighbor, api_key, org):
    response = post(client, good_request(api_key))
    assert response.status_code == 200, response.content
    [answer] = parse(response)
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    matter = Matter.objects.get(tracking_code=answer["service_request_id"])
    row = Open311Request.objects.get(matter=matter)
    assert answer["token"] == row.token and len(row.token) == 32
    assert answer["account_id"] == ACCOUNT
    assert matter.tracking_code in answer["service_notice"]
    assert matter.source == Matter.Source.OPEN311
    assert matter.category == neighbor and matter.domain == neighbor.domain
    assert matter.description == DESCRIPTION
    assert matter.address == "团结路12号楼3单元"
    assert matter.reporter_name == FULL_NAME  # family name first
    assert matter.reporter_phone == PHONE
    assert matter.status == Matter.Status.RECEIVED
    assert row.attributes == {"where": "ceiling", "rooms": ["kitchen", "bedroom"], "since": "2026-11-01",
                              "floors": "2"}
    assert (row.device_id, row.account_id, row.media_url) == (DEVICE, ACCOUNT, "https://img.example.com/leak.jpg")
    assert row.email == EMAIL
    assert row.api_key.name == "街坊通 App"
    assert row.api_key.last_used_at is not None
    with connection.cursor() as cursor:  # personal data is encrypted at rest
        cursor.execute("SELECT reporter_name, reporter_phone FROM matters_matter WHERE id = %s", [matter.pk])
        stored = " ".join(cursor.fetchone())
        cursor.execute("SELECT email FROM open311_open311request WHERE id = %s", [row.pk])
        stored += cursor.fetchone()[0]
    assert PHONE not in stored and FULL_NAME not in stored and EMAIL not in stored


def test_post_xml_and_api_key_in_the_query_string(client, neighbor, api_key):
    """Some clients (the python `open311` wrapper) send api_key and jurisdiction_id in the URL."""
    data = good_request(None, first_name="John", last_name="Smith")
    response = client.post(f"{V2}/requests.xml?api_key={api_key}&jurisdiction_id=wuda.gov.cn", data)
    assert response.status_code == 200, response.content
    root = parse(response)
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    code = request.findtext("service_request_id")
    assert Matter.objects.get(tracking_code=code).reporter_name == "John Smith"
    assert request.findtext("token") == Open311Request.objects.get(matter__tracking_code=code).token


def test_post_with_a_point_and_a_photo(client, neighbor, api_key, district_map, org):
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    photo = SimpleUploadedFile("leak.png", image.getvalue(), content_type="image/png")
    data = good_request(api_key, address_string=None, media=photo, **INSIDE)
    response = post(client, data)  # multipart
    assert response.status_code == 200, response.content
    matter = Matter.objects.get(tracking_code=parse(response)[0]["service_request_id"])
    assert (matter.lat, matter.lon) == (39.505, 106.72)
    assert matter.address == ""
    assert Attachment.objects.filter(matter=matter).count() == 1


def test_post_with_address_id_only(client, neighbor, api_key):
    response = post(client, good_request(api_key, address_string=None, address_id="WD-000123"))
    assert response.status_code == 200, response.content
    row = Open311Request.objects.get(matter__tracking_code=parse(response)[0]["service_request_id"])
    assert row.address_id == "WD-000123"


def test_post_without_description_uses_the_service_name(client, neighbor, api_key):
    response = post(client, good_request(api_key, description=None))
    assert response.status_code == 200, response.content
    assert Matter.objects.get().description == neighbor.name_zh


def test_post_csrf_exempt_and_never_by_session(neighbor, api_key, admin_user):
    """POST is authenticated by the key alone: no CSRF token needed, and a logged-in
    administrator without a key is refused like anyone."""
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    assert post(browser, good_request(api_key)).status_code == 200
    browser.force_login(admin_user)
    errors(post(browser, good_request(None)), "json", 403)
    assert Matter.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_needs_a_valid_key(client, neighbor, api_key, fmt):
    errors(post(client, good_request(None), fmt), fmt, 403)
    errors(post(client, good_request(""), fmt), fmt, 403)
    errors(post(client, good_request("o311-not-a-key"), fmt), fmt, 403)
    key = ApiKey.objects.get(key_hash=hash_key(api_key))
    assert actions.revoke_api_key(key)
    assert not actions.revoke_api_key(key)  # once is enough
    errors(post(client, good_request(api_key), fmt), fmt, 403)
    assert Matter.objects.count() == 0 and Open311Request.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_bad_requests(client, neighbor, api_key, district_map, fmt):
    def bad(status, **changes):
        return errors(post(client, good_request(api_key, **changes), fmt), fmt, status)

    bad(400, service_code=None)  # "service_code was not provided"
    bad(400, service_code="")
    assert "nope.nothing" in bad(404, service_code="nope.nothing")[0]  # "service_code was not found"
    bad(400, address_string=None)  # no location at all
    bad(400, address_string=None, lat="39.5")  # lat without long
    bad(400, address_string=None, lat="north", long="106.7")
    bad(400, address_string=None, lat="91", long="106.7")
    bad(400, address_string=None, lat="40.5", long="107.5")  # outside the district
    bad(400, **{"attribute[where]": None})  # a required attribute is missing
    bad(400, **{"attribute[where]": "garden"})  # not one of its values
    bad(400, **{"attribute[where]": ["bathroom", "ceiling"]})  # one value only
    bad(400, **{"attribute[rooms][]": ["kitchen", "attic"]})
    bad(400, **{"attribute[floors]": "two"})
    bad(400, **{"attribute[since]": "last week"})
    bad(400, email="not-an-email")
    bad(400, media_url="javascript:alert(1)")
    bad(400, phone="12")
    bad(400, description="水" * 2001)
    # Several problems at once are all reported, as the specification's array allows.
    both = bad(400, **{"attribute[where]": None, "attribute[floors]": "two"})
    assert len(both) == 2
    assert Matter.objects.count() == 0


def test_post_ignores_unknown_and_informational_attributes(client, neighbor, api_key):
    response = post(client, good_request(api_key, **{"attribute[unknown]": "x", "attribute[notice]": "y"}))
    assert response.status_code == 200
    assert set(Open311Request.objects.get().attributes) == {"where", "rooms", "since", "floors"}


def test_post_is_rate_limited_per_key(client, neighbor, api_key, settings):
    settings.OPEN311_POST_RATE = "2/m"
    assert post(client, good_request(api_key)).status_code == 200
    assert post(client, good_request(api_key)).status_code == 200
    response = post(client, good_request(api_key))
    errors(response, "json", 429)
    assert response["Retry-After"] == "60"
    _other, other_raw = actions.create_api_key(name="另一个客户端")
    assert post(client, good_request(other_raw)).status_code == 200  # other keys are not affected


def test_submit_is_one_transaction(neighbor, api_key, monkeypatch):
    """If the Open311 row cannot be written, the matter is not left behind."""

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Open311Request.objects, "create", broken)
    with pytest.raises(RuntimeError):
        actions.submit_service_request(api_key=api_key, service_code="dispute.neighbor", address_string="团结路",
                                       description=DESCRIPTION, attributes={"where": ["ceiling"]})
    assert Matter.objects.count() == 0


# --- GET requests -----------------------------------------------------------------------------------


def test_only_open311_and_published_matters_are_listed(client, neighbor, org, alice, api_key):
    mine = post(client, good_request(api_key))
    mine_code = parse(mine)[0]["service_request_id"]
    hotline = listed(org, source="hotline", category=neighbor, description="来电：张三家的狗天天叫")
    published = listed(org, source="web", category=neighbor, description="李四说团结路井盖丢了 13800001111")
    intake_actions.publish_matter(published, actor=alice, title="团结路井盖缺失", text="团结路中段一处井盖缺失，夜间危险。",
                                  place="团结路")
    withdrawn = listed(org, source="web", category=neighbor)
    publication = intake_actions.publish_matter(withdrawn, actor=alice, title="t", text="x", place="p")
    intake_actions.withdraw_publication(publication, actor=alice)

    body = parse(client.get(f"{V2}/requests.json"))
    assert sorted(ids(body)) == sorted([mine_code, published.tracking_code])
    by_id = {r["service_request_id"]: r for r in body}
    assert all(list(r) == REQUEST_FIELDS for r in body)
    board = by_id[published.tracking_code]
    assert board["description"] == "团结路井盖缺失\n团结路中段一处井盖缺失，夜间危险。"
    assert board["address"] == "团结路"
    unpublished = by_id[mine_code]
    assert unpublished["description"] is None and unpublished["address"] is None
    assert unpublished["lat"] is None and unpublished["long"] is None and unpublished["media_url"] is None
    assert unpublished["service_code"] == "dispute.neighbor" and unpublished["service_name"] == neighbor.name_zh
    assert unpublished["status"] == "open"
    for code in (hotline.tracking_code, withdrawn.tracking_code):
        errors(client.get(f"{V2}/requests/{code}.json"), "json", 404)


def test_request_fields_and_dates(client, neighbor, org, alice):
    matter = listed(org, category=neighbor)
    Matter.objects.filter(pk=matter.pk).update(
        unit=org.justice, resolve_due_at=timezone.now() + timedelta(days=5), lat=39.50123, lon=106.71234)
    intake_actions.publish_matter(matter, actor=alice, title="漏水", text="楼上漏水", place="永昌佳苑")
    [request] = parse(client.get(f"{V2}/requests/{matter.tracking_code}.json"))
    assert request["agency_responsible"] == "司法局（人民调解委员会）"
    assert request["lat"] == 39.501 and request["long"] == 106.712  # the board's ~100 m point
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(request[field]), request[field]
    assert request["service_notice"]
    root = parse(client.get(f"{V2}/requests/{matter.tracking_code}.xml"))
    assert root.tag == "service_requests"
    [element] = list(root)
    assert element.tag == "request"
    assert [c.tag for c in element] == REQUEST_FIELDS
    assert W3C.match(element.findtext("requested_datetime"))
    assert element.findtext("lat") == "39.501"
    assert element.findtext("zipcode") in ("", None)


def test_status_mapping(client, neighbor, org):
    matters = {status: listed(org, category=neighbor) for status in Matter.Status.values}
    for status, matter in matters.items():
        Matter.objects.filter(pk=matter.pk).update(status=status, result="已修好，联系电话13800001111")
    body = parse(client.get(f"{V2}/requests.json"))
    status_of = {r["service_request_id"]: r["status"] for r in body}
    for status, matter in matters.items():
        expected = "closed" if status in ("resolved", "closed", "rejected", "merged") else "open"
        assert status_of[matter.tracking_code] == expected, status
    notes = {r["service_request_id"]: r["status_notes"] for r in body}
    assert notes[matters["resolved"].tracking_code].startswith("已修好，联系电话")
    assert "13800001111" not in notes[matters["resolved"].tracking_code]
    open_ids = ids(parse(client.get(f"{V2}/requests.json", {"status": "open"})))
    closed_ids = ids(parse(client.get(f"{V2}/requests.xml", {"status": "closed"})))
    both = ids(parse(client.get(f"{V2}/requests.json", {"status": "open,closed"})))
    assert len(open_ids) == 6 and len(closed_ids) == 4 and len(both) == 10
    assert matters["resolved"].tracking_code in closed_ids and matters["reopened"].tracking_code in open_ids


def test_rejected_and_merged_notes(client, neighbor, org, alice):
    main = listed(org, category=neighbor)
    duplicate = listed(org, category=neighbor)
    rejected = listed(org, category=neighbor)
    from safeharbor.matters import actions as matter_actions

    matter_actions.merge_matter(duplicate, actor=alice, into=main)
    matter_actions.reject_matter(rejected, actor=alice, reason="不属于受理范围，请拨打 0473-1234567")
    body = {r["service_request_id"]: r for r in parse(client.get(f"{V2}/requests.json"))}
    assert main.tracking_code in body[duplicate.tracking_code]["status_notes"]
    assert body[rejected.tracking_code]["status_notes"].startswith("不属于受理范围，请拨打 ")
    assert "1234567" not in body[rejected.tracking_code]["status_notes"]
    assert body[rejected.tracking_code]["status"] == "closed"


def test_filters_by_id_code_and_date(client, taxonomy, org):
    now = timezone.now()
    theft = Category.objects.get(code="security.theft")
    parking = Category.objects.get(code="traffic.parking")
    recent = listed(org, category=theft, created_at=now - timedelta(days=1))
    older = listed(org, category=parking, created_at=now - timedelta(days=30))
    ancient = listed(org, category=theft, created_at=now - timedelta(days=120))
    hidden = listed(org, source="hotline", category=theft)

    def get(fmt="json", **params):
        response = client.get(f"{V2}/requests.{fmt}", params)
        assert response.status_code == 200, response.content
        return ids(parse(response))

    assert get() == [recent.tracking_code, older.tracking_code]  # newest first, last 90 days
    assert get("xml") == [recent.tracking_code, older.tracking_code]
    # service_request_id (comma-separated) overrides every other argument; unlisted ids are left out.
    wanted = f"{ancient.tracking_code},{recent.tracking_code.lower()},{hidden.tracking_code},NOPE"
    assert set(get(service_request_id=wanted, status="closed", service_code="traffic.parking")) == {
        ancient.tracking_code, recent.tracking_code}
    assert get(service_code="traffic.parking") == [older.tracking_code]
    assert get(service_code="traffic.parking,security.theft") == [recent.tracking_code, older.tracking_code]
    assert get(service_code="nope.nothing") == []
    local = timezone.localtime
    start = (local(now) - timedelta(days=130)).isoformat(timespec="seconds")
    end = (local(now) - timedelta(days=60)).isoformat(timespec="seconds")
    assert get(start_date=start, end_date=end) == [ancient.tracking_code]
    assert get(start_date=start) == [ancient.tracking_code]  # 90 days from the start
    assert get(end_date=(local(now) - timedelta(days=10)).isoformat()) == [older.tracking_code]
    # UTC with Z, a date alone, and an offset whose "+" arrived unencoded as a space.
    utc = (now - timedelta(days=2)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert get(start_date=utc) == [recent.tracking_code]
    assert get(start_date=f"{local(now - timedelta(days=2)):%Y-%m-%d}") == [recent.tracking_code]
    response = client.get(f"{V2}/requests.json?start_date={local(now) - timedelta(days=2):%Y-%m-%dT%H:%M:%S}+08:00")
    assert ids(parse(response)) == [recent.tracking_code]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_filter_errors(client, db, fmt):
    def bad(**params):
        return errors(client.get(f"{V2}/requests.{fmt}", params), fmt, 400)

    bad(status="pending")
    bad(start_date="yesterday")
    bad(end_date="2026-13-45")
    bad(start_date="2026-01-01T00:00:00+08:00", end_date="2026-06-01T00:00:00+08:00")  # more than 90 days
    bad(start_date="2026-06-01T00:00:00+08:00", end_date="2026-05-01T00:00:00+08:00")


def test_at_most_1000_requests(client, neighbor, org, django_assert_max_num_queries):
    now = timezone.now()
    Matter.objects.bulk_create([
        Matter(tracking_code=f"X{i:05d}", source="open311", description="d", category=neighbor, area=org.yongchang,
               area_path=org.yongchang.path, created_at=now - timedelta(minutes=i), updated_at=now)
        for i in range(queries.MAX_REQUESTS + 5)
    ])
    with django_assert_max_num_queries(6):
        body = parse(client.get(f"{V2}/requests.json"))
    assert len(body) == 1000
    assert body[0]["service_request_id"] == "X00000" and body[-1]["service_request_id"] == "X00999"
    root = parse(client.get(f"{V2}/requests.xml"))
    assert len(root) == 1000


# --- one request, tokens --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request_and_token(client, neighbor, api_key, fmt):
    answer = parse(post(client, good_request(api_key)))[0]
    code, token = answer["service_request_id"], answer["token"]

    body = parse(client.get(f"{V2}/requests/{code}.{fmt}", {"jurisdiction_id": "wuda.gov.cn"}))
    assert ids(body) == [code]
    body = parse(client.get(f"{V2}/tokens/{token}.{fmt}", {"jurisdiction_id": "wuda.gov.cn"}))
    if fmt == "json":
        assert body == [{"service_request_id": code, "token": token}]
    else:
        assert body.tag == "service_requests"
        [request] = list(body)
        assert (request.tag, request.findtext("service_request_id"), request.findtext("token")) == (
            "request", code, token)
    errors(client.get(f"{V2}/requests/{codes.tracking_code(timezone.localdate())}.{fmt}"), fmt, 404)
    errors(client.get(f"{V2}/tokens/{'0' * 32}.{fmt}"), fmt, 404)


# --- personal data ----------------------------------------------------------------------------------


def test_no_personal_data_in_any_get(client, neighbor, api_key, org, admin_user):
    data = good_request(api_key, phone="+86 139 0473 1234")
    answer = parse(post(client, data))[0]
    code, token = answer["service_request_id"], answer["token"]
    # Even once published, and with staff writing a phone number into the result.
    matter = Matter.objects.get(tracking_code=code)
    intake_actions.publish_matter(matter, actor=admin_user, title="楼上漏水", text=f"邻居漏水，联系 {PHONE} {EMAIL}",
                                  place="团结路")
    Matter.objects.filter(pk=matter.pk).update(status="resolved", result=f"已联系{FULL_NAME}（{PHONE}）")
    bodies = []
    for fmt in ("json", "xml"):
        for url in (f"{V2}/requests.{fmt}", f"{V2}/requests/{code}.{fmt}", f"{V2}/tokens/{token}.{fmt}",
                    f"{V2}/requests.{fmt}?service_request_id={code}", f"{V2}/services.{fmt}"):
            response = client.get(url)
            assert response.status_code == 200, url
            bodies.append(response.content.decode())
    text = "\n".join(bodies)
    assert code in text
    for secret in (FULL_NAME, PHONE, "139 0473 1234", EMAIL, DEVICE, ACCOUNT, "img.example.com", DESCRIPTION,
                   "13904731234"):
        assert secret not in text, secret
    assert "已联系王**" in text  # the reporter's name, written into the result by staff, masked


def test_scrub(org):
    matter = listed(org, reporter_name="王秀英")
    text = queries.scrub("王秀英：电话13904731234，身份证150304199001011234，邮箱a.b@c.cn，座机0473-2345678", matter)
    for secret in ("王秀英", "13904731234", "150304199001011234", "a.b@c.cn", "2345678"):
        assert secret not in text
    assert text.startswith("王**：电话")
    assert queries.scrub("受理编号 261128-7KQ3MZ", matter) == "受理编号 261128-7KQ3MZ"


def test_xml_escapes_and_drops_control_characters(client, neighbor, org, alice):
    matter = listed(org, category=neighbor)
    intake_actions.publish_matter(matter, actor=alice, title="<script>alert(1)</script> &\x0b!", text="a < b",
                                  place="团结路")
    root = parse(client.get(f"{V2}/requests.xml"))
    assert root.find("request").findtext("description") == "<script>alert(1)</script> &!\na < b"
    body = parse(client.get(f"{V2}/requests.json"))
    assert body[0]["description"].startswith("<script>")


# --- formats, methods, unknown resources -----------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/open311/discovery.html", f"{V2}/services.yaml", f"{V2}/services/dispute.neighbor.html",
    f"{V2}/requests.csv", f"{V2}/requests/261128-7KQ3MZ.txt", f"{V2}/tokens/abc.rss", f"{V2}/services",
    f"{V2}/nothing.json", "/open311/", f"{V2}/",
])
def test_unknown_format_or_resource_is_404(client, neighbor, url):
    response = client.get(url)
    fmt = "json" if url.endswith(".json") else "xml"
    errors(response, fmt, 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wrong_method_is_405(client, neighbor, fmt):
    response = client.put(f"{V2}/services.{fmt}")
    errors(response, fmt, 405)
    assert response["Allow"] == "GET, HEAD"
    errors(client.post(f"{V2}/services/dispute.neighbor.{fmt}"), fmt, 405)
    errors(client.post(f"/open311/discovery.{fmt}"), fmt, 405)
    response = client.delete(f"{V2}/requests.{fmt}")
    errors(response, fmt, 405)
    assert response["Allow"] == "GET, HEAD, POST"


def test_public_without_login(client, neighbor):
    """The login-required middleware lets Open311 through (no redirect to the login page)."""
    for url in ("/open311/discovery.json", f"{V2}/services.xml", f"{V2}/requests.json"):
        assert client.get(url).status_code == 200


# --- API keys -----------------------------------------------------------------------------------------


def test_admin_creates_a_key_shown_once_and_revokes_it(neighbor, admin_user):
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(admin_user)
    for page in ("admin:open311_apikey_add", "admin:open311_apikey_changelist", "admin:open311_serviceattribute_add",
                 "admin:open311_serviceattribute_changelist", "admin:open311_open311request_changelist"):
        assert admin.get(reverse(page)).status_code == 200, page
    response = admin.post(reverse("admin:open311_apikey_add"), {"name": "市民通"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    raw = re.search(r"o311-[\w-]+", " ".join(shown)).group()
    key = ApiKey.objects.get(name="市民通")
    assert key.key_hash == hash_key(raw) and raw.startswith(key.prefix) and key.created_by == admin_user
    assert raw not in admin.get(reverse("admin:open311_apikey_change", args=[key.pk])).content.decode()
    assert AuditLog.objects.filter(target_type="open311.apikey", target_id=str(key.pk)).exists()

    api = Client()
    assert post(api, good_request(raw)).status_code == 200
    row = Open311Request.objects.get()
    assert admin.get(reverse("admin:open311_open311request_change", args=[row.pk])).status_code == 200
    response = admin.post(reverse("admin:open311_apikey_changelist"),
                          {"action": "revoke", "_selected_action": [key.pk]}, follow=True)
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None and key.last_used_at is not None
    errors(post(api, good_request(raw)), "json", 403)
    # Keys are revoked, never deleted: their requests keep their client.
    assert admin.get(reverse("admin:open311_apikey_delete", args=[key.pk])).status_code == 403


def test_admin_checks_attribute_values(neighbor, admin_user):
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(admin_user)
    url = reverse("admin:open311_serviceattribute_add")
    base = {"category": neighbor.pk, "code": "kind", "order": 9, "description": "类型", "datatype": "singlevaluelist",
            "variable": "on"}
    response = admin.post(url, {**base, "values": "[]"})
    assert response.status_code == 200 and response.context["adminform"].form.errors.get("values")
    response = admin.post(url, {**base, "values": '[{"key": "a"}]'})
    assert response.context["adminform"].form.errors.get("values")
    response = admin.post(url, {**base, "values": '[{"key": "a", "name": "甲"}]'})
    assert response.status_code == 302
    assert ServiceAttribute.objects.filter(code="kind").exists()


def test_demo_key(client, neighbor):
    key = actions.ensure_demo_key()
    assert actions.ensure_demo_key() == key and ApiKey.objects.count() == 1
    assert post(client, good_request("demo-open311-key")).status_code == 200


# --- an existing client library ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_georeport_client_library_reads_our_api(live_server, org, api_key, alice):
    """`georeport` (PyPI), unchanged, against the live server in both formats."""
    georeport = pytest.importorskip("georeport")
    load_taxonomy()
    neighbor = Category.objects.get(code="dispute.neighbor")
    ServiceAttribute.objects.create(category=neighbor, code="where", datatype="singlevaluelist", required=True,
                                    description="漏水位置", values=[{"key": "1", "name": "卫生间"}])
    answer = parse(post(Client(), good_request(api_key, **{"attribute[rooms][]": None, "attribute[since]": None,
                                                              "attribute[floors]": None, "attribute[where]": "1"})))
    code = answer[0]["service_request_id"]
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(f"{live_server.url}/open311/v2", jurisdiction="wuda.gov.cn", output_format=fmt)
        services = client.get_service_list()
        assert "dispute.neighbor" in [s["service_code"] for s in services]
        definition = client.get_service_definition("dispute.neighbor")
        assert definition["service_code"] == "dispute.neighbor"
        requests = client.get_service_requests(service_request_id=code)
        request = requests if isinstance(requests, dict) else requests[0]  # xmltodict: one child is a dict
        assert request["service_request_id"] == code and request["status"] == "open"
        assert client.get_service_request(code)["service_request_id"] == code


def test_demo_attributes(client, taxonomy):
    assert actions.ensure_demo_attributes() == 1
    assert actions.ensure_demo_attributes() == 0
    body = parse(client.get(f"{V2}/services/estate.facilities.json"))
    assert body["attributes"][0]["code"] == "facility" and body["attributes"][0]["required"] is True


def test_web_clients_of_any_origin(client, neighbor):
    """Public data without cookies: CORS lets browser-based Open311 clients read it."""
    response = client.get(f"{V2}/services.json", HTTP_ORIGIN="https://map.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"{V2}/services/nope.nothing.xml")["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(f"{V2}/requests.json", HTTP_ORIGIN="https://map.example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, POST"


def test_a_nul_in_the_url_is_a_specification_error(client, neighbor):
    """A NUL is refused at the door (PostgreSQL cannot compare it), in the URL's format."""
    response = client.get(f"{V2}/requests.json?service_code=a%00b")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert parse(response)[0]["code"] == 400
    response = client.get(f"{V2}/requests.xml?status=%00")
    assert response.status_code == 400 and "xml" in response["Content-Type"]
    assert ET.fromstring(response.content).find("error/code").text == "400"
    api = client.get("/api/matters/?q=%00")
    assert api.status_code == 400 and api.json()["message"]
    page = client.get("/board/?q=%00")  # elsewhere: plain text
    assert page.status_code == 400 and page["Content-Type"].startswith("text/plain")
