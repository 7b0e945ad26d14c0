"""Staff pages of the campus app. Each view: access helper (404 outside the scope), form,
one action, redirect or render; action errors show up as form errors."""

import io
from datetime import date

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeharbor.campus import actions, forms, queries
from safeharbor.campus.models import Gate, GuardDuty, HazardPhoto, PsychCase, RoomBooking
from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.views import client_ip


def _run(request, form, run, success: str, *, files: bool = False):
    """Validate, call the action; returns (ok, status)."""
    if request.method != "POST":
        return False, 200
    if not form.is_valid():
        return False, 400
    try:
        run(form.cleaned_data)
    except ActionError as exc:
        return False, add_action_error(form, exc)
    messages.success(request, success)
    return True, 200


def _school_context(request, school, tab: str) -> dict:
    user = request.user
    return {
        "school": school,
        "tab": tab,
        "staff": actions.is_school_staff(user, school),
        "psych_teacher": actions.is_psych_teacher(user, school),
        "case_reader": queries.can_read_cases(user, school),
    }


def _post_only_for_staff(request, school) -> bool:
    if request.method == "POST":
        actions.require_school_staff(request.user, school)
    return actions.is_school_staff(request.user, school)


def home(request):
    schools = list(queries.school_list(request.user))
    if len(schools) == 1 and request.user.school_id == schools[0].pk:
        return redirect("campus:school", schools[0].pk)
    return render(request, "campus/home.html", {"rows": queries.school_overview(request.user)})


def school_card(request, pk):
    school = queries.get_school(request.user, pk)
    context = _school_context(request, school, "card")
    context.update(card=queries.report_card(request.user, school), profile=queries.profile(school))
    return render(request, "campus/school_card.html", context)


def school_setup(request, pk):
    school = queries.get_school(request.user, pk)
    staff = _post_only_for_staff(request, school)
    user = request.user
    profile = queries.profile(school)
    profile_form = forms.ProfileForm(
        request.POST if "profile" in request.POST else None, school=school,
        initial={"safety_officer": profile.safety_officer_id, "psych_lead": profile.psych_lead_id,
                 "designated_leader": profile.designated_leader_id, "gate_lat": profile.gate_lat,
                 "gate_lon": profile.gate_lon})
    class_form = forms.ClassForm(request.POST if "class" in request.POST else None)
    room_form = forms.RoomForm(request.POST if "room" in request.POST else None)
    booking_form = forms.BookingForm(request.POST if "booking" in request.POST else None, school=school)
    status = 200
    for key, form, run, done in (
        ("profile", profile_form, lambda d: actions.update_profile(school, actor=user, **d), _("Saved.")),
        ("class", class_form, lambda d: actions.add_class(school, actor=user, **d), _("Class added.")),
        ("room", room_form, lambda d: actions.add_room(school, actor=user, **d), _("Room added.")),
        ("booking", booking_form, lambda d: actions.book_room(d.pop("room"), actor=user, **d), _("Room booked.")),
    ):
        if key in request.POST:
            ok, status = _run(request, form, run, done)
            if ok:
                return redirect("campus:setup", school.pk)
    context = _school_context(request, school, "setup")
    context.update(
        profile=profile, grades=queries.grade_summary(school), classes=queries.classes(school),
        rooms=queries.rooms(school), bookings=queries.upcoming_bookings(school),
        profile_form=profile_form if staff else None, class_form=class_form if staff else None,
        room_form=room_form if staff else None, booking_form=booking_form if staff else None,
    )
    return render(request, "campus/school_setup.html", context, status=status)


@require_POST
def booking_cancel(request, pk):
    booking = access.get_visible_or_404(
        RoomBooking.objects.filter(room__school__in=access.visible_campus_schools(request.user)), pk=pk)
    actions.cancel_booking(booking, actor=request.user)
    messages.success(request, _("Booking cancelled."))
    return redirect("campus:setup", booking.room.school_id)


def meetings(request, pk):
    school = queries.get_school(request.user, pk)
    staff = _post_only_for_staff(request, school)
    user = request.user
    units = access.visible_units(user).filter(active=True).order_by("sort_order", "code")
    meeting_form = forms.JointMeetingForm(request.POST if "meeting" in request.POST else None, units=units)
    plan_form = forms.PlanForm(request.POST if "plan" in request.POST else None)
    status = 200
    created = {}

    def hold(data):
        created["meeting"] = actions.hold_joint_meeting(school, actor=user, **data)

    if "meeting" in request.POST:
        ok, status = _run(request, meeting_form, hold, _("Meeting recorded. Add its decisions below."))
        if ok:
            return redirect("matters:meeting_detail", created["meeting"].pk)
    if "plan" in request.POST:
        ok, status = _run(request, plan_form, lambda d: actions.plan_meetings(school, actor=user, **d),
                          _("Meeting schedule saved."))
        if ok:
            return redirect("campus:meetings", school.pk)
    decisions = list(queries.open_decisions(school))
    visible = set(access.visible_matters(user).filter(pk__in=[d.matter_id for d in decisions])
                  .values_list("pk", flat=True))
    for d in decisions:
        d.visible = d.matter_id in visible
    meeting_list = list(queries.school_meetings(school))
    readable = set(access.visible_meetings(user).filter(pk__in=[m.pk for m in meeting_list])
                   .values_list("pk", flat=True))
    for m in meeting_list:
        m.visible = m.pk in readable
    context = _school_context(request, school, "meetings")
    context.update(
        plans=queries.meeting_plans(school), meetings=meeting_list, decisions=decisions,
        meeting_form=meeting_form if staff else None, plan_form=plan_form if staff else None,
    )
    return render(request, "campus/meetings.html", context, status=status)


def hazards(request, pk):
    school = queries.get_school(request.user, pk)
    user = request.user
    writer = access.can_write(user)
    form = forms.HazardForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        access.require_write(user)
        ok, status = _run(request, form, lambda d: actions.report_hazard(
            school, actor=user, photos=request.FILES.getlist("photos"),
            **{k: v for k, v in d.items() if k != "photos"}), _("Hazard registered and sent to the responsible unit."))
        if ok:
            return redirect("campus:hazards", school.pk)
    status_filter = request.GET.get("status", "")
    hazard_list = list(queries.hazards(user, school, status=status_filter))
    lat, lon = actions._gate_point(school)
    context = _school_context(request, school, "hazards")
    context.update(
        hazards=hazard_list, form=form if writer else None, status_filter=status_filter,
        map_data={"points": queries.hazard_points(hazard_list), "gate": {"lat": lat, "lon": lon},
                  "gateLabel": _("School gate"), "area": school.area.geometry,
                  "detail": reverse("campus:hazard_detail", args=[0])},
    )
    return render(request, "campus/hazards.html", context, status=status)


def hazard_detail(request, pk):
    hazard = queries.get_hazard(request.user, pk)
    user = request.user
    school = hazard.school
    staff = actions.is_school_staff(user, school)
    form = forms.InspectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        actions.require_school_staff(user, school)
        ok, status = _run(request, form, lambda d: actions.reinspect_hazard(
            hazard, actor=user, passed=d["passed"], note=d["note"], photos=request.FILES.getlist("photos")),
            _("Re-inspection recorded."))
        if ok:
            return redirect("campus:hazard_detail", hazard.pk)
    context = _school_context(request, school, "hazards")
    context.update(
        hazard=hazard, photos=hazard.photos.all(), inspections=hazard.inspections.select_related("inspector"),
        matter_visible=access.visible_matters(user).filter(pk=hazard.matter_id).exists(),
        form=form if staff and hazard.matter.status == "resolved" else None,
        recurrences=hazard.recurrences.all(),
        # The rectifying unit sees the hazard, not the school's other pages.
        hide_tabs=not access.visible_campus_schools(user).filter(pk=school.pk).exists(),
    )
    return render(request, "campus/hazard_detail.html", context, status=status)


def hazard_photo(request, pk):
    photo = access.get_visible_or_404(HazardPhoto.objects.filter(hazard__in=access.visible_hazards(request.user)),
                                      pk=pk)
    return FileResponse(photo.file.open("rb"), filename=photo.name)


def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def guards(request, pk):
    school = queries.get_school(request.user, pk)
    staff = _post_only_for_staff(request, school)
    user = request.user
    forms_by_key = {
        "gate": forms.GateForm(request.POST if "gate" in request.POST else None),
        "term": forms.TermForm(request.POST if "term" in request.POST else None),
        "guard": forms.GuardForm(request.POST if "guard" in request.POST else None),
        "roster": forms.RosterForm(request.POST if "roster" in request.POST else None, school=school),
    }
    result = {}

    def roster(d):
        result.update(actions.generate_roster(d["term"], actor=user, gate=d["gate"], slots=d["slots"]))

    runs = {
        "gate": (lambda d: actions.add_gate(school, actor=user, **d), _("Gate added.")),
        "term": (lambda d: actions.add_term(school, actor=user, **d), _("Term added.")),
        "guard": (lambda d: actions.add_guard(school, actor=user, **d), _("Added to the guard list.")),
        "roster": (roster, _("Roster generated.")),
    }
    status = 200
    for key, (run, done) in runs.items():
        if key in request.POST:
            ok, status = _run(request, forms_by_key[key], run, done)
            if ok:
                if key == "roster":
                    messages.info(request, _("%(shifts)d shifts with %(duties)d duties were created.") % result)
                return redirect("campus:guards", school.pk)
    day = _day(request)
    context = _school_context(request, school, "guards")
    context.update(
        day=day, rows=queries.shifts_on(school, day), uncovered=queries.uncovered_shifts(school, start=day),
        gates=queries.gates(school), terms=queries.terms(school), coverage=queries.guard_coverage(school),
        guard_list=access.visible_guards(user).filter(school=school) if staff else None,
        forms=forms_by_key if staff else None,
        previous=day.fromordinal(day.toordinal() - 1), next=day.fromordinal(day.toordinal() + 1),
    )
    return render(request, "campus/guards.html", context, status=status)


@require_POST
def duty_sign_in(request, pk):
    duty = access.get_visible_or_404(
        GuardDuty.objects.filter(shift__gate__school__in=access.visible_campus_schools(request.user)), pk=pk)
    actions.sign_in_duty(duty, actor=request.user)
    messages.success(request, _("Signed in."))
    return redirect(reverse("campus:guards", args=[duty.shift.gate.school_id]) + f"?day={duty.shift.date:%Y-%m-%d}")


@require_POST
def duty_drop(request, pk):
    duty = access.get_visible_or_404(
        GuardDuty.objects.filter(shift__gate__school__in=access.visible_campus_schools(request.user)), pk=pk)
    shift = duty.shift
    try:
        actions.drop_duty(duty, actor=request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed from the shift."))
    return redirect(reverse("campus:guards", args=[shift.gate.school_id]) + f"?day={shift.date:%Y-%m-%d}")


def gate_qr(request, pk):
    from safeharbor.intake.posters import SVG_OPTIONS, qr_code

    gate = access.get_visible_or_404(access.visible_campus(request.user, Gate), pk=pk)
    url = request.build_absolute_uri(reverse("campus_public:gate", args=[gate.token]))
    buffer = io.BytesIO()
    qr_code(url).save(buffer, **SVG_OPTIONS)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def psych(request, pk):
    school = queries.get_school(request.user, pk)
    user = request.user
    teacher = actions.is_psych_teacher(user, school)
    if request.method == "POST":
        actions.require_psych_teacher(user, school)
    classes = queries.classes(school)
    lesson_form = forms.LessonForm(request.POST if "lesson" in request.POST else None, classes=classes)
    activity_form = forms.ActivityForm(request.POST if "activity" in request.POST else None)
    status = 200
    for key, form, run, done in (
        ("lesson", lesson_form, lambda d: actions.log_lesson(d.pop("school_class"), actor=user, **d),
         _("Lesson logged.")),
        ("activity", activity_form, lambda d: actions.record_activity(school, actor=user, **d),
         _("Activity recorded.")),
    ):
        if key in request.POST:
            ok, status = _run(request, form, run, done)
            if ok:
                return redirect("campus:psych", school.pk)
    context = _school_context(request, school, "psych")
    context.update(
        summary=queries.psych_summary(school), coverage=queries.lesson_coverage(school),
        gaps=queries.monitor_gaps(school), activities=queries.activities(school)[:30],
        lessons=queries.recent_lessons(school) if teacher else None,
        classes=classes if teacher else None,
        lesson_form=lesson_form if teacher else None, activity_form=activity_form if teacher else None,
        cases=queries.psych_cases(user, school, ip=client_ip(request)) if context["case_reader"] else None,
        today=timezone.localdate(),
    )
    return render(request, "campus/psych.html", context, status=status)


@require_POST
def monitor_set(request, pk):
    school_class = access.get_visible_or_404(access.visible_school_classes(request.user).select_related("grade"),
                                             pk=pk)
    form = forms.MonitorForm(request.POST)
    if form.is_valid():
        actions.set_psych_monitor(school_class, actor=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Class psychology monitor saved for %(cls)s.") % {"cls": school_class})
    return redirect(reverse("campus:psych", args=[school_class.grade.school_id]) + "#monitors")


def case_new(request, pk):
    school = queries.get_school(request.user, pk)
    actions.require_psych_teacher(request.user, school)
    form = forms.CaseForm(request.POST or None, classes=queries.classes(school))
    created = {}

    def run(d):
        created["case"] = actions.open_case(school, actor=request.user, **d)

    ok, status = _run(request, form, run, _("Case opened."))
    if ok:
        return redirect("campus:psych_case", created["case"].pk)
    context = _school_context(request, school, "psych")
    context["form"] = form
    return render(request, "campus/case_new.html", context, status=status)


def case_detail(request, pk):
    case = queries.read_case(request.user, pk, ip=client_ip(request))
    user = request.user
    teacher = actions.is_psych_teacher(user, case.school)
    follow_form = forms.CaseFollowUpForm(request.POST if "follow_up" in request.POST else None,
                                         initial={"risk": case.risk})
    close_form = forms.CloseCaseForm(request.POST if "close" in request.POST else None)
    status = 200
    if request.method == "POST":
        actions.require_psych_teacher(user, case.school)
        for key, form, run, done in (
            ("follow_up", follow_form, lambda d: actions.follow_up_case(case, actor=user, **d),
             _("Follow-up recorded.")),
            ("close", close_form, lambda d: actions.close_case(case, actor=user, **d), _("Case closed.")),
        ):
            if key in request.POST:
                ok, status = _run(request, form, run, done)
                if ok:
                    return redirect("campus:psych_case", case.pk)
    open_case = case.status == PsychCase.Status.OPEN
    context = _school_context(request, case.school, "psych")
    context.update(
        case=case, follow_ups=case.follow_ups.select_related("by"), reads=queries.case_reads(case)[:20],
        follow_form=follow_form if teacher and open_case else None,
        close_form=close_form if teacher and open_case else None,
    )
    return render(request, "campus/case_detail.html", context, status=status)


def incidents(request, pk):
    school = queries.get_school(request.user, pk)
    staff = _post_only_for_staff(request, school)
    form = forms.IncidentForm(request.POST or None)
    ok, status = _run(request, form, lambda d: actions.record_incident(school, actor=request.user, **d),
                      _("Incident recorded."))
    if ok:
        return redirect("campus:incidents", school.pk)
    context = _school_context(request, school, "incidents")
    context.update(record=queries.safety_record(school), incidents=queries.incidents(school)[:100],
                   form=form if staff else None)
    return render(request, "campus/incidents.html", context, status=status)
