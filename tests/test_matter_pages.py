"""The staff pages of the matter engine, as alice (dispatcher), bob (read-only leader),
charlie (another sub-district) and a police handler use them."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safeharbor.core.models import User
from safeharbor.matters import actions, rules
from safeharbor.matters.models import Commendation, Decision, Matter, Meeting, Supervision
from tests.factories import CategoryFactory, UserFactory

ACTION_NAMES = [
    "dispatch", "accept", "return", "assign", "note", "request_extension", "decide_extension", "resolve",
    "follow_up", "close", "merge", "reject", "supervise",
]


@pytest.fixture
def handler(org):
    return UserFactory(username="handler", full_name="刘东升", role=User.Role.UNIT_HANDLER, unit=org.police)


@pytest.fixture
def category(org):
    return CategoryFactory(code="dispute.neighbor", name_zh="邻里纠纷", domain=org.domain, default_unit=org.justice)


@pytest.fixture
def matter(org, alice, category):
    matter, _check = actions.create_matter(
        actor=alice, description="楼上漏水了，卫生间天花板都泡了", area=org.grid, category=category,
        address="永昌佳苑5号楼", reporter_name="王秀兰", reporter_phone="13904731234",
    )
    return matter


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def body(response) -> str:
    return response.content.decode()


def detail(matter) -> str:
    return reverse("matters:detail", args=[matter.pk])


def act(name: str, matter) -> str:
    return reverse(f"matters:{name}", args=[matter.pk])


def selected(page: str, select_id: str) -> list[str]:
    """The values selected in one <select> of the page."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def post(client, name, matter, **data):
    return client.post(act(name, matter), {"expected_status": Matter.objects.get(pk=matter.pk).status, **data})


# --- Every page renders ----------------------------------------------------------------------


def test_every_page_renders_for_alice(client, org, alice, matter, media):
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    [order] = actions.issue_supervision(actor=alice, matters=[matter], level="normal", reason="请尽快签收",
                                        reply_due=timezone.localdate())
    meeting = actions.create_meeting(actor=alice, kind="joint", title="新达街道联席会议", organizer=org.police,
                                     area=org.xinda, held_at=timezone.now())
    bare, _ = actions.create_matter(actor=alice, description="有人反映", area=org.grid)  # no category, no title
    client.force_login(alice)
    urls = [reverse("matters:list"), reverse("matters:new"), detail(matter), detail(bare),
            reverse("matters:supervision_list"),
            reverse("matters:supervision_detail", args=[order.pk]), reverse("matters:meeting_list"),
            reverse("matters:meeting_new"), reverse("matters:meeting_detail", args=[meeting.pk]),
            reverse("matters:commendation_list"), reverse("home")]
    urls += [reverse("matters:list") + f"?inbox={name}" for name in
             ("dispatch", "unit", "mine", "near_deadline", "overdue", "escalated", "extensions", "supervised", "all")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "退出" in body(response), url  # in Chinese


def test_navigation_has_the_matter_pages(client, alice):
    client.force_login(alice)
    page = body(client.get(reverse("home")))
    for label in ("事项", "督办", "会议"):
        assert f">{label}</a>" in page


def test_home_loads_the_inbox_counts(client, alice, matter):
    client.force_login(alice)
    page = body(client.get(reverse("home")))
    assert f'hx-get="{reverse("matters:inbox_tabs")}"' in page
    tabs = body(client.get(reverse("matters:inbox_tabs"), HTTP_HX_REQUEST="true"))
    assert 'href="/matters/?inbox=dispatch">待分拨 <span class="count">1</span>' in tabs
    assert "aria-current" not in tabs


# --- Scope: charlie 404, bob 403, bad ids 404 ----------------------------------------------------


def test_charlie_gets_404_on_alices_matter(client, charlie, matter):
    client.force_login(charlie)
    assert client.get(detail(matter)).status_code == 404
    assert matter.tracking_code not in body(client.get(reverse("matters:list") + "?inbox=all"))


@pytest.mark.parametrize("name", ACTION_NAMES)
def test_charlie_gets_404_on_every_action(client, charlie, matter, name):
    client.force_login(charlie)
    assert post(client, name, matter, reason="x", note="x").status_code == 404


@pytest.mark.parametrize("name", [n for n in ACTION_NAMES if n != "supervise"])
def test_bob_gets_403_on_every_action_but_supervise(client, bob, matter, name):
    client.force_login(bob)
    assert post(client, name, matter, reason="x", note="x").status_code == 403
    assert Matter.objects.get(pk=matter.pk).events.count() == 1  # nothing happened


def test_bob_may_supervise_and_sees_only_that_form(client, org, alice, bob, matter):
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    client.force_login(bob)
    page = body(client.get(detail(matter)))
    assert act("supervise", matter) in page
    assert act("dispatch", matter) not in page and act("note", matter) not in page
    response = post(client, "supervise", matter, level="key", reason="三天内办结",
                    reply_due=(timezone.localdate() + timedelta(days=3)).isoformat())
    assert response.status_code == 302
    order = Supervision.objects.get()
    assert order.unit == org.police and order.level == "key" and order.issued_by == bob


def test_bob_gets_403_on_register_and_meeting_forms(client, bob, org):
    client.force_login(bob)
    assert client.post(reverse("matters:new"), {"description": "x", "area": org.grid.pk}).status_code == 403
    assert client.post(reverse("matters:meeting_new"), {"title": "x"}).status_code == 403
    assert client.post(reverse("matters:commendation_list"), {"giver": "x"}).status_code == 403


def test_bad_ids_are_404(client, alice, matter):
    client.force_login(alice)
    assert client.get(reverse("matters:detail", args=[999999])).status_code == 404
    assert client.post(reverse("matters:accept", args=[999999])).status_code == 404
    assert client.get(reverse("matters:attachment", args=[999999])).status_code == 404
    assert client.get(reverse("matters:supervision_detail", args=[999999])).status_code == 404
    assert client.get(reverse("matters:meeting_detail", args=[999999])).status_code == 404


def test_actions_need_post(client, alice, matter):
    client.force_login(alice)
    assert client.get(act("dispatch", matter)).status_code == 405


# --- The life of a matter through the pages ------------------------------------------------------


def test_register_shows_tracking_and_check_code_once(client, alice, org, category):
    client.force_login(alice)
    response = client.post(reverse("matters:new"), {
        "source": "walk_in", "description": "小区门口路灯坏了一个星期", "urgency": "normal", "area": org.yongchang.pk,
        "category": category.pk, "reporter_name": "赵大爷", "reporter_phone": "13904730000",
    }, follow=True)
    matter = Matter.objects.get()
    page = body(response)
    assert response.redirect_chain[-1][0] == detail(matter)
    assert matter.tracking_code in page and "查询码" in page
    check = re.search(r"查询码\s*([0-9A-Z]{6})", page).group(1)
    assert actions.check_code_matches(matter, check)
    assert matter.created_by == alice and matter.source == "walk_in"
    assert "13904730000" not in page  # the phone is masked
    assert "查询码" not in body(client.get(detail(matter)))  # shown once


def test_register_refuses_an_area_outside_the_scope(client, alice, org):
    client.force_login(alice)
    response = client.post(reverse("matters:new"), {"source": "staff", "description": "x", "urgency": "normal",
                                                    "area": org.tuanjie.pk})
    assert response.status_code == 400
    assert not Matter.objects.exists()


def test_dispatch_accept_note_resolve_follow_up(client, org, alice, handler, matter, media):
    client.force_login(alice)
    page = body(client.get(detail(matter)))
    # The category's default unit (justice) is preselected; alice picks the police instead.
    assert selected(page, "id_dispatch_unit") == [str(org.justice.pk)]
    response = post(client, "dispatch", matter, unit=org.police.pk, co_units=[org.women.pk], urgency="normal",
                    category=matter.category_id, note="请核实后处理")
    assert response.status_code == 302
    page = body(client.get(detail(matter)))
    assert "已分拨至公安分局" in page.replace(" ", "")
    assert "签收" not in re.sub(r"<[^>]+>", "", page.split('id="actions"')[1].split("</aside>")[0])

    client.force_login(handler)
    assert matter.tracking_code in body(client.get(reverse("matters:list") + "?inbox=unit"))
    page = body(client.get(detail(matter)))
    assert act("accept", matter) in page and act("dispatch", matter) not in page
    assert post(client, "accept", matter).status_code == 302
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    response = client.post(act("note", matter), {"note": "已上门查看，楼上水管破裂", "files": [photo]})
    assert response.status_code == 302
    assert post(client, "resolve", matter, result="已联系物业更换水管").status_code == 302
    assert Matter.objects.get(pk=matter.pk).status == "resolved"

    client.force_login(alice)
    page = body(client.get(detail(matter)))
    assert "已上门查看，楼上水管破裂" in page and "现场.png" in page
    assert "基本满意" in page  # the follow-up form
    response = post(client, "follow_up", matter, channel="phone", contacted="yes", solved="yes",
                    satisfaction="basic", comment="修好了")
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == "closed" and matter.satisfaction == "basic"
    page = body(client.get(detail(matter)))
    assert "已归档" in page and "基本满意" in page
    assert "您目前对该事项没有可办理的操作" in page and "matter-layout no-actions" in page


def test_the_detail_page_offers_only_allowed_actions(client, org, alice, handler, matter):
    def offered(page):
        return {name for name in ACTION_NAMES if f'action="{act(name, matter)}"' in page}

    client.force_login(alice)
    page = body(client.get(detail(matter)))
    assert offered(page) == rules.allowed_actions(alice, matter)
    assert {"dispatch", "merge", "reject", "note"} <= offered(page)
    assert not {"accept", "resolve", "return", "follow_up", "close"} & offered(page)
    client.force_login(handler)  # not yet dispatched to the police: not even visible
    assert client.get(detail(matter)).status_code == 404
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    matter.refresh_from_db()
    page = body(client.get(detail(matter)))
    assert offered(page) == rules.allowed_actions(handler, matter)
    assert {"accept", "return"} <= offered(page) and not {"dispatch", "follow_up", "close"} & offered(page)


def test_return_shows_how_long_the_unit_held_it(client, org, alice, handler, matter, time_machine):
    time_machine.move_to("2026-11-24 09:00 +0800")
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    time_machine.move_to("2026-11-24 12:10 +0800")
    client.force_login(handler)
    assert post(client, "return", matter, reason="属于邻里纠纷，应由司法所调解").status_code == 302
    client.force_login(alice)
    page = body(client.get(detail(matter)))
    assert "公安分局 持有 3 小时 10 分钟后退回：属于邻里纠纷，应由司法所调解" in page
    # Re-dispatching starts from the category's unit, not from the unit that returned it.
    assert selected(page, "id_dispatch_unit") == [str(org.justice.pk)]
    assert matter.tracking_code in body(client.get(reverse("matters:list") + "?inbox=dispatch"))


def test_extension_request_and_approval(client, org, alice, handler, matter):
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    actions.accept_matter(matter, actor=handler)
    client.force_login(handler)
    assert client.post(act("request_extension", matter), {"days": 3, "reason": "需等待物业维修"}).status_code == 302
    assert act("request_extension", matter) not in body(client.get(detail(matter)))  # one at a time
    client.force_login(alice)
    assert matter.tracking_code in body(client.get(reverse("matters:list") + "?inbox=extensions"))
    before = Matter.objects.get(pk=matter.pk).resolve_due_at
    assert client.post(act("decide_extension", matter), {"decision": "approve"}).status_code == 302
    assert Matter.objects.get(pk=matter.pk).resolve_due_at > before
    assert "已批准" in body(client.get(detail(matter)))


def test_assign_and_co_unit_notes(client, org, alice, handler, matter):
    colleague = UserFactory(username="colleague", full_name="孙警官", role=User.Role.UNIT_HANDLER, unit=org.police)
    women_staff = UserFactory(username="women", full_name="白雪梅", role=User.Role.UNIT_HANDLER, unit=org.women)
    actions.dispatch_matter(matter, actor=alice, unit=org.police, co_units=[org.women])
    client.force_login(handler)
    assert post(client, "assign", matter, assignee=colleague.pk).status_code == 302
    assert Matter.objects.get(pk=matter.pk).assignee == colleague
    client.force_login(women_staff)
    assert client.post(act("note", matter), {"note": "妇联已联系王阿姨安抚情绪"}).status_code == 302
    client.force_login(alice)
    page = body(client.get(detail(matter)))
    assert "协办单位意见" in page and "妇联已联系王阿姨安抚情绪" in page


def test_merge_and_reject(client, org, alice, matter):
    duplicate, _ = actions.create_matter(actor=alice, description="5号楼楼上漏水", area=org.grid)
    junk, _ = actions.create_matter(actor=alice, description="测试", area=org.grid)
    client.force_login(alice)
    response = post(client, "merge", duplicate, into=matter.tracking_code.lower())
    assert response.status_code == 302
    assert Matter.objects.get(pk=duplicate.pk).merged_into == matter
    response = post(client, "merge", junk, into="NOSUCHCODE")
    assert response.status_code == 400 and "没有这个受理编号" in body(response)
    assert post(client, "reject", junk, reason="内容无法核实").status_code == 302
    assert Matter.objects.get(pk=junk.pk).status == "rejected"


def test_missing_input_is_a_form_error(client, org, alice, handler, matter):
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    client.force_login(handler)
    response = post(client, "return", matter, reason="")
    assert response.status_code == 400
    assert "该字段是必填项" in body(response)
    assert Matter.objects.get(pk=matter.pk).status == "dispatched"


def test_stale_expected_status_gives_the_conflict_message(client, org, alice, matter):
    client.force_login(alice)
    seen = matter.status  # alice opened the page while it was "received"
    actions.dispatch_matter(matter, actor=alice, unit=org.police)  # someone else dispatched it
    response = client.post(act("dispatch", matter), {"expected_status": seen, "unit": org.justice.pk,
                                                    "urgency": "normal"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "其他人已处理了这个事项" in body(response) and "已分拨" in body(response)
    assert Matter.objects.get(pk=matter.pk).unit == org.police
    response = client.post(act("dispatch", matter), {"expected_status": seen, "unit": org.justice.pk,
                                                    "urgency": "normal"})
    assert response.status_code == 409 and "其他人已处理了这个事项" in body(response)


def test_an_action_not_possible_in_this_state_is_409(client, org, alice, handler, matter):
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    actions.accept_matter(matter, actor=handler)
    client.force_login(handler)
    response = client.post(act("accept", matter), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and "不能进行这项操作" in body(response)


def test_htmx_success_redirects_the_client(client, org, alice, matter):
    client.force_login(alice)
    response = client.post(act("reject", matter), {"reason": "重复登记"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == detail(matter)


def test_reporter_contact_is_masked_and_revealed_with_a_reason(client, alice, charlie, matter):
    client.force_login(alice)
    page = body(client.get(detail(matter)))
    assert "13904731234" not in page and "139****1234" in page and "王秀兰" not in page
    url = reverse("reveal", args=["matters.matter", matter.pk, "reporter_phone"])
    assert url in page
    response = client.post(url, {"reason": "回访需要联系反映人"})
    assert response.status_code == 200 and "13904731234" in body(response)
    client.force_login(charlie)
    assert client.post(url, {"reason": "回访需要联系反映人"}).status_code == 404


# --- Attachments ----------------------------------------------------------------------------


def test_attachment_download_is_scoped(client, org, alice, charlie, handler, matter, media):
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    pdf = SimpleUploadedFile("情况说明.pdf", b"%PDF-1.4 fake", content_type="application/pdf")
    png = SimpleUploadedFile("photo.png", b"\x89PNG fake", content_type="image/png")
    event = actions.add_note(matter, actor=alice, note="附件", files=[pdf, png])
    doc, image = event.attachments.order_by("pk")
    client.force_login(alice)
    response = client.get(reverse("matters:attachment", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 fake"
    response = client.get(reverse("matters:attachment", args=[image.pk]))
    assert response["Content-Disposition"].startswith("inline") and response["Content-Type"] == "image/png"
    client.force_login(charlie)
    assert client.get(reverse("matters:attachment", args=[doc.pk])).status_code == 404


def test_uploads_are_limited(client, org, alice, matter, media):
    client.force_login(alice)
    files = [SimpleUploadedFile(f"{i}.jpg", b"x", content_type="image/jpeg") for i in range(6)]
    response = client.post(act("note", matter), {"note": "照片", "files": files})
    assert response.status_code == 400 and "最多" in body(response)
    page = SimpleUploadedFile("evil.html", b"<script>", content_type="text/html")
    response = client.post(act("note", matter), {"note": "网页", "files": [page]})
    assert response.status_code == 400


# --- The list: inboxes, filters, search, speed -----------------------------------------------------


def test_list_search_finds_chinese_substrings(client, org, alice, matter):
    other, _ = actions.create_matter(actor=alice, description="小区路灯不亮", area=org.grid)
    client.force_login(alice)
    page = body(client.get(reverse("matters:list"), {"inbox": "all", "q": "漏水"}))
    assert matter.tracking_code in page and other.tracking_code not in page
    page = body(client.get(reverse("matters:list"), {"inbox": "all", "q": other.tracking_code}))
    assert other.tracking_code in page and matter.tracking_code not in page


def test_list_filters(client, org, alice, category, matter):
    police_matter, _ = actions.create_matter(actor=alice, description="电动车被盗", area=org.yongchang)
    actions.dispatch_matter(police_matter, actor=alice, unit=org.police)
    client.force_login(alice)
    url = reverse("matters:list")

    def codes(**params):
        page = body(client.get(url, {"inbox": "all", **params}))
        return {m.tracking_code for m in (matter, police_matter) if m.tracking_code in page}

    assert codes() == {matter.tracking_code, police_matter.tracking_code}
    assert codes(status="dispatched") == {police_matter.tracking_code}
    assert codes(status="open") == {matter.tracking_code, police_matter.tracking_code}
    assert codes(category=category.code) == {matter.tracking_code}
    assert codes(unit=org.police.pk) == {police_matter.tracking_code}
    assert codes(area=org.grid.pk) == {matter.tracking_code}
    assert codes(area=org.xinda.pk) == {matter.tracking_code, police_matter.tracking_code}
    assert codes(date_from=(timezone.localdate() + timedelta(days=1)).isoformat()) == set()
    assert codes(area="x", date_to="not-a-date") == {matter.tracking_code, police_matter.tracking_code}
    assert codes(inbox="dispatch") == {matter.tracking_code}


def test_list_htmx_returns_only_the_results(client, alice, matter):
    client.force_login(alice)
    response = client.get(reverse("matters:list"), {"inbox": "all", "q": "漏水"}, HTTP_HX_REQUEST="true")
    page = body(response)
    assert matter.tracking_code in page
    assert "<html" not in page and 'id="filters"' not in page


def test_list_shows_inbox_tabs_with_counts_and_deadlines(client, org, alice, handler, matter, time_machine):
    time_machine.move_to("2026-11-24 09:00 +0800")
    actions.dispatch_matter(matter, actor=alice, unit=org.police)  # accept within 1 working day
    client.force_login(handler)
    time_machine.move_to("2026-11-24 10:00 +0800")
    page = body(client.get(reverse("matters:list")))
    assert "待签收" in page and "剩余 23 小时" in page
    tabs = body(client.get(reverse("matters:inbox_tabs"), {"inbox": "unit"}))
    assert 'aria-current="page">待签收 <span class="count">1</span>' in tabs
    time_machine.move_to("2026-11-27 12:00 +0800")
    client.force_login(handler)  # the session of three days ago has expired
    page = body(client.get(reverse("matters:list") + "?inbox=overdue"))
    assert 'class="deadline overdue"' in page and "超期 2 天 3 小时" in page


def test_list_pages_without_counting_everything(client, org, alice):
    for i in range(55):
        Matter.objects.create(tracking_code=f"T{i:05d}", description=f"第{i}件", area=org.grid,
                              area_path=org.grid.path)
    client.force_login(alice)
    page = body(client.get(reverse("matters:list"), {"inbox": "all"}))
    assert "共 55 件" in page and "下一页" in page
    assert "T00054" in page and "T00000" not in page  # newest first; the oldest on page 2
    page = body(client.get(reverse("matters:list"), {"inbox": "all", "page": 2}))
    assert "T00000" in page and "上一页" in page and "下一页" not in page


def test_list_has_no_n_plus_one(client, org, alice, category, django_assert_max_num_queries):
    for i in range(60):
        matter, _ = actions.create_matter(actor=alice, description=f"楼道堆放杂物{i}", area=org.grid,
                                          category=category, harbor=org.harbor)
        if i % 2:
            actions.dispatch_matter(matter, actor=alice, unit=org.police)
    client.force_login(alice)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("matters:list"), {"inbox": "all"})
    assert response.status_code == 200 and body(response).count("楼道堆放杂物") == 50


# --- Supervision ------------------------------------------------------------------------------------


def test_leader_supervises_several_matters_from_the_list(client, org, alice, bob, handler, matter):
    second, _ = actions.create_matter(actor=alice, description="噪音扰民", area=org.grid)
    third, _ = actions.create_matter(actor=alice, description="路面塌陷", area=org.grid)
    for m, unit in ((matter, org.police), (second, org.police), (third, org.justice)):
        actions.dispatch_matter(m, actor=alice, unit=unit)
    client.force_login(bob)
    assert 'name="matters"' in body(client.get(reverse("matters:list") + "?inbox=all"))
    chosen = {"matters": [matter.pk, second.pk, third.pk]}
    page = body(client.get(reverse("matters:supervision_new"), chosen))
    assert matter.tracking_code in page and third.tracking_code in page
    response = client.post(reverse("matters:supervision_new"), {
        **chosen, "level": "listed", "reason": "群众反映强烈，限期办结",
        "reply_due": (timezone.localdate() + timedelta(days=2)).isoformat(),
    })
    assert response.status_code == 302
    assert sorted(Supervision.objects.values_list("unit__code", flat=True)) == ["justice", "police"]
    page = body(client.get(reverse("matters:supervision_list")))
    assert "挂牌督办" in page and "公安分局" in page

    order = Supervision.objects.get(unit=org.police)
    client.force_login(handler)
    page = body(client.get(reverse("matters:supervision_detail", args=[order.pk])))
    assert reverse("matters:supervision_reply", args=[order.pk]) in page
    response = client.post(reverse("matters:supervision_reply", args=[order.pk]), {"reply": "已安排专人，周五前办结"})
    assert response.status_code == 302
    assert Supervision.objects.get(pk=order.pk).status == "replied"
    assert client.post(reverse("matters:supervision_close", args=[order.pk])).status_code == 403

    client.force_login(alice)
    page = body(client.get(reverse("matters:supervision_list") + "?status=replied"))
    assert order.unit.name in page and "已回复" in page
    assert client.post(reverse("matters:supervision_close", args=[order.pk])).status_code == 302
    assert Supervision.objects.get(pk=order.pk).status == "closed"


def test_bulk_supervision_needs_a_matter(client, bob):
    client.force_login(bob)
    response = client.post(reverse("matters:supervision_new"), {
        "level": "normal", "reason": "x", "reply_due": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "至少选择一个事项" in body(response)


def test_supervision_orders_are_scoped(client, org, alice, charlie, matter):
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    [order] = actions.issue_supervision(actor=alice, matters=[matter], level="normal", reason="请尽快签收",
                                        reply_due=timezone.localdate())
    client.force_login(charlie)
    assert client.get(reverse("matters:supervision_detail", args=[order.pk])).status_code == 404
    assert client.post(reverse("matters:supervision_reply", args=[order.pk]), {"reply": "x"}).status_code == 404
    assert "请尽快签收" not in body(client.get(reverse("matters:supervision_list")))


# --- Meetings and commendations ------------------------------------------------------------------------


def test_meeting_with_minutes_and_a_decision(client, org, alice, charlie, media):
    client.force_login(alice)
    response = client.post(reverse("matters:meeting_new"), {
        "kind": "joint", "title": "永昌佳苑漏水问题联席会议", "organizer": org.police.pk, "area": org.xinda.pk,
        "held_at": "2026-11-20T14:30", "place": "新达街道综治中心", "attending_units": [org.police.pk, org.justice.pk],
        "agenda": "研究5号楼漏水纠纷",
    })
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("matters:meeting_detail", args=[meeting.pk])
    url = reverse("matters:meeting_minutes", args=[meeting.pk])
    minutes = SimpleUploadedFile("纪要.docx", b"docx", content_type="application/octet-stream")
    assert client.post(url, {"minutes": "一、司法所牵头调解", "files": [minutes]}).status_code == 302
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(reverse("matters:meeting_decision", args=[meeting.pk]), {
        "text": "司法所一周内组织双方调解", "owner_unit": org.justice.pk, "deadline": deadline})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.matter.status == "dispatched" and decision.matter.unit == org.justice
    page = body(client.get(reverse("matters:meeting_detail", args=[meeting.pk])))
    assert "司法所一周内组织双方调解" in page and decision.matter.tracking_code in page and "纪要.docx" in page
    assert "2026年11月20日 14:30" in page
    assert "永昌佳苑漏水问题联席会议" in body(client.get(reverse("matters:meeting_list")))
    response = client.post(reverse("matters:meeting_decision", args=[meeting.pk]), {
        "text": "x", "owner_unit": org.justice.pk, "deadline": "2020-01-01"})
    assert response.status_code == 400 and "期限不能早于今天" in body(response)
    client.force_login(charlie)
    assert client.get(reverse("matters:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.post(url, {"minutes": "x"}).status_code == 404


def test_record_a_commendation(client, org, alice, charlie, matter):
    client.force_login(alice)
    response = client.post(reverse("matters:commendation_list"), {
        "kind": "banner", "unit": org.police.pk, "person_name": "刘东升", "giver": "永昌佳苑5号楼 王女士",
        "received_on": timezone.localdate().isoformat(), "area": org.yongchang.pk,
        "matter": matter.tracking_code, "text": "为民解忧 情系百姓",
    })
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert commendation.matter == matter and commendation.recorded_by == alice
    page = body(client.get(reverse("matters:commendation_list")))
    assert "锦旗" in page and "为民解忧 情系百姓" in page
    client.force_login(charlie)
    assert "为民解忧" not in body(client.get(reverse("matters:commendation_list")))
    response = client.post(reverse("matters:commendation_list"), {
        "kind": "letter", "unit": org.police.pk, "giver": "x", "received_on": timezone.localdate().isoformat(),
        "area": org.tuanjie.pk, "matter": matter.tracking_code})
    assert response.status_code == 400 and "没有这个受理编号" in body(response)
