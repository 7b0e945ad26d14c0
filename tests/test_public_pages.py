"""The public pages as residents use them, without an account: find a harbor, report,
track with the two codes, add information, answer the follow-up, the public board."""

import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from safeharbor.core.models import User
from safeharbor.intake import actions as intake_actions
from safeharbor.intake.models import MeToo, Publication
from safeharbor.matters import actions
from safeharbor.matters.models import Attachment, Matter, MatterEvent
from tests.factories import CategoryFactory, PortFactory, UserFactory

LEAK = "楼上卫生间漏水，我家天花板都泡了，找了好几次没人管"
WRONG = "受理编号或查询码不正确"
# A box around Wuda District, and a point in Beijing.
DISTRICT = {"type": "Polygon", "coordinates": [[[106.575, 39.42], [106.825, 39.42], [106.825, 39.58],
                                                 [106.575, 39.58], [106.575, 39.42]]]}
XINDA = {"type": "Polygon", "coordinates": [[[106.7, 39.42], [106.825, 39.42], [106.825, 39.58], [106.7, 39.58],
                                              [106.7, 39.42]]]}
INSIDE = (39.5, 106.75)
BEIJING = (39.9042, 116.4074)


@pytest.fixture(autouse=True)
def _public(settings, tmp_path, org):
    """A cache of its own for the rate limits, files in a temporary media root, and the
    district's outline (so that map points can be checked)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"public-{tmp_path.name}"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_RATE = settings.TRACK_RATE = "1000/m"
    cache.clear()
    org.district.geometry = DISTRICT
    org.district.save()
    org.xinda.geometry = XINDA
    org.xinda.save()
    yield
    cache.clear()


@pytest.fixture
def category(org):
    return CategoryFactory(code="dispute.neighbor", name_zh="邻里纠纷", domain=org.domain, default_unit=org.justice)


@pytest.fixture
def handler(org):
    return UserFactory(username="handler", full_name="刘东升", role=User.Role.UNIT_HANDLER, unit=org.justice)


def body(response) -> str:
    return response.content.decode()


def photo(name="leak.jpg", fmt="JPEG", size=(80, 60)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def report(client, url="/report/", **fields):
    data = {"description": LEAK, "identity": "named", **fields}
    return client.post(url, data)


def codes_from_receipt(client) -> tuple[str, str]:
    page = body(client.get(reverse("public:receipt")))
    code = re.search(r'id="tracking-code">([^<]+)<', page).group(1)
    check = re.search(r'id="check-code">([^<]+)<', page).group(1)
    return code, check


def submitted(client, url="/report/yongchang/", **fields) -> tuple[Matter, str]:
    """Report through the page (by default from the QR code of the 永昌佳苑 harbor, in
    alice's sub-district); returns the matter and the check code from the receipt."""
    response = report(client, url, **fields)
    assert response.status_code == 302, body(response)
    code, check = codes_from_receipt(client)
    return Matter.objects.get(tracking_code=code), check


def track(client, code, check):
    return client.post(reverse("public:track"), {"code": code, "check": check})


# --- home ----------------------------------------------------------------------------------


def test_home_lists_the_harbors_with_their_hotlines_to_anyone(client, org):
    PortFactory(harbor=org.harbor, owner_unit=org.women)
    org.harbor.phone, org.harbor.opening_hours = "0473-3128610", "周一至周五 8:30-18:00"
    org.harbor.save()
    response = client.get("/")
    page = body(response)
    assert response.status_code == 200
    assert "永昌佳苑平安港湾" in page and "团结社区平安港湾" in page
    assert 'href="tel:0473-3128610"' in page and "周一至周五 8:30-18:00" in page
    assert "巾帼港" in page and "妇女维权专线" in page and 'href="tel:12338"' in page
    assert org.domain.name_zh in page
    for url in ("public:report", "public:track", "public:board"):
        assert f'href="{reverse(url)}"' in page
    assert f'href="{reverse("login")}"' in page  # the small staff login link
    assert "leaflet.js" in page and "cdn" not in page.lower()


def test_logged_in_staff_are_sent_to_their_desk(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("home") == "/desk/"


def test_the_map_data_is_the_installations_own_geometry(client, org):
    data = client.get(reverse("public:area_map")).json()
    assert data["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"乌达区", "新达街道"} <= names


def test_the_public_pages_switch_language_without_an_account(client):
    response = client.post(reverse("public:set_language"), {"language": "en", "next": "/track/"})
    assert response.status_code == 302 and response["Location"] == "/track/"
    assert "Track progress" in body(client.get("/track/"))


# --- report --------------------------------------------------------------------------------


def test_a_web_report_gives_both_codes_and_creates_one_matter(client, org, category):
    count = Matter.objects.count()
    response = report(client, category=category.pk, address="永昌佳苑5号楼", phone="139 0473 1234", name="王阿姨",
                      photos=[photo()], lat=str(INSIDE[0]), lon=str(INSIDE[1]))
    assert response.status_code == 302 and response["Location"] == reverse("public:receipt")
    assert Matter.objects.count() == count + 1
    code, check = codes_from_receipt(client)
    assert code not in response["Location"] and check not in response["Location"]  # codes travel in the session
    matter = Matter.objects.get(tracking_code=code)
    assert matter.source == "web" and matter.harbor is None and matter.category == category
    assert matter.description == LEAK and matter.address == "永昌佳苑5号楼"
    assert matter.reporter_name == "王阿姨" and matter.reporter_phone == "139 0473 1234"
    assert matter.area == org.xinda  # the deepest area with an outline around the point
    assert (matter.lat, matter.lon) == INSIDE
    assert intake_actions.find_for_resident(code, check) == matter
    # The phone is stored encrypted; the photo arrived without its name's extension tricks.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM matters_matter WHERE id = %s", [matter.pk])
        assert "0473" not in cursor.fetchone()[0]
    [attachment] = matter.attachments.all()
    assert attachment.public and attachment.content_type == "image/jpeg" and attachment.event is None
    page = body(client.get(reverse("public:receipt")))
    assert "请保存" in page and reverse("public:track_detail", args=[code]) in page


def test_a_tracking_code_drawn_twice_is_drawn_again_and_the_report_goes_through(client, org, monkeypatch):
    """Codes are not looked up before the insert: the unique constraint catches a repeat."""
    from safeharbor.lib import codes

    assert report(client).status_code == 302
    taken, _check = codes_from_receipt(client)
    draws = iter([taken, taken, "261129-NEWXYZ"])
    monkeypatch.setattr(codes, "tracking_code", lambda day: next(draws))
    count = Matter.objects.count()
    assert report(client, photos=[photo()]).status_code == 302
    code, check = codes_from_receipt(client)
    assert code == "261129-NEWXYZ" and Matter.objects.count() == count + 1
    matter = intake_actions.find_for_resident(code, check)
    assert matter.events.count() == 1 and matter.attachments.count() == 1


def test_the_qr_page_preselects_the_harbor_and_records_the_qr_source(client, org):
    url = reverse("public:report_harbor", args=[org.harbor.code])
    assert url == "/report/yongchang/"
    page = body(client.get(url))
    assert "永昌佳苑平安港湾" in page
    response = report(client, url=url)
    assert response.status_code == 302
    code, _check = codes_from_receipt(client)
    matter = Matter.objects.get(tracking_code=code)
    assert matter.source == "qr" and matter.harbor == org.harbor and matter.area == org.yongchang
    assert "永昌佳苑平安港湾" in body(client.get(reverse("public:receipt")))


def test_choosing_a_harbor_from_the_home_page_is_a_web_report(client, org):
    page = body(client.get(f"/report/?harbor={org.harbor.code}"))
    assert "永昌佳苑平安港湾" in page and f'name="harbor" value="{org.harbor.code}"' in page
    assert report(client, harbor=org.harbor.code).status_code == 302
    matter = Matter.objects.get(tracking_code=codes_from_receipt(client)[0])
    assert matter.source == "web" and matter.harbor == org.harbor


def test_an_unknown_or_inactive_harbor_code_is_404(client, org):
    assert client.get("/report/no-such-harbor/").status_code == 404
    org.other_harbor.active = False
    org.other_harbor.save()
    assert client.get(f"/report/{org.other_harbor.code}/").status_code == 404


def test_an_unknown_or_retired_category_is_refused_and_the_list_stays_current(client, category):
    retired = CategoryFactory(domain=category.domain, name_zh="已停用的类别", active=False)
    for value in (retired.pk, 987654, "x"):
        response = report(client, category=value)
        assert response.status_code == 400 and "选择一个有效的选项" in body(response)
    assert not Matter.objects.exists()
    # The forms share their field's query, never its results: a category switched on now is
    # offered and accepted on the next page at once.
    retired.active = True
    retired.save()
    assert "已停用的类别" in body(client.get("/report/"))
    assert report(client, category=retired.pk).status_code == 302


def test_categories_are_grouped_by_domain_with_not_sure_first(client, category):
    page = body(client.get("/report/"))
    select = page[page.index('name="category"'):]
    select = select[: select.index("</select>")]
    assert select.index("不清楚") < select.index(f'<optgroup label="{category.domain.name_zh}">') < select.index("邻里纠纷")


def big_file(name="big.jpg", size=10 * 1024 * 1024):
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"\x00" * size, content_type="image/jpeg")


def exe_as_jpg():
    return SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 4096, content_type="image/jpeg")


BAD_INPUT = {
    "empty text": ({"description": "   "}, "请描述"),
    "2001 characters": ({"description": "漏" * 2001}, "2000"),
    "a 10 MB photo": ({"photos": "big"}, "8 MB"),
    "an exe renamed .jpg": ({"photos": "exe"}, "photo.jpg"),
    "four photos": ({"photos": "four"}, "3"),
    "a point in Beijing": ({"lat": str(BEIJING[0]), "lon": str(BEIJING[1])}, "本区范围"),
    "half a point": ({"lat": "39.5", "lon": ""}, "位置"),
    "a point that is not a number": ({"lat": "abc", "lon": "def"}, "位置"),
    "a malformed phone": ({"phone": "12ab34"}, "电话"),
    "a phone with too few digits": ({"phone": "12345"}, "电话"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, settings, case):
    fields, words = BAD_INPUT[case]
    fields = dict(fields)
    # A good photo first, so that a later bad one must not leave the good one's file behind.
    files = {"big": [photo(), big_file()], "exe": [photo(), exe_as_jpg()], "four": [photo(f"{i}.jpg") for i in range(4)]}
    if "photos" in fields:
        fields["photos"] = files[fields["photos"]]
    count, events, attachments = Matter.objects.count(), MatterEvent.objects.count(), Attachment.objects.count()
    response = report(client, **fields)
    assert response.status_code == 400
    page = body(response)
    assert re.search(r'class="field-error"[^>]*>[^<]*' + re.escape(words), page), page[page.find("field-error") - 200:]
    assert 'aria-invalid="true"' in page
    assert Matter.objects.count() == count and MatterEvent.objects.count() == events
    assert Attachment.objects.count() == attachments
    assert media_files(settings) == []  # no orphan files
    assert "intake_receipt" not in client.session
    if fields.get("description", LEAK).strip():
        assert (fields.get("description") or LEAK)[:50] in page  # what the resident typed is kept


def test_a_body_too_large_for_three_photos_is_refused_before_it_is_read(client):
    response = client.post("/report/", {"description": LEAK}, CONTENT_LENGTH=str(40 * 1024 * 1024))
    assert response.status_code == 400 and "照片" in body(response)
    assert not Matter.objects.exists()


def test_script_tags_are_shown_escaped_to_the_resident_and_to_the_staff(client, alice):
    script = "<script>alert(1)</script>水管爆了"
    matter, check = submitted(client, description=script, address="<b>团结路</b>", name="<img src=x onerror=alert(2)>")
    assert track(client, matter.tracking_code, check).status_code == 302
    page = body(client.get(reverse("public:track_detail", args=[matter.tracking_code])))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;水管爆了" in page and "<script>alert(1)" not in page
    assert "&lt;b&gt;团结路&lt;/b&gt;" in page
    client.force_login(alice)
    staff = body(client.get(reverse("matters:detail", args=[matter.pk])))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in staff and "<script>alert(1)" not in staff
    assert "<img src=x" not in staff and "<b>团结路" not in staff


def test_reports_are_rate_limited_per_client(client, settings):
    settings.REPORT_RATE = "3/m"
    for _ in range(3):
        assert report(client).status_code == 302
    response = report(client)
    assert response.status_code == 429
    assert "请稍候" in body(response) or "稍等" in body(response)
    assert Matter.objects.count() == 3
    assert client.get("/report/").status_code == 200  # reading the form is not limited
    assert client.post("/report/", {"description": LEAK}, REMOTE_ADDR="10.1.2.3").status_code == 302


# --- tracking ------------------------------------------------------------------------------


def test_the_receipt_needs_a_report_in_this_session(client):
    assert client.get(reverse("public:receipt"))["Location"] == reverse("public:report")


@pytest.fixture
def handled(client, org, alice, handler, category):
    """A report dispatched with an instruction, noted internally, accepted and in progress."""
    matter, check = submitted(client, photos=[photo()])
    client.cookies.clear()  # another visit: the session does not know the code yet
    actions.dispatch_matter(matter, actor=alice, unit=org.justice, note="内部：请司法所调解员上门，注意楼上住户有前科")
    actions.accept_matter(matter, actor=handler)
    actions.add_note(matter, actor=handler, note="内部备注：楼上是副局长亲戚")
    actions.add_note(matter, actor=handler, note="调解员已约好明天上门查看", public=True)
    return matter, check


def test_right_codes_show_the_timeline_without_staff_names_or_internal_notes(client, handled, alice, handler):
    matter, check = handled
    response = track(client, matter.tracking_code.lower().replace("-", ""), f" {check} ")
    assert response["Location"] == reverse("public:track_detail", args=[matter.tracking_code])
    page = body(client.get(response["Location"]))
    assert "办理中" in page  # the status in plain words
    assert "您的反映已登记受理" in page and "已转交司法局" in page and "调解员已约好明天上门查看" in page
    assert "应于" in page and "前办结" in page  # the deadline in plain words
    assert re.search(r"\d+月\d+日 \d\d:\d\d", page)  # dates as people say them
    for secret in ("内部", "副局长", "前科", alice.full_name, handler.full_name, "alice", "handler"):
        assert secret not in page
    assert LEAK in page  # their own words


def test_wrong_codes_all_get_the_same_message_and_no_access(client, handled):
    matter, check = handled
    other_check = "000000" if check != "000000" else "111111"
    answers = []
    for code, given in ((matter.tracking_code, other_check), ("261128-ZZZZZZ", check), ("261128-ZZZZZZ", "999999")):
        response = track(client, code, given)
        page = body(response)
        answers.append((response.status_code, WRONG in page))
        proven = client.cookies.get("intake_tracked")
        assert proven is None or matter.tracking_code not in proven.value
    assert answers == [(200, True)] * 3
    # The matter's page itself sends the visitor to the form, with no content.
    response = client.get(reverse("public:track_detail", args=[matter.tracking_code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("public:track"))


def test_tracking_is_rate_limited(client, settings, handled):
    settings.TRACK_RATE = "3/m"
    matter, check = handled
    for _ in range(3):
        assert track(client, matter.tracking_code, "000001").status_code == 200
    assert track(client, matter.tracking_code, check).status_code == 429


def test_photos_are_served_only_to_the_session_that_proved_the_code(client, handled):
    matter, check = handled
    [attachment] = matter.attachments.all()
    url = reverse("public:track_photo", args=[matter.tracking_code, attachment.pk])
    assert client.get(url).status_code == 404
    track(client, matter.tracking_code, check)
    page = body(client.get(reverse("public:track_detail", args=[matter.tracking_code])))
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    other, _check = submitted(client)
    assert client.get(reverse("public:track_photo", args=[other.tracking_code, attachment.pk])).status_code == 404


def test_added_information_reaches_the_units_queue(client, handled, handler):
    matter, check = handled
    track(client, matter.tracking_code, check)
    url = reverse("public:track_info", args=[matter.tracking_code])
    response = client.post(url, {"text": "今天早上又漏了，水滴到电线上了", "photos": [photo("more.jpg")]})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.new_info_at is not None
    event = matter.events.get(action="info_added")
    assert event.note == "今天早上又漏了，水滴到电线上了" and event.unit == handler.unit
    assert event.attachments.count() == 1
    page = body(client.get(reverse("public:track_detail", args=[matter.tracking_code])))
    assert "您补充了信息" in page and "水滴到电线上了" in page
    client.force_login(handler)
    assert "水滴到电线上了" in body(client.get(reverse("matters:detail", args=[matter.pk])))
    # Nothing to add is refused, and nothing is written.
    client.logout()
    track(client, matter.tracking_code, check)
    response = client.post(url, {"text": " "})
    assert response.status_code == 400 and matter.events.filter(action="info_added").count() == 1


def resolve(matter, handler, result="调解员上门，楼上已修好防水层，天花板不再滴水"):
    if matter.status == "reopened":
        actions.accept_matter(matter, actor=handler)
    actions.resolve_matter(matter, actor=handler, result=result)
    matter.refresh_from_db()


def follow_up(client, matter, **answer):
    data = {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied", "comment": "", **answer}
    return client.post(reverse("public:track_follow_up", args=[matter.tracking_code]), data)


def test_satisfied_follow_up_closes_the_matter(client, handled, handler):
    matter, check = handled
    track(client, matter.tracking_code, check)
    detail = reverse("public:track_detail", args=[matter.tracking_code])
    assert "处理单位是否与您联系" not in body(client.get(detail))  # not before it is resolved
    resolve(matter, handler)
    page = body(client.get(detail))
    assert "楼上已修好防水层" in page and "处理单位是否与您联系" in page and "基本满意" in page
    response = follow_up(client, matter, satisfaction="basic", comment="修得挺快")
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == "closed" and matter.satisfaction == "basic"
    follow = matter.follow_ups.get()
    assert follow.channel == "web" and follow.contacted and follow.solved and follow.comment == "修得挺快"
    page = body(client.get(detail))
    assert "已办结" in page and "处理单位是否与您联系" not in page and "您的评价：基本满意" in page
    assert follow_up(client, matter).status_code == 400  # one answer per round
    assert matter.follow_ups.count() == 1


def test_unsatisfied_follow_up_reopens_and_says_what_happens_next(client, handled, handler):
    matter, check = handled
    track(client, matter.tracking_code, check)
    resolve(matter, handler)
    response = follow_up(client, matter, solved="no", satisfaction="unsatisfied", comment="还在漏")
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == "reopened" and matter.reopen_count == 1
    page = body(client.get(reverse("public:track_detail", args=[matter.tracking_code])))
    assert "重新办理" in page


def test_a_duplicate_reporter_follows_and_rates_the_main_matter(client, org, alice, handler, category):
    main, _main_check = submitted(client, description="团结路水管爆了，水漫到路上")
    duplicate, check = submitted(client, description="建设路路口自来水喷出来了", phone="13800000001")
    actions.merge_matter(duplicate, actor=alice, into=main)
    actions.dispatch_matter(main, actor=alice, unit=org.justice)
    actions.accept_matter(main, actor=handler)
    client.cookies.clear()
    track(client, duplicate.tracking_code, check)
    detail = reverse("public:track_detail", args=[duplicate.tracking_code])
    page = body(client.get(detail))
    assert "合并办理" in page and "办理中" in page and "已转交司法局" in page
    assert "团结路水管爆了" not in page  # not the other reporter's words
    resolve(main, handler, result="已更换爆裂管段，恢复供水")
    page = body(client.get(detail))
    assert "已更换爆裂管段" in page and "处理单位是否与您联系" in page
    assert follow_up(client, duplicate, satisfaction="basic").status_code == 302
    duplicate.refresh_from_db()
    main.refresh_from_db()
    assert duplicate.follow_ups.get().satisfaction == "basic" and duplicate.satisfaction == "basic"
    assert main.status == "resolved" and not main.follow_ups.exists()  # the main reporter still decides
    assert main.events.filter(action="follow_up", data__duplicate=duplicate.tracking_code).exists()
    assert follow_up(client, duplicate).status_code == 400


# --- the public board ------------------------------------------------------------------------


def publish(matter, alice, title="团结路水管爆裂", place="团结路与建设路路口", text="自来水管爆裂，路面积水"):
    return intake_actions.publish_matter(matter, actor=alice, title=title, text=text, place=place)


@pytest.fixture
def board(client, org, admin_user):
    alice = admin_user  # the far point lies outside alice's sub-district
    near, _ = submitted(client, lat="39.50", lon="106.76")
    far, _ = submitted(client, lat="39.43", lon="106.58")
    hidden, _ = submitted(client)
    secret, _ = submitted(client)
    withdrawn, _ = submitted(client)
    entries = {
        "near": publish(near, alice, title="近处的井盖丢了"),
        "far": publish(far, alice, title="远处的路灯坏了"),
        "withdrawn": publish(withdrawn, alice, title="撤下的条目"),
    }
    intake_actions.withdraw_publication(entries["withdrawn"], actor=alice)
    client.cookies.clear()
    return entries


def test_the_board_lists_only_published_entries_newest_first(client, board):
    page = body(client.get(reverse("public:board")))
    assert "近处的井盖丢了" in page and "远处的路灯坏了" in page
    assert "撤下的条目" not in page and LEAK not in page
    assert page.index("远处的路灯坏了") < page.index("近处的井盖丢了")  # newest first
    assert "已受理" in page
    assert client.get(reverse("public:board_detail", args=[board["withdrawn"].pk])).status_code == 404
    detail = body(client.get(reverse("public:board_detail", args=[board["near"].pk])))
    assert "近处的井盖丢了" in detail and "团结路与建设路路口" in detail


def test_the_board_orders_by_distance_and_filters_by_area(client, board, org):
    page = body(client.get(reverse("public:board"), {"lat": "39.51", "lon": "106.76"}))
    assert page.index("近处的井盖丢了") < page.index("远处的路灯坏了")
    assert "距您 1.1 公里" in page
    entries = [e.title for e in intake_queries_board(org.xinda)]
    assert entries == ["近处的井盖丢了"]


def intake_queries_board(area):
    from safeharbor.intake import queries

    return list(queries.board_entries(area=area))


def test_me_too_counts_once_per_client_and_keeps_a_phone(client, board):
    entry = board["near"]
    url = reverse("public:me_too", args=[entry.pk])
    assert client.post(url, {"phone": "13904731234"}).status_code == 302
    assert client.post(url, {}).status_code == 302
    entry.refresh_from_db()
    assert entry.me_too_count == 1
    assert MeToo.objects.get().phone == "13904731234"
    client.post(url, {}, HTTP_USER_AGENT="another phone")
    entry.refresh_from_db()
    assert entry.me_too_count == 2
    response = client.post(url, {"phone": "abc"}, HTTP_HX_REQUEST="true", HTTP_USER_AGENT="third")
    assert response.status_code == 400 and "电话" in body(response)
    assert Publication.objects.get(pk=entry.pk).me_too_count == 2
    response = client.post(url, {}, HTTP_HX_REQUEST="true", HTTP_USER_AGENT="third")
    assert response.status_code == 200 and '<span class="count">3</span>' in body(response)
    assert client.post(reverse("public:me_too", args=[board["withdrawn"].pk])).status_code == 404


def test_me_too_answers_429_when_abused(client, settings, board):
    settings.ME_TOO_RATE = "3/m"
    url = reverse("public:me_too", args=[board["near"].pk])
    for i in range(3):
        assert client.post(url, {}, HTTP_USER_AGENT=f"bot {i}").status_code == 302
    assert client.post(url, {}, HTTP_USER_AGENT="bot 4").status_code == 429
    assert Publication.objects.get(pk=board["near"].pk).me_too_count == 3


def test_a_named_reporter_with_a_phone_finds_how_to_stop_text_messages(client, org):
    matter, check = submitted(client, name="王女士", phone="13912345678", identity="named")
    track(client, matter.tracking_code, check)
    page = body(client.get(reverse("public:track_detail", args=[matter.tracking_code])))
    assert f"/notifications/stop/?code={matter.tracking_code}" in page
    anonymous, check2 = submitted(client, identity="anonymous")
    track(client, anonymous.tracking_code, check2)
    page = body(client.get(reverse("public:track_detail", args=[anonymous.tracking_code])))
    assert "Progress of your report" in page or "办理进度" in page or anonymous.tracking_code in page
    assert "/notifications/stop/" not in page
