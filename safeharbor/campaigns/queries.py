"""Reads of the campaigns app: who may do what, the timetable, progress against elapsed time,
the bulletin's figures and clue statistics."""

from collections import Counter
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone

from safeharbor.campaigns.models import Bulletin, Campaign, CampaignTask, Clue, ProgressReport, TaskProgress
from safeharbor.core import access
from safeharbor.core.models import User

DONE_STATUSES = ("resolved", "closed")


# --- rules ----------------------------------------------------------------------------------


def can_manage(user, campaign: Campaign) -> bool:
    """The lead unit's staff, dispatchers of the campaign's area and administrators run the
    campaign (roadmap, phases, bulletins, clues); leaders only look."""
    if not access.can_write(user):
        return False
    if access.is_admin(user):
        return True
    if user.unit_id and user.unit_id == campaign.lead_unit_id:
        return True
    scope = access.scope_for(user)
    return user.role == User.Role.DISPATCHER and any(campaign.area.path.startswith(p) for p in scope.area_paths)


def require_manage(user, campaign: Campaign) -> None:
    if not can_manage(user, campaign):
        raise PermissionDenied


def reporting_units(campaign: Campaign):
    return campaign.participating_units.all().order_by("sort_order", "code")


def can_report(user, campaign: Campaign) -> bool:
    """Staff of a participating unit file its progress reports."""
    if not access.can_write(user) or not user.unit_id:
        return False
    return campaign.participating_units.filter(pk=user.unit_id).exists()


# --- lists and single objects ----------------------------------------------------------------


def campaign_list(user):
    return (access.visible_campaigns(user).select_related("lead_unit", "area")
            .annotate(task_count=Count("tasks", distinct=True)))


def get_campaign(user, pk) -> Campaign:
    return access.get_visible_or_404(access.visible_campaigns(user).select_related("lead_unit", "area"), pk=pk)


def tasks_of(campaign: Campaign):
    return campaign.tasks.select_related("owner_unit", "phase", "matter").order_by("deadline", "pk")


def reports_for(user, campaign: Campaign):
    return (access.visible_progress_reports(user).filter(campaign=campaign)
            .select_related("unit", "submitted_by").prefetch_related("task_progress__task", "attachments"))


def current_phase(campaign: Campaign, today: date | None = None):
    today = today or timezone.localdate()
    for phase in campaign.phases.all():
        if phase.start_date <= today <= phase.end_date:
            return phase
    return None


# --- the timetable -----------------------------------------------------------------------------


def elapsed_percent(start: date, end: date, as_of: date) -> int:
    """How much of the time from start to end (both inclusive) has passed by the end of as_of."""
    total = (end - start).days + 1
    passed = (as_of - start).days + 1
    return max(0, min(100, round(100 * passed / total))) if total > 0 else 100


def task_percent(task: CampaignTask, as_of: date) -> int:
    """The last reported percentage up to as_of; a task whose matter was resolved counts 100."""
    matter = task.matter
    if matter.status in DONE_STATUSES and matter.resolved_at and timezone.localtime(matter.resolved_at).date() <= as_of:
        return 100
    row = (TaskProgress.objects.filter(task=task, report__submitted_at__date__lte=as_of)
           .order_by("-report__submitted_at", "-pk").values_list("percent", flat=True).first())
    return row or 0


def task_rows(campaign: Campaign, as_of: date) -> list[dict]:
    rows = []
    for task in tasks_of(campaign):
        percent = task_percent(task, as_of)
        elapsed = elapsed_percent(task.start_date, task.deadline, as_of)
        rows.append({
            "task": task, "id": task.pk, "title": task.title, "owner": task.owner_unit.name,
            "owner_id": task.owner_unit_id, "person": task.responsible_person, "deadline": task.deadline.isoformat(),
            "target": task.target, "percent": percent, "elapsed": elapsed,
            "behind": percent < 100 and percent < elapsed,  # progress must not fall behind the timetable
            "tracking_code": task.matter.tracking_code,
        })
    return rows


def due_dates_until(campaign: Campaign, as_of: date) -> list[date]:
    return [d for d in campaign.report_due_dates() if d <= as_of]


def next_due_date(campaign: Campaign, unit, today: date | None = None) -> date | None:
    """The period a unit's next report is for: the earliest one it has not filed (an overdue
    one first), or None when every period is filed."""
    filed = set(campaign.reports.filter(unit=unit).values_list("due_date", flat=True))
    for due in campaign.report_due_dates():
        if due not in filed:
            return due
    return None


def report_matrix(campaign: Campaign, as_of: date) -> list[dict]:
    """Every (unit, due date) up to as_of: filed in time, filed late, or missing."""
    reports = {(r.unit_id, r.due_date): r for r in campaign.reports.all()}
    chased = set(campaign.chases.values_list("unit_id", "due_date"))
    rows = []
    for due in due_dates_until(campaign, as_of):
        for unit in reporting_units(campaign):
            report = reports.get((unit.pk, due))
            if report is not None and timezone.localtime(report.submitted_at).date() > as_of:
                report = None  # not yet filed on the bulletin's date
            rows.append({"unit": unit, "due": due, "report": report, "chased": (unit.pk, due) in chased,
                         "missing": report is None and due < as_of, "late": bool(report and report.late)})
    return rows


def missing_reports(campaign: Campaign, today: date) -> list[tuple]:
    """(unit, due date) pairs whose due date has passed without a report."""
    filed = set(campaign.reports.values_list("unit_id", "due_date"))
    return [(unit, due) for due in campaign.report_due_dates() if due < today
            for unit in reporting_units(campaign) if (unit.pk, due) not in filed]


# --- the bulletin --------------------------------------------------------------------------------


def bulletin_content(campaign: Campaign, as_of: date) -> dict:
    """The figures of a bulletin on `as_of`, as plain data (stored with the bulletin)."""
    tasks = task_rows(campaign, as_of)
    units = []
    for unit in {t["owner_id"]: t for t in tasks}.keys() | set(reporting_units(campaign).values_list("pk", flat=True)):
        own = [t for t in tasks if t["owner_id"] == unit]
        name = next((t["owner"] for t in own), None) or campaign.participating_units.get(pk=unit).name
        percent = round(sum(t["percent"] for t in own) / len(own)) if own else None
        elapsed = round(sum(t["elapsed"] for t in own) / len(own)) if own else None
        units.append({"unit_id": unit, "name": name, "tasks": len(own), "percent": percent, "elapsed": elapsed,
                      "behind_tasks": sum(t["behind"] for t in own)})
    units.sort(key=lambda u: (u["percent"] is None, -(u["percent"] or 0), u["behind_tasks"], u["name"]))
    for rank, row in enumerate(units, start=1):
        row["rank"] = rank if row["percent"] is not None else None
        row["behind"] = row["behind_tasks"] > 0
    matrix = report_matrix(campaign, as_of)
    late = [{"unit": r["unit"].name, "due": r["due"].isoformat(),
             "filed": timezone.localtime(r["report"].submitted_at).strftime("%Y-%m-%d %H:%M") if r["report"] else "",
             "chased": r["chased"]}
            for r in matrix if r["missing"] or r["late"]]
    latest = {}
    for report in campaign.reports.filter(submitted_at__date__lte=as_of).select_related("unit").order_by("submitted_at"):
        latest[report.unit_id] = report
    problems = [{"unit": r.unit.name, "text": r.problems, "next_steps": r.next_steps, "highlights": r.highlights}
                for r in latest.values() if r.problems or r.highlights]
    phase = current_phase(campaign, as_of)
    return {
        "as_of": as_of.isoformat(),
        "phase": phase.name if phase else "",
        "elapsed": elapsed_percent(campaign.start_date, campaign.end_date, as_of),
        "units": units,
        "tasks": [{k: v for k, v in t.items() if k != "task"} for t in tasks],
        "late": late,
        "problems": problems,
        "behind_count": sum(t["behind"] for t in tasks),
        "clues": clue_stats(campaign),
    }


def bulletins_for(user, campaign: Campaign):
    return access.visible_bulletins(user).filter(campaign=campaign)


def get_bulletin(user, pk) -> Bulletin:
    return access.get_visible_or_404(access.visible_bulletins(user).select_related("campaign"), pk=pk)


# --- clues ------------------------------------------------------------------------------------------


def clue_stats(campaign: Campaign) -> dict:
    rows = campaign.clues.values_list("status", "channel")
    by_status, by_channel = Counter(s for s, _c in rows), Counter(c for _s, c in rows)
    return {"total": len(rows), "new": by_status[Clue.Status.NEW], "matter": by_status[Clue.Status.MATTER],
            "closed": by_status[Clue.Status.CLOSED],
            "channels": {str(Clue.Channel(c).label): n for c, n in sorted(by_channel.items())}}


def clues_for(user, campaign: Campaign):
    return access.visible_clues(user).filter(campaign=campaign).select_related("matter")


def get_clue(user, pk) -> Clue:
    return access.get_visible_or_404(access.visible_clues(user).select_related("campaign", "matter"), pk=pk)


def public_campaigns():
    """Campaigns residents may send clues to: running, and open to public clues."""
    today = timezone.localdate()
    return Campaign.objects.filter(public_clues=True, start_date__lte=today, end_date__gte=today).order_by("name")


def unit_reports(campaign: Campaign, unit) -> list[ProgressReport]:
    return list(campaign.reports.filter(unit=unit).order_by("due_date"))


def campaigns_for_matter(user, matter) -> list[Campaign]:
    """Running campaigns this user runs whose area covers the matter's: where a matter that came
    in through the intake channels can be filed as a clue."""
    today = timezone.localdate()
    campaigns = (access.visible_campaigns(user).filter(start_date__lte=today, end_date__gte=today)
                 .select_related("area", "lead_unit").order_by("name"))
    return [c for c in campaigns if matter.area_path.startswith(c.area.path) and can_manage(user, c)]
