"""Mediation pages, API, agreement PDF, statistics export, scope (404) and the demo."""

import io
import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from safeharbor.core.models import AuditLog, User
from safeharbor.mediation import actions
from safeharbor.mediation.models import Case
from tests import factories
from tests.factories_mediation import accepted, agree, make_med, session
from tests.tools import require_commands

pytestmark = pytest.mark.django_db


@pytest.fixture
def med(org):
    return make_med(org)


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def agreed(org, med):
    case = accepted(med, org)
    session(med, case)
    agree(med, case)
    return Case.objects.get(pk=case.pk)


# --- scope ----------------------------------------------------------------------------------


def test_mediator_dispatcher_and_leader_see_the_case_others_get_404(org, med, alice, bob, charlie, agreed):
    url = f"/mediation/{agreed.pk}/"
    for user in (med.mediator, alice, bob):
        assert login(user).get(url).status_code == 200
    other_grid = factories.make_area("团结第一网格", "grid", org.tuanjie, code="wuda.sdk.tj.g1")
    outsiders = [
        charlie,  # dispatcher of another sub-district
        factories.UserFactory(role=User.Role.GRID_WORKER, areas=[other_grid]),  # grid worker of another community
        factories.UserFactory(role=User.Role.MEDIATOR, areas=[org.sandaokan]),  # mediator elsewhere
        factories.UserFactory(role=User.Role.UNIT_HANDLER, unit=org.police),  # unit not invited
    ]
    for user in outsiders:
        client = login(user)
        assert client.get(url).status_code == 404
        assert client.get(f"/mediation/{agreed.pk}/agreement.pdf").status_code == 404
        assert client.post(f"/mediation/{agreed.pk}/risk/", {"level": "low"}).status_code == 404
        assert agreed.title not in client.get("/mediation/").content.decode()
    assert login(med.mediator).get("/mediation/999999/").status_code == 404


def test_leader_reads_but_cannot_act(org, med, bob, agreed):
    client = login(bob)
    assert client.get(f"/mediation/{agreed.pk}/").status_code == 200
    assert client.post(f"/mediation/{agreed.pk}/risk/", {"level": "medium", "note": "x"}).status_code == 403
    assert client.get("/mediation/new/").status_code == 403


def test_api_is_scoped(org, med, charlie, agreed):
    def api(user):
        return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}",
                      HTTP_ACCEPT_LANGUAGE="en")

    mine = api(med.mediator).get("/api/mediation/cases/").json()
    rows = mine["results"] if isinstance(mine, dict) else mine
    assert [row["id"] for row in rows] == [agreed.pk]
    assert rows[0]["parties"][0]["name"] == "王**"  # masked
    assert api(charlie).get(f"/api/mediation/cases/{agreed.pk}/").status_code == 404
    theirs = api(charlie).get("/api/mediation/cases/").json()
    assert (theirs["results"] if isinstance(theirs, dict) else theirs) == []


def test_api_registers_and_refuses_bad_input(org, med):
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=med.mediator)[0].key}",
                    HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/mediation/cases/new/", {
        "kind": "neighbor", "title": "API 登记", "facts": "噪音扰民", "area": org.grid.pk,
        "parties": [{"name": "甲", "role": "applicant"}, {"name": "乙", "role": "respondent"}],
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(f"/api/mediation/cases/{pk}/accept/", {"committee": med.community.pk,
                                                                  "mediators": ["mia"]},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = client.post(f"/api/mediation/cases/{pk}/risk/", {"level": "high"}, content_type="application/json")
    assert response.status_code == 400 and "high-risk" in response.json()["message"]


# --- pages ------------------------------------------------------------------------------------


def test_parties_are_masked_and_revealed_with_an_audit_entry(org, med, agreed):
    client = login(med.mediator)
    page = client.get(f"/mediation/{agreed.pk}/").content.decode()
    assert "王**" in page and "王桂兰" not in page and "139****5216" in page and "13904735216" not in page
    party = agreed.parties.get(role="applicant")
    response = client.post(f"/reveal/mediation.party/{party.pk}/phone/", {"reason": "电话回访"})
    assert "13904735216" in response.content.decode()
    assert AuditLog.objects.filter(action="reveal", target_type="mediation.party", field="phone").exists()


def test_register_page_from_a_matter_prefills_it(org, med, alice):
    matter = factories.MatterFactory(category=med.category, area=org.grid, description="楼上漏水，协商不成",
                                     reporter_name="王桂兰", reporter_phone="13904735216")
    client = login(alice)
    assert f"/mediation/from-matter/{matter.pk}/" in client.get(f"/matters/{matter.pk}/").content.decode()
    response = client.get(f"/mediation/from-matter/{matter.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"?matter={matter.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "楼上漏水，协商不成" in page and matter.tracking_code in page
    response = client.post(f"/mediation/new/?matter={matter.pk}", {
        "kind": "neighbor", "title": "楼上漏水纠纷", "facts": "楼上漏水，协商不成", "risk_level": "low",
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "10",
        "parties-0-kind": "person", "parties-0-role": "applicant", "parties-0-name": "王桂兰",
        "parties-1-kind": "person", "parties-1-role": "respondent", "parties-1-name": "刘志军",
    })
    case = Case.objects.get(matter=matter)
    assert response.status_code == 302 and response["Location"] == f"/mediation/{case.pk}/"
    assert client.get(f"/mediation/from-matter/{matter.pk}/")["Location"] == f"/mediation/{case.pk}/"
    matter_page = client.get(f"/matters/{matter.pk}/").content.decode()
    assert "楼上漏水纠纷" in matter_page and 'id="mediation-case"' in matter_page  # it became a case


def test_action_errors_show_on_the_case_page(org, med):
    case = accepted(med, org)
    session(med, case)
    client = login(med.mediator)
    day = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = client.post(f"/mediation/{case.pk}/agreement/", {
        "form": "written", "parties": [p.pk for p in case.parties.all()], "facts": "事实", "responsibilities": "责任",
        "content": "内容", "performance_method": "现金", "performance_deadline": day,
    })
    assert response.status_code == 400
    assert "履行期限不能早于" in response.content.decode() or "cannot be before" in response.content.decode()
    response = client.post(f"/mediation/{case.pk}/agreement/", {
        "form": "written", "facts": "事实", "responsibilities": "责任", "content": "内容", "performance_method": "现金",
        "performance_deadline": timezone.localdate().isoformat(),
    })
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == Case.Status.MEDIATING


def test_list_committees_and_statistics_pages(org, med, agreed):
    client = login(med.mediator)
    assert agreed.title in client.get("/mediation/").content.decode()
    page = client.get("/mediation/committees/").content.decode()
    assert "永昌佳苑社区人民调解委员会" in page
    assert "郝永平" in client.get(f"/mediation/committees/{med.community.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    page = client.get(f"/mediation/statistics/?start={today}&end={today}&group=committee").content.decode()
    assert "永昌佳苑社区人民调解委员会" in page and "100%" in page


def test_statistics_export_in_the_monthly_report_layout(org, med, agreed):
    today = timezone.localdate().isoformat()
    response = login(med.mediator).get(f"/mediation/statistics.xlsx?start={today}&end={today}&group=committee")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "人民调解工作统计月报表" in sheet["A1"].value
    headers = [c.value for c in sheet[4]] + [c.value for c in sheet[3]]
    for title in ("受理纠纷数（件）", "调解成功数（件）", "调解成功率", "邻里纠纷", "书面协议", "协议涉及金额（元）"):
        assert title in headers
    assert sheet["A5"].value == "永昌佳苑社区人民调解委员会" and sheet["B5"].value == 1
    assert sheet.cell(6, 1).value == "合计"
    assert AuditLog.objects.filter(action="export", target_type="mediation.statistics").exists()


# --- the agreement PDF -------------------------------------------------------------------------


def test_agreement_pdf_contains_every_required_part_in_chinese(org, med, agreed, tmp_path):
    response = login(med.mediator).get(f"/mediation/{agreed.pk}/agreement.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditLog.objects.filter(action="export", field="agreement").exists()
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(response.content)
    require_commands("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")
    for part in ("人民调解协议书", agreed.number, "申请人：王桂兰", "被申请人：刘志军", "150304196305120028",
                 "纠纷主要事实、争议事项", "楼上卫生间防水层老化漏水", "各方当事人的责任", "被申请人负责维修并赔偿",
                 "自愿达成如下协议", "赔偿申请人3000元", "履行协议的方式、期限", "现金当面交付", "履行期限：",
                 "签名、盖章或按指印", "人民调解员（签名）", "永昌佳苑社区人民调解委员会（盖章）"):
        assert part in text, part
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "yes yes" in " ".join(fonts.split())  # the Chinese font is embedded (no empty boxes anywhere)


def test_oral_agreements_have_no_pdf(org, med):
    case = accepted(med, org)
    session(med, case)
    agree(med, case, form="oral")
    assert login(med.mediator).get(f"/mediation/{case.pk}/agreement.pdf").status_code == 404


# --- the demo -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
def test_demo_is_idempotent_and_has_every_state(settings):
    from safeharbor.core.demo import load_demo as load_district
    from safeharbor.mediation.demo import load_demo

    load_district()
    first = load_demo()
    assert "10 demo cases" in first
    counts = Case.objects.count(), AuditLog.objects.count()
    assert "nothing changed" in load_demo()
    assert (Case.objects.count(), AuditLog.objects.count()) == counts
    states = set(Case.objects.values_list("status", flat=True))
    assert states >= {"registered", "accepted", "mediating", "agreed", "failed", "declined", "archived"}
    assert Case.objects.filter(risk_level="high").exists()
    mediator = User.objects.get(username="mediator")
    assert login(mediator).get("/mediation/").status_code == 200
    assert actions.escalation_target(Case.objects.filter(committee__level="community").first()) is not None
