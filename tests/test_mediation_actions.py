"""Mediation case flows through the actions: success, failure, escalation, follow-up with
non-performance, the matter following the case, high-risk alerts and bad input."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import User
from safeharbor.lib import workdays
from safeharbor.matters.models import Matter, MatterEvent
from safeharbor.mediation import actions, queries
from safeharbor.mediation.models import Agreement, Case
from safeharbor.notifications.models import Notification
from tests import factories
from tests.factories_mediation import PARTIES, accepted, agree, make_med, register, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def med(org):
    return make_med(org)
S = Case.Status


def _dispute_matter(org, med, actor=None):
    return factories.MatterFactory(actor=actor, category=med.category, area=org.grid,
                                   description="楼上卫生间漏水，我家天花板都泡了，找了好几次没人管",
                                   reporter_name="王桂兰", reporter_phone="13904735216")


def test_dispatcher_turns_a_dispute_matter_into_a_case_and_the_matter_follows_it(org, med, alice):
    matter = _dispute_matter(org, med)
    case = actions.register_case(actor=alice, matter=matter, kind="neighbor", title="楼上漏水纠纷",
                                 facts=matter.description, parties=PARTIES)
    matter.refresh_from_db()
    assert case.source == Case.Source.MATTER and case.area == org.grid and case.status == S.REGISTERED
    assert matter.status == Matter.Status.ACCEPTED and matter.unit == org.justice
    assert matter.events.filter(action=MatterEvent.Action.NOTE, data__mediation_case=case.pk).exists()
    assert matter.mediation_case == case

    with pytest.raises(ConflictError):  # one case per matter
        actions.register_case(actor=alice, matter=matter, kind="neighbor", title="x", facts="y")

    case = actions.accept_case(case, actor=med.mediator, committee=med.community, mediators=[med.mediator])
    matter.refresh_from_db()
    expected = workdays.add_workdays(timezone.localtime(case.accepted_at), 10)
    assert case.due_at == expected
    assert matter.resolve_due_at == case.due_at and matter.due_at == case.due_at  # the sweep supervises it

    for party in case.parties.all():
        actions.record_consent(case, actor=med.mediator, party=party, agrees=True)
    session(med, case)
    agreement = agree(med, case)
    case.refresh_from_db()
    matter.refresh_from_db()
    year = timezone.localdate().year
    assert case.status == S.AGREED and case.number == f"永昌调字〔{year}〕第001号"
    assert matter.status == Matter.Status.RESOLVED and agreement.content in matter.result
    assert case.number in matter.result


def test_only_dispute_matters_become_cases(org, med, alice):
    other = factories.CategoryFactory(code="security.theft", domain=org.domain, default_unit=org.police)
    matter = factories.MatterFactory(category=other, area=org.grid)
    with pytest.raises(ActionError) as error:
        actions.register_case(actor=alice, matter=matter, kind="neighbor", title="x", facts="y")
    assert error.value.extra["field"] == "matter"


def test_direct_registration_makes_a_matter_for_the_case(org, med):
    case = register(med, org)
    assert case.matter is not None and case.matter.category == med.category
    case.matter.refresh_from_db()
    assert case.matter.status == Matter.Status.ACCEPTED
    party = case.parties.get(role="applicant")
    assert party.name == "王桂兰"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone FROM mediation_party WHERE id = %s", [party.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in raw)  # encrypted at rest


def test_full_success_with_follow_up_and_archive(org, med):
    case = accepted(med, org)
    session(med, case, hours_ago=20)
    session(med, case)
    agree(med, case, days=0)
    assert list(queries.follow_ups_due(med.mediator)) == [case]
    with pytest.raises(ActionError):  # archive only after the follow-up visit
        actions.archive_case(case, actor=med.mediator)
    actions.record_visit(case, actor=med.mediator, visited_on=timezone.localdate(), result="performed",
                         note="已履行，双方满意。")
    case = actions.archive_case(case, actor=med.mediator)
    assert case.status == S.ARCHIVED and case.performance == "performed"
    assert case.number.endswith("第001号")
    second = accepted(med, org, title="另一起纠纷")
    session(med, second)
    actions.record_failure(second, actor=med.mediator, reason="分歧大", guidance="litigation", guidance_note="可起诉")
    second = actions.archive_case(second, actor=med.mediator)
    assert second.number.endswith("第002号")  # the committee's sequence


def test_failure_records_reason_and_guidance_and_resolves_the_matter(org, med):
    case = accepted(med, org)
    session(med, case)
    case = actions.record_failure(case, actor=med.mediator, reason="双方对赔偿金额分歧较大",
                                  guidance="litigation", guidance_note="告知可向乌达区人民法院起诉")
    assert case.status == S.FAILED
    matter = Matter.objects.get(pk=case.matter_id)
    assert matter.status == Matter.Status.RESOLVED
    assert "双方对赔偿金额分歧较大" in matter.result and "乌达区人民法院" in matter.result


def test_escalation_community_to_subdistrict_to_district(org, med):
    case = accepted(med, org)
    session(med, case)
    actions.record_failure(case, actor=med.mediator, reason="社区调解未成", guidance="other", guidance_note="提请上级")
    case = actions.escalate_case(case, actor=med.mediator, reason="社区调委会调解未成")
    assert case.committee == med.subdistrict and case.status == S.REGISTERED and not case.mediators.exists()
    matter = Matter.objects.get(pk=case.matter_id)
    assert matter.status != Matter.Status.RESOLVED  # back in hand
    case = actions.accept_case(case, actor=med.mediator, committee=med.subdistrict, mediators=[med.mediator])
    assert case.due_at == workdays.add_workdays(timezone.localtime(case.accepted_at), 15)
    assert Matter.objects.get(pk=case.matter_id).resolve_due_at == case.due_at

    case = actions.escalate_case(case, actor=med.mediator, reason="街道调解未成")
    assert case.committee == med.district
    assert Notification.objects.filter(recipient=med.district_mediator, kind="mediation.escalated").exists()
    # The sub-district mediator no longer sits on the case's committee: the district takes over.
    with pytest.raises(ActionError):
        actions.accept_case(case, actor=med.mediator, committee=med.district, mediators=[med.mediator])
    case = actions.accept_case(case, actor=med.district_mediator, committee=med.district,
                               mediators=[med.district_mediator])
    with pytest.raises(ActionError):
        actions.escalate_case(case, actor=med.district_mediator, reason="区级也调不了")


def test_follow_up_with_non_performance_reopens_then_guides(org, med):
    case = accepted(med, org)
    session(med, case)
    agree(med, case, days=0)
    actions.record_visit(case, actor=med.mediator, visited_on=timezone.localdate(), result="not_performed",
                         note="被申请人未赔偿", next_step="reopen")
    case.refresh_from_db()
    assert case.status == S.MEDIATING
    assert not Agreement.objects.filter(case=case).exists()  # a new agreement can be made
    matter = Matter.objects.get(pk=case.matter_id)
    assert matter.status == Matter.Status.ACCEPTED and matter.reopen_count == 1
    assert case.events.filter(action="reopened", data__previous_agreement__isnull=False).exists()

    case = Case.objects.get(pk=case.pk)
    session(med, case)
    agree(med, case, days=0)
    with pytest.raises(ActionError):  # not performed: a next step is required
        actions.record_visit(case, actor=med.mediator, visited_on=timezone.localdate(), result="partly",
                             note="只赔了一半")
    actions.record_visit(case, actor=med.mediator, visited_on=timezone.localdate(), result="partly",
                         note="只赔了一半", next_step="guide")
    case.refresh_from_db()
    assert case.status == S.AGREED and case.performance == "partly"
    assert actions.archive_case(case, actor=med.mediator).status == S.ARCHIVED


def test_high_risk_alerts_police_and_dispatcher_and_lists_first(org, med, alice):
    police_officer = factories.UserFactory(role=User.Role.UNIT_HANDLER, unit=org.police)
    calm = register(med, org, title="平静的纠纷")
    hot = register(med, org, title="可能民转刑的纠纷")
    actions.assess_risk(hot, actor=med.mediator, level="high", violence=True, note="一方扬言报复")
    for user in (police_officer, alice):
        note = Notification.objects.get(recipient=user, kind="high_risk_dispute")
        assert "可能民转刑的纠纷" in note.message and note.url.endswith(f"/mediation/{hot.pk}/")
    assert [c.pk for c in queries.case_list(med.mediator)][:2] == [hot.pk, calm.pk]
    with pytest.raises(ActionError):  # high without saying why
        actions.assess_risk(calm, actor=med.mediator, level="high")


def test_high_risk_at_registration_alerts_at_once(org, med, alice):
    register(med, org, risk_level="high", risk_group=True, risk_note="二十余户业主聚集")
    assert Notification.objects.filter(recipient=alice, kind="high_risk_dispute").count() == 1


def test_agreement_without_parties_is_refused(org, med):
    case = accepted(med, org)
    session(med, case)
    with pytest.raises(ActionError) as error:
        agree(med, case, parties=[])
    assert error.value.extra["field"] == "parties"
    with pytest.raises(ActionError):
        agree(med, case, parties=[case.parties.first()])  # one party alone agrees with nobody
    assert Case.objects.get(pk=case.pk).status == S.MEDIATING


def test_performance_deadline_before_the_session_is_refused(org, med):
    case = accepted(med, org)
    session(med, case)
    with pytest.raises(ActionError) as error:
        agree(med, case, days=-3)
    assert error.value.extra["field"] == "performance_deadline"
    assert "不能早于" in str(error.value.message) or "cannot be before" in str(error.value.message)


def test_agreement_needs_a_session_and_sessions_need_consent(org, med):
    case = register(med, org)
    case = actions.accept_case(case, actor=med.mediator, committee=med.community, mediators=[med.mediator])
    with pytest.raises(ActionError):
        session(med, case)  # nobody has consented yet
    with pytest.raises(ConflictError):
        agree(med, case)  # accepted, no session: not mediating yet


def test_declining_is_recorded_with_guidance(org, med):
    case = register(med, org)
    party = case.parties.get(role="respondent")
    actions.record_consent(case, actor=med.mediator, party=party, agrees=False)
    with pytest.raises(ActionError):
        actions.accept_case(case, actor=med.mediator, committee=med.community, mediators=[med.mediator])
    case = actions.decline_case(case, actor=med.mediator, reason="被申请人不同意调解", guidance="administrative",
                                guidance_note="引导向综合执法局反映")
    assert case.status == S.DECLINED and case.guidance == "administrative"
    assert "综合执法局" in Matter.objects.get(pk=case.matter_id).result


def test_joint_mediation_invites_a_unit_which_then_sees_the_case(org, med):
    officer = factories.UserFactory(role=User.Role.UNIT_HANDLER, unit=org.police)
    case = accepted(med, org)
    from safeharbor.core import access

    assert not access.visible_mediation_cases(officer).filter(pk=case.pk).exists()
    actions.invite_joint_unit(case, actor=med.mediator, unit=org.police, note="请社区民警参与")
    assert access.visible_mediation_cases(officer).filter(pk=case.pk).exists()
    assert Notification.objects.filter(recipient=officer, kind="mediation.joint").exists()
    s = actions.record_session(case, actor=med.mediator, held_at=timezone.now(), place="调解室",
                               participants="双方、民警", record="联动调解", joint_units=[org.police])
    assert list(s.joint_units.all()) == [org.police]


def test_judicial_confirmation_only_for_written_agreements(org, med):
    oral = accepted(med, org, title="口头")
    session(med, oral)
    agree(med, oral, form="oral")
    with pytest.raises(ActionError):
        actions.record_confirmation(oral, actor=med.mediator, status="applied", court="乌达区人民法院",
                                    applied_on=timezone.localdate())
    written = accepted(med, org, title="书面")
    session(med, written)
    agree(med, written)
    actions.record_confirmation(written, actor=med.mediator, status="applied", court="乌达区人民法院",
                                applied_on=timezone.localdate())
    with pytest.raises(ActionError):  # a decision needs its date
        actions.record_confirmation(written, actor=med.mediator, status="confirmed", court="乌达区人民法院",
                                    applied_on=timezone.localdate())
    case = actions.record_confirmation(written, actor=med.mediator, status="confirmed", court="乌达区人民法院",
                                       applied_on=timezone.localdate(), decided_on=timezone.localdate())
    assert case.confirmation == "confirmed"


def test_roles_and_scope_of_the_actions(org, med, bob, charlie):
    case = register(med, org)
    with pytest.raises(PermissionDenied):  # leaders look, they do not act
        actions.assess_risk(case, actor=bob, level="medium", note="x")
    from django.http import Http404

    with pytest.raises(Http404):
        actions.assess_risk(case, actor=charlie, level="medium", note="x")
    grid_worker = factories.UserFactory(role=User.Role.GRID_WORKER, areas=[org.grid])
    with pytest.raises(PermissionDenied):
        register(med, org, actor=grid_worker)


def test_statistics_per_committee_type_and_area(org, med):
    ok = accepted(med, org, title="成功", amount="1000")
    session(med, ok)
    agree(med, ok)
    actions.assess_risk(ok, actor=med.mediator, level="high", group=True)
    bad = accepted(med, org, title="失败", kind="family", amount="500")
    session(med, bad)
    actions.record_failure(bad, actor=med.mediator, reason="分歧", guidance="litigation", guidance_note="起诉")
    register(med, org, title="刚登记")
    today = timezone.localdate()
    stats = queries.statistics(med.mediator, start=today - timedelta(days=1), end=today, group="committee")
    total = stats.total
    assert (total.registered, total.mediated, total.succeeded) == (3, 2, 1)
    assert total.success_rate == 0.5 and total.amount == 5300 and total.high_risk_defused == 1
    by_kind = queries.statistics(med.mediator, start=today, end=today, group="kind")
    assert sorted(r.registered for r in by_kind.rows) == [1, 2]
    by_area = queries.statistics(med.mediator, start=today, end=today, group="area")
    assert [r.label for r in by_area.rows] == ["新达街道"]
