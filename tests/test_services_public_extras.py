"""Resident pages added after the first round: a family applies online for the safe-family
title, and the job openings board for the harbor desk (printable, with a QR code)."""

import pytest

from safeharbor.core.models import Area
from safeharbor.notifications.models import Notification
from safeharbor.services import actions
from safeharbor.services.models import SafeFamily, SafeFamilyCriterion
from tests import factories, factories_services
from tests.factories_services import apply_online, id_number

pytestmark = pytest.mark.django_db
svc = factories_services.svc


def test_a_family_applies_online_and_the_womens_port_sees_it(client, svc):
    SafeFamilyCriterion.objects.create(harbor=svc.org.harbor, text="家庭和睦，无家庭暴力", required=True)
    page = client.get("/p/services/safe-family/")
    html = page.content.decode()
    assert page.status_code == 200 and "家庭和睦，无家庭暴力" in html and "永昌佳苑社区" in html
    assert "团结社区" in html  # the other harbor has a women's port too
    response = client.post("/p/services/safe-family/", {"area": svc.org.yongchang.pk, "household": "周丽华"})
    assert response.status_code == 400 and not SafeFamily.objects.exists()  # phone and the visit are needed
    response = client.post("/p/services/safe-family/", {
        "area": svc.org.yongchang.pk, "household": "周丽华", "phone": "139 4730 1111", "visit": "on",
        "address": "永昌佳苑小区3号楼"})
    assert response.status_code == 302
    family = SafeFamily.objects.get()
    assert family.status == SafeFamily.Status.APPLIED and family.harbor == svc.org.harbor
    assert family.port == svc.heroines and family.area == svc.org.yongchang and family.phone == "13947301111"
    assert Notification.objects.filter(recipient=svc.women, kind="safe_family").exists()
    client.force_login(svc.women)
    assert "周**" in client.get("/services/families/").content.decode()
    client.force_login(svc.other_desk)
    assert client.get(f"/services/families/{family.pk}/").status_code == 404


def test_a_community_without_a_running_harbor_is_refused(client, svc):
    elsewhere = factories.make_area("红旗社区", Area.Level.COMMUNITY, svc.org.sandaokan, code="wuda.sdk.hq")
    assert "红旗社区" not in client.get("/p/services/safe-family/").content.decode()
    with pytest.raises(actions.ActionError):
        actions.apply_safe_family(area=elsewhere, household="吴芳", phone="13947301112")


def test_job_board_for_the_desk_lists_positions_left_with_a_qr_code(client, svc):
    job = actions.save_job(actor=svc.hr, harbor=svc.org.harbor, employer="永昌物业", title="保洁员",
                           collected_by=svc.hrss, positions=3, salary="2600元/月")
    actions.save_job(actor=svc.other_desk, harbor=svc.org.other_harbor, employer="团结超市", title="理货员",
                     collected_by=svc.hrss)
    certified, _check = apply_online(svc.certification, id_number=id_number(9))
    actions.start_review(certified, actor=svc.hr)
    actions.record_materials(certified, actor=svc.hr, received=svc.certification.materials)
    actions.decide_application(certified, actor=svc.hr, approve=True)
    actions.place_candidate(actor=svc.hr, job=job, certified=certified)
    board = client.get(f"/p/services/jobs/board/?harbor={svc.org.harbor.code}")
    html = board.content.decode()
    assert board.status_code == 200 and "<svg" in html and "保洁员" in html and "2 / 3" in html
    assert "团结超市" not in html  # the other harbor's openings are on its own board
    listing = client.get(f"/p/services/jobs/?harbor={svc.org.harbor.code}").content.decode()
    assert "保洁员" in listing and "团结超市" not in listing
    client.force_login(svc.desk)
    assert f"/p/services/jobs/board/?harbor={svc.org.harbor.code}" in client.get("/services/jobs/").content.decode()
