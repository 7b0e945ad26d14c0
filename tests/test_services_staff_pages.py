"""Staff pages finished after the first round: duty swaps picked from lists of days, the
community of a nominated family chosen within the user's scope, and the harbor staff's page
for the safe-family criteria."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeharbor.core.errors import ActionError
from safeharbor.core.models import Area, AuditLog, Port, User
from safeharbor.services import actions, queries
from safeharbor.services.models import DutySlot, DutySwap, SafeFamily, SafeFamilyCriterion
from tests import factories, factories_services

pytestmark = pytest.mark.django_db
svc = factories_services.svc


def _roster(svc, *, start: date | None = None, days: int = 20):
    for kind, name in [(Port.Kind.FRATERNITY, "博爱港"), (Port.Kind.YOUTH, "青年港"), (Port.Kind.WARM, "温馨港")]:
        factories.PortFactory(harbor=svc.org.harbor, kind=kind, name=name)
    start = start or timezone.localdate() - timedelta(days=5)
    return actions.generate_roster(actor=svc.desk, harbor=svc.org.harbor, title="轮值表", starts_on=start,
                                   ends_on=start + timedelta(days=days), kinds=["duty", "study"])


# --- duty swaps picked from lists -------------------------------------------------------------------


def test_swap_lists_offer_her_upcoming_days_and_the_others(client, svc):
    roster = _roster(svc)
    today = timezone.localdate()
    client.force_login(svc.women)
    page = client.get(f"/services/rota/{roster.pk}/")
    form = page.context["swap_form"]
    mine = list(form.fields["slot"].queryset)
    others = list(form.fields["with_slot"].queryset)
    assert mine and all(s.port == svc.heroines and s.date >= today for s in mine)
    assert others and all(s.port != svc.heroines and s.date >= today for s in others)
    html = page.content.decode()
    assert 'id="swap_slot"' in html and 'id="swap_with_slot"' in html and "<optgroup" in html
    assert f'?slot={mine[0].pk}#ask-swap' in html  # her own days carry a swap link in the table
    past = DutySlot.objects.filter(roster=roster, port=svc.heroines, date__lt=today).first()
    if past is not None:
        assert past not in mine


def test_asking_for_a_swap_through_the_lists_then_approval(client, svc):
    roster = _roster(svc)
    client.force_login(svc.women)
    form = client.get(f"/services/rota/{roster.pk}/").context["swap_form"]
    mine = form.fields["slot"].queryset.filter(kind="duty").first()
    theirs = form.fields["with_slot"].queryset.filter(kind="duty").first()
    response = client.post(f"/services/rota/{roster.pk}/swap/",
                           {"slot": mine.pk, "with_slot": theirs.pk, "reason": "外出培训"})
    assert response.status_code == 302
    swap = DutySwap.objects.get(slot=mine, with_slot=theirs)
    assert swap.status == DutySwap.Status.REQUESTED and swap.requested_by == svc.women
    # Both days are now out of the lists (a swap waits for them).
    form = client.get(f"/services/rota/{roster.pk}/").context["swap_form"]
    assert mine not in form.fields["slot"].queryset and theirs not in form.fields["with_slot"].queryset
    client.force_login(svc.desk)
    client.post(f"/services/rota/{roster.pk}/swap/{swap.pk}/", {"approve": "1"})
    mine.refresh_from_db()
    assert mine.port != svc.heroines


def test_swap_form_refuses_wrong_pairs_and_strangers_days(client, svc):
    roster = _roster(svc)
    client.force_login(svc.women)
    form = client.get(f"/services/rota/{roster.pk}/").context["swap_form"]
    duty = form.fields["slot"].queryset.filter(kind="duty").first()
    study = form.fields["with_slot"].queryset.filter(kind="study").first()
    response = client.post(f"/services/rota/{roster.pk}/swap/", {"slot": duty.pk, "with_slot": study.pk})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    theirs = form.fields["with_slot"].queryset.filter(kind="duty").first()
    response = client.post(f"/services/rota/{roster.pk}/swap/", {"slot": theirs.pk, "with_slot": duty.pk})
    assert response.status_code == 400  # not her day: not in her list
    past = DutySlot.objects.filter(roster=roster, date__lt=timezone.localdate(), port=svc.heroines).first()
    other_past = DutySlot.objects.filter(roster=roster, date__lt=timezone.localdate(), kind="duty").exclude(
        port=svc.heroines).first()
    if past is not None and other_past is not None and past.kind == other_past.kind:
        with pytest.raises(ActionError):
            actions.request_swap(past, actor=svc.women, with_slot=other_past)
    assert not DutySwap.objects.exists()
    client.force_login(svc.other_desk)
    assert client.get(f"/services/rota/{roster.pk}/").status_code == 404
    assert client.post(f"/services/rota/{roster.pk}/swap/", {"slot": duty.pk, "with_slot": theirs.pk}).status_code == 404


def test_harbor_staff_pick_any_two_days(client, svc):
    roster = _roster(svc)
    client.force_login(svc.desk)
    form = client.get(f"/services/rota/{roster.pk}/").context["swap_form"]
    upcoming = DutySlot.objects.filter(roster=roster, date__gte=timezone.localdate()).count()
    assert form.fields["slot"].queryset.count() == upcoming == form.fields["with_slot"].queryset.count()


# --- the community of a nominated family ---------------------------------------------------------------


def test_nomination_offers_the_communities_of_the_users_scope(client, svc, alice):
    xinhua = factories.make_area("新华社区", Area.Level.COMMUNITY, svc.org.xinda, code="wuda.xinda.xh")
    assert set(queries.nomination_communities(alice)) == {svc.org.yongchang, xinhua}  # the street's dispatcher
    assert set(queries.nomination_communities(svc.desk)) == {svc.org.yongchang}
    assert set(queries.nomination_communities(svc.women)) == {svc.org.yongchang}  # through her port's harbor
    client.force_login(alice)
    page = client.get("/services/families/").content.decode()
    assert "新华社区" in page and "团结社区" not in page.split('name="area"')[1].split("</select>")[0]
    response = client.post("/services/families/", {"harbor": svc.org.harbor.pk, "area": xinhua.pk,
                                                   "household": "赵红梅", "nominated_by": "新华社区妇联"})
    assert response.status_code == 302
    family = SafeFamily.objects.get()
    assert family.area == xinhua and family.harbor == svc.org.harbor and family.port == svc.heroines
    assert queries.safe_families_per_community(alice) == []  # not awarded yet
    client.force_login(svc.desk)  # the community's desk: 新华社区 is outside her scope
    response = client.post("/services/families/", {"harbor": svc.org.harbor.pk, "area": xinhua.pk,
                                                   "household": "钱丽"})
    assert response.status_code == 400 and SafeFamily.objects.count() == 1
    with pytest.raises(ActionError) as err:
        actions.nominate_family(actor=svc.desk, harbor=svc.org.harbor, area=svc.org.tuanjie, household="孙燕")
    assert err.value.extra["field"] == "area"


# --- the safe-family criteria page ---------------------------------------------------------------------


def _formset(rows):
    data = {"c-TOTAL_FORMS": str(len(rows)), "c-INITIAL_FORMS": str(sum(1 for r in rows if r.get("pk"))),
            "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "40"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                data[f"c-{i}-{key}"] = "on"
            elif value not in (False, None):
                data[f"c-{i}-{key}"] = str(value)
    return data


def test_harbor_staff_edit_the_criteria(client, svc):
    url = f"/services/families/criteria/{svc.org.harbor.pk}/"
    client.force_login(svc.desk)
    assert f'href="{url}"' in client.get("/services/families/").content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, _formset([
        {"text": "家庭和睦，无家庭暴力", "required": True, "active": True},
        {"text": "积极参与志愿服务", "required": False, "active": True},
    ]))
    assert response.status_code == 302
    criteria = list(SafeFamilyCriterion.objects.filter(harbor=svc.org.harbor))
    assert [(c.text, c.required, c.sort_order) for c in criteria] == [
        ("家庭和睦，无家庭暴力", True, 0), ("积极参与志愿服务", False, 1)]
    assert AuditLog.objects.filter(field="safe_family_criteria", actor=svc.desk).exists()
    # A family assessed against both; then one is removed (retired) and one is edited and reordered.
    family = actions.nominate_family(actor=svc.desk, harbor=svc.org.harbor, area=svc.org.yongchang, household="张兰")
    actions.assess_family(family, actor=svc.desk, met={c.pk for c in criteria})
    harmony, volunteer = criteria
    response = client.post(url, _formset([
        {"pk": volunteer.pk, "text": "积极参与志愿服务和平安建设", "required": True, "active": True},
        {"pk": harmony.pk, "text": harmony.text, "required": True, "active": True, "DELETE": True},
        {"text": "邻里团结", "required": True, "active": True},
    ]))
    assert response.status_code == 302
    harmony.refresh_from_db()
    assert not harmony.active  # retired, kept for the assessment already made
    live = list(SafeFamilyCriterion.objects.filter(harbor=svc.org.harbor, active=True))
    assert [(c.text, c.sort_order) for c in live] == [("积极参与志愿服务和平安建设", 0), ("邻里团结", 1)]
    page = client.get(f"/services/families/{family.pk}/").content.decode()
    assert "家庭和睦" in page  # the old assessment still shows what it was judged on
    nominee = actions.nominate_family(actor=svc.desk, harbor=svc.org.harbor, area=svc.org.yongchang, household="李梅")
    form = client.get(f"/services/families/{nominee.pk}/").context["form"]
    assert [label for _v, label in form.fields["met"].choices] == ["积极参与志愿服务和平安建设", "邻里团结"]


def test_criteria_page_refuses_an_empty_list_and_is_scoped(client, svc, bob):
    keep = SafeFamilyCriterion.objects.create(harbor=svc.org.harbor, text="家庭和睦")
    url = f"/services/families/criteria/{svc.org.harbor.pk}/"
    client.force_login(svc.desk)
    response = client.post(url, _formset([{"pk": keep.pk, "text": "家庭和睦", "active": True, "DELETE": True}]))
    assert response.status_code == 400 and SafeFamilyCriterion.objects.filter(pk=keep.pk).exists()
    client.force_login(svc.other_desk)  # another harbor's staff
    assert client.get(url).status_code == 404
    client.force_login(svc.women)  # a port's staff assess families, the harbor sets the criteria
    assert client.get(url).status_code == 403
    client.force_login(bob)  # a leader reads
    assert client.get(url).status_code in (403, 404)
    admin = factories.UserFactory(username="root", role=User.Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(url).status_code == 200
