"""The API endpoints that do what only the pages did: decline with guidance, joint units,
judicial confirmation, adding a party — scoped like the pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from safeharbor.core.models import User
from safeharbor.mediation.models import Case, CaseEvent, Party
from safeharbor.notifications.models import Notification
from tests import factories
from tests.factories_mediation import accepted, agree, make_med, register, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def med(org):
    return make_med(org)


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}",
                  HTTP_ACCEPT_LANGUAGE="en")


def post(user, url, data):
    return api(user).post(url, data, content_type="application/json")


def test_decline_with_guidance(org, med):
    case = register(med, org)
    url = f"/api/mediation/cases/{case.pk}/decline/"
    response = post(med.mediator, url, {"reason": "被申请人不同意调解", "guidance": "litigation", "guidance_note": ""})
    assert response.status_code == 400  # the guidance given must be said
    assert Case.objects.get(pk=case.pk).status == Case.Status.REGISTERED
    response = post(med.mediator, url, {"reason": "被申请人不同意调解", "guidance": "litigation",
                                        "guidance_note": "告知可向乌达区人民法院起诉"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "declined" and body["guidance"] == "litigation"
    assert "乌达区人民法院" in body["guidance_note"]
    assert post(med.mediator, url, {"reason": "再次", "guidance": "litigation", "guidance_note": "x"}).status_code == 409


def test_invite_joint_unit(org, med):
    officer = factories.UserFactory(role=User.Role.UNIT_HANDLER, unit=org.police)
    case = accepted(med, org)
    url = f"/api/mediation/cases/{case.pk}/joint-units/"
    response = post(med.mediator, url, {"unit": "police", "note": "涉及治安"})
    assert response.status_code == 200, response.content
    assert response.json()["joint_units"] == ["police"]
    assert Notification.objects.filter(recipient=officer, kind="mediation.joint").exists()
    assert post(med.mediator, url, {"unit": "police"}).status_code == 400  # already takes part
    assert post(med.mediator, url, {"unit": "no-such-unit"}).status_code == 400
    # the invited unit now sees the case through the API
    assert api(officer).get(f"/api/mediation/cases/{case.pk}/").status_code == 200


def test_judicial_confirmation(org, med):
    case = accepted(med, org)
    session(med, case)
    agree(med, case)
    url = f"/api/mediation/cases/{case.pk}/confirmation/"
    today = timezone.localdate()
    response = post(med.mediator, url, {"status": "confirmed", "court": "乌达区人民法院",
                                        "applied_on": today.isoformat()})
    assert response.status_code == 400 and response.json()["extra"]["field"] == "decided_on"
    response = post(med.mediator, url, {"status": "applied", "court": "乌达区人民法院",
                                        "applied_on": today.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json()["confirmation"] == "applied"
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.CONFIRMATION).exists()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert post(med.mediator, url, {"status": "applied", "court": "法院", "applied_on": tomorrow}).status_code == 400


def test_confirmation_needs_an_agreement(org, med):
    case = accepted(med, org)
    response = post(med.mediator, f"/api/mediation/cases/{case.pk}/confirmation/",
                    {"status": "applied", "court": "法院", "applied_on": timezone.localdate().isoformat()})
    assert response.status_code == 409


def test_add_party_encrypts_and_masks(org, med):
    case = register(med, org)
    url = f"/api/mediation/cases/{case.pk}/parties/"
    response = post(med.mediator, url, {"kind": "organization", "role": "third", "name": "永昌物业公司",
                                        "id_number": "91150304MA0N123456", "phone": "04734012345",
                                        "representative": "赵经理"})
    assert response.status_code == 201, response.content
    names = [p["name"] for p in response.json()["parties"]]
    assert len(names) == 3 and "永昌物业公司" not in names
    party = Party.objects.get(case=case, role="third")
    assert party.name == "永昌物业公司" and party.representative == "赵经理"
    assert post(med.mediator, url, {"name": "甲", "age": 200}).status_code == 400
    assert post(med.mediator, url, {"name": ""}).status_code == 400


def test_new_endpoints_are_scoped_and_check_roles(org, med, charlie, bob):
    case = accepted(med, org)
    outsider = factories.UserFactory(role=User.Role.MEDIATOR, areas=[org.sandaokan])
    calls = [
        ("decline", {"reason": "r", "guidance": "litigation", "guidance_note": "n"}),
        ("joint-units", {"unit": "police"}),
        ("confirmation", {"status": "applied", "court": "c", "applied_on": timezone.localdate().isoformat()}),
        ("parties", {"name": "丙"}),
    ]
    for action, data in calls:
        for user in (charlie, outsider):
            assert post(user, f"/api/mediation/cases/{case.pk}/{action}/", data).status_code == 404, action
        assert post(bob, f"/api/mediation/cases/{case.pk}/{action}/", data).status_code == 403, action
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED and case.parties.count() == 2 and not case.joint_units.exists()


def test_schema_lists_the_new_endpoints(org, med, alice):
    schema = api(alice).get("/api/schema/", HTTP_ACCEPT="application/json")
    if schema.status_code == 404:
        pytest.skip("no schema route")
    text = schema.content.decode()
    for path in ("decline", "joint-units", "confirmation", "parties"):
        assert f"/api/mediation/cases/{{id}}/{path}/" in text or f"/api/mediation/cases/{{pk}}/{path}/" in text
