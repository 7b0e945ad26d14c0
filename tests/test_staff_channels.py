"""The staff intake desks: hotline (来电登记), grid patrol (网格巡查) with follow-up visits,
walk-in (来访登记), and publishing to the public board — as alice (dispatcher of 新达街道),
bob (read-only leader), charlie (dispatcher of 三道坎街道) and the desk roles use them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from safeharbor.core.crypto import blind_index
from safeharbor.core.models import User
from safeharbor.intake.models import Publication
from safeharbor.lib.redact import public_place, redact_text
from safeharbor.matters import actions
from safeharbor.matters.models import Matter
from tests.factories import CategoryFactory, UserFactory

PHONE = "13947306618"


@pytest.fixture
def labor(org):
    return CategoryFactory(code="dispute.labor", name_zh="劳动争议、拖欠工资", domain=org.domain, default_unit=org.justice)


@pytest.fixture
def leak(org):
    return CategoryFactory(code="dispute.neighbor", name_zh="邻里纠纷", domain=org.domain, default_unit=org.justice)


@pytest.fixture
def grid_worker(org):
    return UserFactory(username="grid", full_name="马丽娟", role=User.Role.GRID_WORKER, areas=[org.grid])


@pytest.fixture
def other_grid_worker(org):
    return UserFactory(username="grid2", role=User.Role.GRID_WORKER, areas=[org.tuanjie])


@pytest.fixture
def harbor_staff(org):
    return UserFactory(username="desk", full_name="杨晓红", role=User.Role.HARBOR_STAFF, harbor=org.harbor)


@pytest.fixture
def handler(org):
    return UserFactory(username="handler", role=User.Role.UNIT_HANDLER, unit=org.police)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def body(response) -> str:
    return response.content.decode()


def png(name="finding.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def call(client, **data):
    defaults = {"phone": PHONE, "description": "包工头拖欠工资三个月了", "category": "", "area": "", "urgency": "normal",
                "address": "", "name": ""}
    return client.post(reverse("intake:hotline"), {**defaults, **data})


# --- Hotline desk --------------------------------------------------------------------------------


def test_hotline_registers_a_call_and_shows_the_codes_once(client, org, alice, labor):
    client.force_login(alice)
    page = body(client.get(reverse("intake:hotline")))
    assert 'autofocus' in page and 'name="phone"' in page
    assert page.index('name="phone"') < page.index('name="description"') < page.index('name="category"') \
        < page.index('name="area"') < page.index('name="urgency"')
    assert 'data-ctrl-enter' in page and f'value="{labor.name_zh}"' in page  # the category suggestions
    response = call(client, category="工资", area=org.grid.pk, address="团结路在建工地", name="赵建军")
    assert response.status_code == 302 and response.url == reverse("intake:hotline")
    matter = Matter.objects.get()
    assert matter.source == Matter.Source.HOTLINE and matter.created_by == alice
    assert matter.category == labor and matter.area == org.grid and matter.reporter_name == "赵建军"
    assert matter.reporter_phone == PHONE and matter.reporter_phone_index == blind_index(PHONE)
    page = body(client.get(reverse("intake:hotline")))
    date_part, rest = matter.tracking_code.split("-")
    assert f"{date_part} - {rest[:3]} {rest[3:]}" in page  # read aloud in groups
    assert 'data-check="' in page and 'value="' + PHONE not in page  # the form is empty again
    assert 'data-check="' not in body(client.get(reverse("intake:hotline")))  # shown once


def test_hotline_category_by_code_and_unknown_category(client, alice, labor):
    client.force_login(alice)
    assert call(client, category="dispute.labor").status_code == 302
    assert Matter.objects.get().category == labor
    response = call(client, category="不存在的类别")
    assert response.status_code == 400 and "不存在的类别" in body(response)
    assert Matter.objects.count() == 1


def test_hotline_without_area_goes_to_the_district(client, org, alice):
    client.force_login(alice)
    assert call(client).status_code == 302
    assert Matter.objects.get().area in (org.district, org.xinda)


def test_hotline_empty_words_are_refused(client, alice):
    client.force_login(alice)
    response = call(client, description="  ")
    assert response.status_code == 400 and not Matter.objects.exists()


@pytest.mark.parametrize("role", ["dispatcher", "harbor_staff", "admin"])
def test_hotline_is_open_to_the_desk_roles(client, org, role):
    user = UserFactory(role=role, areas=[org.xinda], harbor=org.harbor, is_superuser=role == "admin")
    client.force_login(user)
    assert client.get(reverse("intake:hotline")).status_code == 200


@pytest.mark.parametrize("who", ["bob", "grid_worker", "handler"])
def test_hotline_refuses_other_roles(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("intake:hotline")).status_code == 403
    assert call(client).status_code == 403
    assert client.post(reverse("intake:same_caller"), {"phone": PHONE}).status_code == 403
    assert not Matter.objects.exists()


def test_charlie_cannot_register_a_call_in_alices_area(client, org, charlie):
    client.force_login(charlie)
    response = call(client, area=org.grid.pk)
    assert response.status_code == 400 and not Matter.objects.exists()


# --- Same caller before ----------------------------------------------------------------------------


@pytest.fixture
def earlier_calls(org, alice, charlie, labor):
    first, _ = actions.create_matter(actor=alice, description="工地拖欠工资4.6万元", source="hotline", category=labor,
                                     area=org.grid, reporter_phone=PHONE)
    second, _ = actions.create_matter(actor=alice, description="再次反映拖欠工资", source="hotline", category=labor,
                                      area=org.grid, reporter_phone="+86 139-4730-6618")
    elsewhere, _ = actions.create_matter(actor=charlie, description="三道坎的事", source="hotline", area=org.tuanjie,
                                         reporter_phone=PHONE)
    other, _ = actions.create_matter(actor=alice, description="别人的电话", area=org.grid, reporter_phone="13800000000")
    return first, second, elsewhere, other


def test_same_caller_finds_the_earlier_calls_in_scope(client, alice, earlier_calls):
    first, second, elsewhere, other = earlier_calls
    client.force_login(alice)
    page = body(client.post(reverse("intake:same_caller"), {"phone": "139 4730 6618"}, HTTP_HX_REQUEST="true"))
    assert first.tracking_code in page and second.tracking_code in page
    assert elsewhere.tracking_code not in page and other.tracking_code not in page  # charlie's caller, another caller
    assert page.index(second.tracking_code) < page.index(first.tracking_code)  # newest first
    assert "劳动争议、拖欠工资" in page and "data-copy-earlier" in page and f'data-area="{first.area_id}"' in page
    assert "<html" not in page  # a partial for htmx


def test_same_caller_is_scoped_for_charlie(client, charlie, earlier_calls):
    first, second, elsewhere, _other = earlier_calls
    client.force_login(charlie)
    page = body(client.post(reverse("intake:same_caller"), {"phone": PHONE}))
    assert elsewhere.tracking_code in page
    assert first.tracking_code not in page and second.tracking_code not in page


def test_same_caller_needs_a_whole_number(client, alice, earlier_calls):
    client.force_login(alice)
    page = body(client.post(reverse("intake:same_caller"), {"phone": "139"}))
    assert earlier_calls[0].tracking_code not in page


def test_hotline_phone_field_asks_for_the_same_caller(client, alice):
    client.force_login(alice)
    page = body(client.get(reverse("intake:hotline")))
    assert f'hx-post="{reverse("intake:same_caller")}"' in page and 'hx-target="#same-caller"' in page
    assert client.get(reverse("intake:same_caller"), {"phone": PHONE}).status_code == 405  # never in a URL


# --- Grid patrol --------------------------------------------------------------------------------------


def patrol(client, **data):
    return client.post(reverse("intake:patrol"), {"description": "小区门口路灯坏了", "address": "永昌路", "lat": "",
                                                   "lon": "", **data})


def test_grid_worker_registers_a_finding_with_a_photo(client, org, grid_worker, media):
    client.force_login(grid_worker)
    page = body(client.get(reverse("intake:patrol")))
    assert f'<option value="{org.grid.pk}" selected>' in page
    response = patrol(client, area=org.grid.pk, photos=[png()])
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.source == Matter.Source.PATROL and matter.area == org.grid and matter.created_by == grid_worker
    assert matter.attachments.count() == 1 and matter.attachments.get().content_type == "image/png"


def test_patrol_areas_are_the_workers_grids_only(client, org, grid_worker, media):
    client.force_login(grid_worker)
    page = body(client.get(reverse("intake:patrol")))
    assert f'value="{org.tuanjie.pk}"' not in page and f'value="{org.yongchang.pk}"' not in page
    assert patrol(client, area=org.tuanjie.pk).status_code == 400  # another community's area
    assert patrol(client, area=org.yongchang.pk).status_code == 400  # a community, not a grid
    assert not Matter.objects.exists()


def test_patrol_refuses_a_photo_that_is_not_one(client, org, grid_worker, media):
    client.force_login(grid_worker)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = patrol(client, area=org.grid.pk, photos=[fake])
    assert response.status_code == 400 and not Matter.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob", "harbor_staff"])
def test_patrol_is_for_grid_workers(client, org, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("intake:patrol")).status_code == 403
    assert patrol(client, area=org.grid.pk).status_code == 403


def test_patrol_lists_my_grids_and_records_a_visit(client, org, alice, grid_worker, handler):
    mine, _ = actions.create_matter(actor=alice, description="楼道堆放杂物", area=org.grid)
    theirs, _ = actions.create_matter(actor=alice, description="社区里别处的事", area=org.yongchang)
    actions.dispatch_matter(mine, actor=alice, unit=org.police)
    actions.accept_matter(mine, actor=handler)
    actions.resolve_matter(mine, actor=handler, result="已清理")
    client.force_login(grid_worker)
    page = body(client.get(reverse("intake:patrol")))
    visit = reverse("intake:visit", args=[mine.pk])
    assert mine.tracking_code in page and theirs.tracking_code not in page and visit in page
    assert client.get(visit).status_code == 200
    response = client.post(visit, {"contacted": "yes", "solved": "yes", "satisfaction": "basic", "comment": "好多了"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Matter.Status.CLOSED and mine.satisfaction == "basic"
    assert mine.follow_ups.get().channel == "visit"


def test_visit_outside_the_grids_is_404_and_needs_a_resolved_matter(client, org, alice, grid_worker,
                                                                   other_grid_worker):
    mine, _ = actions.create_matter(actor=alice, description="楼道堆放杂物", area=org.grid)
    client.force_login(other_grid_worker)
    assert client.get(reverse("intake:visit", args=[mine.pk])).status_code == 404
    assert client.get(reverse("intake:visit", args=[999999])).status_code == 404
    client.force_login(grid_worker)
    response = client.post(reverse("intake:visit", args=[mine.pk]),
                           {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied"})
    assert response.status_code == 409 and not mine.follow_ups.exists()  # not resolved yet


# --- Walk-in desk -----------------------------------------------------------------------------------


def test_walk_in_registers_at_the_users_harbor(client, org, harbor_staff, leak):
    client.force_login(harbor_staff)
    page = body(client.get(reverse("intake:walk_in")))
    assert f'<option value="{org.harbor.pk}" selected>' in page
    response = client.post(reverse("intake:walk_in"), {
        "harbor": org.harbor.pk, "name": "王桂兰", "phone": "13904735216", "category": leak.pk,
        "description": "楼上卫生间漏水，我家天花板都泡了", "address": "永昌佳苑5号楼"})
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.source == Matter.Source.WALK_IN and matter.harbor == org.harbor and matter.area == org.yongchang
    assert matter.category == leak and matter.reporter_name == "王桂兰"
    assert 'data-check="' in body(client.get(reverse("intake:walk_in")))


def test_walk_in_at_another_harbor_is_refused(client, org, harbor_staff):
    client.force_login(harbor_staff)
    response = client.post(reverse("intake:walk_in"), {"harbor": org.other_harbor.pk, "description": "有事反映"})
    assert response.status_code == 400 and not Matter.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob", "grid_worker"])
def test_walk_in_is_for_harbor_staff(client, org, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("intake:walk_in")).status_code == 403


# --- Every channel in the one inbox ---------------------------------------------------------------------


def test_the_matter_list_filters_by_source(client, org, alice, grid_worker, harbor_staff, media):
    client.force_login(alice)
    call(client, description="热线来电")
    client.force_login(grid_worker)
    patrol(client, area=org.grid.pk, description="巡查发现")
    client.force_login(harbor_staff)
    client.post(reverse("intake:walk_in"), {"harbor": org.harbor.pk, "description": "来访反映"})
    assert sorted(Matter.objects.values_list("source", flat=True)) == ["hotline", "patrol", "walk_in"]
    client.force_login(alice)
    every = body(client.get(reverse("matters:list"), {"inbox": "all"}))
    codes = {m.source: m.tracking_code for m in Matter.objects.all()}
    assert all(code in every for code in codes.values())
    only = body(client.get(reverse("matters:list"), {"inbox": "all", "source": "patrol"}))
    assert codes["patrol"] in only and codes["hotline"] not in only and codes["walk_in"] not in only


def test_navigation_shows_the_desks_by_role(client, alice, grid_worker, harbor_staff, admin_user):
    client.force_login(alice)
    page = body(client.get(reverse("home")))
    assert reverse("intake:hotline") in page and reverse("intake:patrol") not in page
    assert reverse("intake:import") not in page
    client.force_login(grid_worker)
    assert reverse("intake:patrol") in body(client.get(reverse("home")))
    client.force_login(harbor_staff)
    page = body(client.get(reverse("home")))
    assert reverse("intake:walk_in") in page and reverse("intake:hotline") in page
    client.force_login(admin_user)
    assert reverse("intake:import") in body(client.get(reverse("home")))


# --- Publishing to the public board ----------------------------------------------------------------------


@pytest.fixture
def public_matter(org, alice):
    matter, _ = actions.create_matter(
        actor=alice, area=org.grid, address="新达街道永昌佳苑小区5号楼2单元402",
        description="我是王桂兰，电话13904735216，身份证150304198805061234。5号楼2单元门口下水道堵了，污水漫到路上。")
    return matter


def test_redaction_helpers():
    text = redact_text("电话13904735216，身份证15030419880506123X，住5号楼2单元402，座机0473-3128610，欠薪4.6万元")
    assert "13904735216" not in text and "15030419880506123X" not in text and "402" not in text
    assert "3128610" not in text and "4.6万元" in text and "×号楼×单元" in text
    assert public_place("新达街道永昌佳苑小区5号楼2单元402") == "新达街道永昌佳苑小区"
    assert public_place("", fallback="永昌佳苑社区") == "永昌佳苑社区"


def test_the_matter_page_loads_the_board_panel(client, alice, public_matter):
    client.force_login(alice)
    page = body(client.get(reverse("matters:detail", args=[public_matter.pk])))
    assert f'hx-get="{reverse("intake:publication", args=[public_matter.pk])}"' in page


def test_dispatcher_publishes_with_personal_data_masked_then_withdraws(client, alice, public_matter):
    client.force_login(alice)
    url = reverse("intake:publication", args=[public_matter.pk])
    panel = body(client.get(url, HTTP_HX_REQUEST="true"))
    assert "13904735216" not in panel and "150304198805061234" not in panel and "2单元402" not in panel
    assert 'value="新达街道永昌佳苑小区"' in panel and "下水道堵了" in panel
    response = client.post(url, {"title": "永昌佳苑小区下水道堵塞", "text": "小区×号楼门口下水道堵了", "place": "永昌佳苑小区"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    entry = Publication.objects.get(matter=public_matter)
    assert entry.place == "永昌佳苑小区" and entry.published_by == alice and entry.withdrawn_at is None
    Publication.objects.filter(pk=entry.pk).update(me_too_count=7)
    assert 'id="me-too-count">7<' in body(client.get(url))
    response = client.post(reverse("intake:withdraw", args=[public_matter.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None


def test_publishing_needs_the_fields(client, alice, public_matter):
    client.force_login(alice)
    response = client.post(reverse("intake:publication", args=[public_matter.pk]), {"title": "", "text": "",
                                                                                     "place": ""})
    assert response.status_code == 400 and not Publication.objects.exists()


def test_publishing_is_for_dispatchers_in_scope(client, org, bob, charlie, handler, grid_worker, public_matter):
    url = reverse("intake:publication", args=[public_matter.pk])
    data = {"title": "标题", "text": "内容", "place": "永昌佳苑小区"}
    client.force_login(charlie)
    assert client.get(url).status_code == 404 and client.post(url, data).status_code == 404
    assert client.post(reverse("intake:withdraw", args=[public_matter.pk])).status_code == 404
    client.force_login(bob)
    assert client.post(url, data).status_code == 403
    client.force_login(grid_worker)
    assert client.post(url, data).status_code == 403
    assert 'name="title"' not in body(client.get(url))  # sees the panel, not the form
    assert not Publication.objects.exists()
