"""Every change to a campaign goes through these functions: pages, API and the worker."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.campaigns import queries
from safeharbor.campaigns.models import (
    DEFAULT_PHASES,
    Bulletin,
    Campaign,
    CampaignMeeting,
    CampaignTask,
    Clue,
    Phase,
    ProgressReport,
    ReportAttachment,
    ReportChase,
    TaskProgress,
)
from safeharbor.core import access
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import Area, Unit
from safeharbor.lib import codes
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Decision, Matter, Meeting
from safeharbor.notifications.actions import notify
from safeharbor.notifications.queries import unit_members

MAX_TEXT = 5000
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024


def _text(value, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Please fill in this field."), extra={"field": field})
    if len(value) > limit:
        raise ActionError(_("This text is too long: at most %(n)d characters.") % {"n": limit},
                          extra={"field": field})
    return value


def _fmt(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _load(actor, campaign: Campaign) -> Campaign:
    """Lock the campaign, then check scope (404) and that the actor runs it (403)."""
    campaign = _lock(campaign)
    if not access.visible_campaigns(actor).filter(pk=campaign.pk).exists():
        raise access.Http404
    queries.require_manage(actor, campaign)
    return campaign


def _in_period(campaign: Campaign, day: date, field: str) -> None:
    if not campaign.start_date <= day <= campaign.end_date:
        raise ActionError(
            _("%(day)s is outside the campaign period (%(start)s to %(end)s).")
            % {"day": _fmt(day), "start": _fmt(campaign.start_date), "end": _fmt(campaign.end_date)},
            extra={"field": field},
        )


def default_phases(start: date, end: date) -> list[tuple[str, date, date]]:
    """动员部署 (the first fifth), 自查自纠 (three fifths), 总结提升 (the last fifth)."""
    days = (end - start).days + 1
    first = max(1, days // 5)
    last = max(1, days // 5)
    middle_end = end - timedelta(days=last)
    return [
        (DEFAULT_PHASES[0][0], start, start + timedelta(days=first - 1)),
        (DEFAULT_PHASES[1][0], start + timedelta(days=first), middle_end),
        (DEFAULT_PHASES[2][0], middle_end + timedelta(days=1), end),
    ]


# --- campaigns and phases ---------------------------------------------------------------------


@transaction.atomic
def create_campaign(*, actor, name: str, lead_unit: Unit, participating_units, area: Area, start_date: date,
                    end_date: date, goals: str, report_every_days: int = 14, public_clues: bool = True) -> Campaign:
    access.require_write(actor)
    in_lead_unit = actor.unit_id == lead_unit.pk and (lead_unit.area is None or area.path.startswith(lead_unit.area.path))
    if not (in_lead_unit or access.visible_areas(actor).filter(pk=area.pk).exists()):
        raise ActionError(_("That area is outside your area of work."), extra={"field": "area"})
    if end_date < start_date + timedelta(days=2):
        raise ActionError(_("The campaign must end at least two days after it starts."), extra={"field": "end_date"})
    if not 1 <= int(report_every_days) <= 92:
        raise ActionError(_("Reports are due every 1 to 92 days."), extra={"field": "report_every_days"})
    units = list(participating_units)
    if not units:
        raise ActionError(_("Choose at least one participating unit."), extra={"field": "participating_units"})
    if not access.is_admin(actor) and actor.unit_id != lead_unit.pk and actor.role != actor.Role.DISPATCHER:
        raise ActionError(_("Only the lead unit's staff or a dispatcher can start a campaign."),
                          extra={"field": "lead_unit"})
    campaign = Campaign.objects.create(
        name=_text(name, "name", limit=200), lead_unit=lead_unit, area=area, start_date=start_date,
        end_date=end_date, goals=_text(goals, "goals"), report_every_days=report_every_days,
        public_clues=public_clues, created_by=actor,
    )
    campaign.participating_units.set(units)
    for order, (phase, start, end) in enumerate(default_phases(start_date, end_date)):
        Phase.objects.create(campaign=campaign, name=phase, start_date=start, end_date=end, sort_order=order)
    return campaign


@transaction.atomic
def save_phase(campaign: Campaign, *, actor, name: str, start_date: date, end_date: date,
               phase: Phase | None = None) -> Phase:
    """Add a phase, or change one's name and dates (phases may not leave the campaign period)."""
    campaign = _load(actor, campaign)
    _in_period(campaign, start_date, "start_date")
    _in_period(campaign, end_date, "end_date")
    if end_date < start_date:
        raise ActionError(_("A phase cannot end before it starts."), extra={"field": "end_date"})
    name = _text(name, "name", limit=60)
    if phase is None:
        order = (campaign.phases.aggregate(m=Max("sort_order"))["m"] or 0) + 1
        return Phase.objects.create(campaign=campaign, name=name, start_date=start_date, end_date=end_date,
                                    sort_order=order)
    phase = campaign.phases.get(pk=phase.pk)
    phase.name, phase.start_date, phase.end_date = name, start_date, end_date
    phase.save()
    return phase


@transaction.atomic
def set_cadence(campaign: Campaign, *, actor, report_every_days: int) -> Campaign:
    campaign = _load(actor, campaign)
    if not 1 <= int(report_every_days) <= 92:
        raise ActionError(_("Reports are due every 1 to 92 days."), extra={"field": "report_every_days"})
    campaign.report_every_days = report_every_days
    campaign.save(update_fields=["report_every_days"])
    return campaign


# --- the roadmap --------------------------------------------------------------------------------


@transaction.atomic
def add_task(campaign: Campaign, *, actor, title: str, owner_unit: Unit, responsible_person: str, deadline: date,
             target: str, milestones: str = "", phase: Phase | None = None, start_date: date | None = None,
             meeting: Meeting | None = None) -> CampaignTask:
    """A roadmap task: a matter of its owner unit, due on its deadline, inside the campaign."""
    campaign = _load(actor, campaign)
    title = _text(title, "title", limit=200)
    start_date = start_date or max(campaign.start_date, timezone.localdate())
    _in_period(campaign, deadline, "deadline")
    _in_period(campaign, start_date, "start_date")
    if deadline < start_date:
        raise ActionError(_("The deadline cannot be before the task starts."), extra={"field": "deadline"})
    if not (owner_unit.pk == campaign.lead_unit_id or campaign.participating_units.filter(pk=owner_unit.pk).exists()):
        raise ActionError(_("%(unit)s does not take part in this campaign.") % {"unit": owner_unit.name},
                          extra={"field": "owner_unit"})
    if phase is not None and phase.campaign_id != campaign.pk:
        raise ActionError(_("Choose a phase of this campaign."), extra={"field": "phase"})
    person = _text(responsible_person, "responsible_person", limit=60)
    target = _text(target, "target", limit=200)
    milestones = _text(milestones, "milestones", required=False)
    description = _("%(task)s\nTarget: %(target)s\nResponsible person: %(person)s") % {
        "task": title, "target": target, "person": person}
    if milestones:
        description += "\n" + _("Milestones:") + "\n" + milestones
    matter = matter_actions.create_assigned_matter(
        actor=actor, source=Matter.Source.CAMPAIGN, title=f"【{campaign.name}】{title}"[:200],
        description=description, area=campaign.area, unit=owner_unit, deadline=deadline,
        data={"campaign": campaign.pk},
    )
    task = CampaignTask.objects.create(
        campaign=campaign, phase=phase, title=title, owner_unit=owner_unit, responsible_person=person,
        start_date=start_date, deadline=deadline, milestones=milestones, target=target, matter=matter,
        meeting=meeting,
    )
    if meeting is not None:  # the meeting's page lists it among its decisions
        Decision.objects.create(meeting=meeting, text=title, owner_unit=owner_unit, deadline=deadline, matter=matter)
    return task


# --- dispatch meetings -----------------------------------------------------------------------------


@transaction.atomic
def hold_dispatch_meeting(campaign: Campaign, *, actor, title: str, held_at, place: str = "", agenda: str = "",
                          minutes: str = "") -> Meeting:
    """调度会: a meeting of the matter engine, organized by the lead unit with every participant."""
    campaign = _load(actor, campaign)
    # Recorded here rather than through matters.actions.create_meeting, which wants the
    # campaign's area in the actor's scope: the lead unit's staff of a district-wide unit
    # have no area of their own, and the campaign check above is the one that matters.
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.DISPATCH, title=_text(title, "title", limit=200), organizer=campaign.lead_unit,
        area=campaign.area, held_at=held_at, place=_text(place, "place", required=False, limit=200),
        agenda=_text(agenda, "agenda", required=False), minutes=_text(minutes, "minutes", required=False, limit=50000),
        created_by=actor,
    )
    meeting.attending_units.set([campaign.lead_unit, *campaign.participating_units.all()])
    CampaignMeeting.objects.create(campaign=campaign, meeting=meeting)
    return meeting


# --- progress reports (调度) -------------------------------------------------------------------------


def _percent(value, task: CampaignTask) -> int:
    try:
        percent = int(value)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise ActionError(
            _("The progress of “%(task)s” must be a whole number from 0 to 100 %%.") % {"task": task.title},
            extra={"field": f"task_{task.pk}"},
        )
    return percent


def _figures(text: str) -> dict:
    """Lines "检查车辆 = 120" → {"检查车辆": 120}; the numbers of the results."""
    figures = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        label, sep, number = line.replace("：", ":").replace("=", ":").rpartition(":")
        try:
            value = float(number.strip())
        except ValueError:
            value = None
        if not sep or not label.strip() or value is None or value < 0:
            raise ActionError(_("Write each result as “what: number”, one per line (not “%(line)s”).")
                              % {"line": line.strip()[:40]}, extra={"field": "figures"})
        figures[label.strip()[:60]] = int(value) if value.is_integer() else value
    return figures


@transaction.atomic
def file_report(campaign: Campaign, *, actor, progress: dict, highlights: str = "", results: str = "",
                figures: str = "", problems: str = "", next_steps: str = "", files=()) -> ProgressReport:
    """A participating unit files its report for its next period: percent done per task it
    owns, highlights, results (with numbers), problems and next steps."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not access.visible_campaigns(actor).filter(pk=campaign.pk).exists():
        raise access.Http404
    access.require_write(actor)
    if not queries.can_report(actor, campaign):
        raise ActionError(_("Only the participating units file progress reports."))
    unit = actor.unit
    due = queries.next_due_date(campaign, unit)
    if due is None:
        raise ConflictError(_("Your unit has filed every report of this campaign."))
    today = timezone.localdate()
    if today < campaign.start_date:
        raise ConflictError(_("The campaign has not started yet."))
    tasks = list(campaign.tasks.filter(owner_unit=unit))
    values = {task.pk: _percent(progress.get(task.pk, progress.get(str(task.pk))), task) for task in tasks}
    files = list(files or ())
    if len(files) > MAX_FILES or any(f.size > MAX_FILE_BYTES for f in files):
        raise ActionError(_("At most %(n)d files of %(mb)d MB each.") % {"n": MAX_FILES, "mb": 10},
                          extra={"field": "files"})
    report = ProgressReport.objects.create(
        campaign=campaign, unit=unit, due_date=due, submitted_by=actor,
        highlights=_text(highlights, "highlights", required=False), results=_text(results, "results"),
        figures=_figures(figures), problems=_text(problems, "problems", required=False),
        next_steps=_text(next_steps, "next_steps"), late=today > due,
    )
    for task in tasks:
        TaskProgress.objects.create(report=report, task=task, percent=values[task.pk],
                                    note=str(progress.get(f"note_{task.pk}", ""))[:300])
    for upload in files:
        ReportAttachment.objects.create(report=report, file=upload, name=upload.name[:200], size=upload.size)
    url = reverse("campaigns:detail", args=[campaign.pk])
    notify(unit_members(campaign.lead_unit), "campaign_report",
           _("%(unit)s filed its progress report for %(campaign)s.") % {"unit": unit.name, "campaign": campaign.name},
           url=url, obj=report)
    return report


def chase_missing_reports(today: date | None = None) -> int:
    """催报: tell each unit whose report is overdue (and the lead unit), once per period."""
    today = today or timezone.localdate()
    chased = 0
    for campaign in Campaign.objects.filter(start_date__lte=today, end_date__gte=today - timedelta(days=7)):
        for unit, due in queries.missing_reports(campaign, today):
            with transaction.atomic():
                _row, created = ReportChase.objects.get_or_create(campaign=campaign, unit=unit, due_date=due)
                if not created:
                    continue
                url = reverse("campaigns:report_new", args=[campaign.pk])
                message = _("The progress report of %(unit)s for %(campaign)s was due on %(due)s and is missing.") % {
                    "unit": unit.name, "campaign": campaign.name, "due": _fmt(due)}
                notify([*unit_members(unit), *unit_members(campaign.lead_unit)], "campaign_report_missing",
                       message, url=url, obj=campaign)
                chased += 1
    return chased


# --- bulletins (通报) ---------------------------------------------------------------------------------


@transaction.atomic
def generate_bulletin(campaign: Campaign, *, actor, as_of: date | None = None) -> Bulletin:
    """A draft bulletin for any date of the campaign, from the reports filed until then."""
    campaign = _load(actor, campaign)
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        raise ActionError(_("A bulletin cannot be made for a future date."), extra={"field": "as_of"})
    if as_of < campaign.start_date:
        raise ActionError(_("The campaign had not started on that date."), extra={"field": "as_of"})
    number = (campaign.bulletins.aggregate(m=Max("number"))["m"] or 0) + 1
    return Bulletin.objects.create(campaign=campaign, number=number, as_of=as_of, created_by=actor,
                                   content=queries.bulletin_content(campaign, as_of))


@transaction.atomic
def publish_bulletin(bulletin: Bulletin, *, actor, remarks: str = "") -> Bulletin:
    """The lead unit reviewed the draft: publish it to every participating unit."""
    _load(actor, bulletin.campaign)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status == Bulletin.Status.PUBLISHED:
        raise ConflictError(_("This bulletin is already published."))
    bulletin.remarks = _text(remarks, "remarks", required=False)
    bulletin.status, bulletin.published_by, bulletin.published_at = Bulletin.Status.PUBLISHED, actor, timezone.now()
    bulletin.save()
    campaign = bulletin.campaign
    recipients = [user for unit in queries.reporting_units(campaign) for user in unit_members(unit)]
    notify(recipients, "campaign_bulletin",
           _("Bulletin no. %(n)d of %(campaign)s is published.") % {"n": bulletin.number, "campaign": campaign.name},
           url=reverse("campaigns:bulletin", args=[bulletin.pk]), obj=bulletin)
    return bulletin


# --- clues (线索) ------------------------------------------------------------------------------------------


def _new_tracking_code() -> str:
    while True:
        code = "XS" + codes.tracking_code(timezone.localdate())
        if not Clue.objects.filter(tracking_code=code).exists():
            return code


def _create_clue(campaign, *, channel, text, place, anonymous, name, phone, actor=None) -> tuple[Clue, str]:
    text = _text(text, "text", limit=3000)
    name, phone = (name or "").strip()[:60], (phone or "").strip()[:40]
    if not anonymous and not (name or phone):
        raise ActionError(_("Leave a name or a phone number, or choose to report anonymously."),
                          extra={"field": "phone"})
    check = codes.check_code()
    clue = Clue.objects.create(
        campaign=campaign, channel=channel, tracking_code=_new_tracking_code(),
        check_code_hash=blind_index(check, kind="check"), text=text,
        place=_text(place, "place", required=False, limit=200), anonymous=anonymous,
        reporter_name="" if anonymous else name, reporter_phone="" if anonymous else phone, registered_by=actor,
    )
    notify(unit_members(campaign.lead_unit), "campaign_clue",
           _("New clue %(code)s for %(campaign)s.") % {"code": clue.tracking_code, "campaign": campaign.name},
           url=reverse("campaigns:clue", args=[clue.pk]), obj=clue)
    return clue, check


@transaction.atomic
def submit_public_clue(campaign: Campaign, *, text: str, place: str = "", anonymous: bool = False, name: str = "",
                       phone: str = "") -> tuple[Clue, str]:
    """A resident's clue from the public page; returns the clue and its check code (shown once)."""
    if not queries.public_campaigns().filter(pk=campaign.pk).exists():
        raise ActionError(_("This campaign does not take clues now."))
    return _create_clue(campaign, channel=Clue.Channel.PUBLIC, text=text, place=place, anonymous=anonymous,
                        name=name, phone=phone)


@transaction.atomic
def register_clue(campaign: Campaign, *, actor, channel: str, text: str, place: str = "", anonymous: bool = False,
                  name: str = "", phone: str = "") -> tuple[Clue, str]:
    """Staff register a clue from the hotline, a walk-in, a survey or an inspection."""
    campaign = _load(actor, campaign)
    if channel not in Clue.Channel.values:
        raise ActionError(_("Choose a channel."), extra={"field": "channel"})
    return _create_clue(campaign, channel=channel, text=text, place=place, anonymous=anonymous, name=name,
                        phone=phone, actor=actor)


def _load_clue(actor, clue: Clue) -> Clue:
    clue = Clue.objects.select_for_update().select_related("campaign").get(pk=clue.pk)
    if not access.visible_clues(actor).filter(pk=clue.pk).exists():
        raise access.Http404
    queries.require_manage(actor, clue.campaign)
    if clue.status != Clue.Status.NEW:
        raise ConflictError(_("This clue has already been decided: %(status)s.") % {
            "status": clue.get_status_display()})
    return clue


@transaction.atomic
def verify_clue(clue: Clue, *, actor, unit: Unit, deadline: date, verification: str) -> Clue:
    """The clue holds: it becomes a matter of the unit that must act, due on `deadline`."""
    clue = _load_clue(actor, clue)
    verification = _text(verification, "verification")
    campaign = clue.campaign
    matter = matter_actions.create_assigned_matter(
        actor=actor, source=Matter.Source.CLUE, title=(_("Clue %(code)s of %(campaign)s") % {
            "code": clue.tracking_code, "campaign": campaign.name})[:200],
        description=f"{clue.text}\n\n{_('Verification:')} {verification}", area=campaign.area, unit=unit,
        deadline=deadline, data={"campaign": campaign.pk, "clue": clue.tracking_code},
    )
    clue.status, clue.matter, clue.verification = Clue.Status.MATTER, matter, verification
    clue.decided_by, clue.decided_at = actor, timezone.now()
    clue.save()
    return clue


@transaction.atomic
def close_clue(clue: Clue, *, actor, reason: str) -> Clue:
    clue = _load_clue(actor, clue)
    clue.verification = _text(reason, "reason")
    clue.status, clue.decided_by, clue.decided_at = Clue.Status.CLOSED, actor, timezone.now()
    clue.save()
    return clue


@transaction.atomic
def clue_from_matter(matter: Matter, *, actor, campaign: Campaign) -> Clue:
    """A matter that came in through the intake channels (web, QR, hotline, patrol, Open311...)
    is about what the campaign targets: file it as one of the campaign's clues. It is already
    a matter, so the clue is verified at once and follows that matter."""
    matter = access.get_visible_or_404(access.visible_matters(actor), pk=matter.pk)
    campaign = _load(actor, campaign)
    if campaign not in queries.campaigns_for_matter(actor, matter):
        raise ActionError(_("This campaign is not running in the matter's area."), extra={"field": "campaign"})
    if Clue.objects.filter(matter=matter).exists():
        raise ConflictError(_("This matter is already a clue of a campaign."))
    now = timezone.now()
    clue = Clue.objects.create(
        campaign=campaign, channel=Clue.Channel.INTAKE, tracking_code=_new_tracking_code(),
        text=matter.description, place=matter.address[:200], anonymous=matter.anonymous,
        reporter_name="" if matter.anonymous else matter.reporter_name,
        reporter_phone="" if matter.anonymous else matter.reporter_phone, status=Clue.Status.MATTER,
        matter=matter, verification=_("Filed from matter %(code)s.") % {"code": matter.tracking_code},
        received_at=matter.created_at, registered_by=actor, decided_by=actor, decided_at=now,
    )
    matter_actions.add_linked_note(matter, actor=actor, note=_("Filed as clue %(code)s of %(campaign)s.") % {
        "code": clue.tracking_code, "campaign": campaign.name}, data={"campaign": campaign.pk, "clue": clue.pk})
    notify(unit_members(campaign.lead_unit), "campaign_clue",
           _("New clue %(code)s for %(campaign)s.") % {"code": clue.tracking_code, "campaign": campaign.name},
           url=reverse("campaigns:clue", args=[clue.pk]), obj=clue)
    return clue


def find_clue(tracking_code: str, check: str) -> Clue | None:
    """The resident's clue, if the check code matches (else None, whichever part was wrong)."""
    import hmac

    clue = Clue.objects.filter(tracking_code=(tracking_code or "").strip().upper()).first()
    if clue is None or not hmac.compare_digest(clue.check_code_hash, blind_index((check or "").strip(), kind="check")):
        return None
    return clue
