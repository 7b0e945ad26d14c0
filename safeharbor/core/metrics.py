"""GET /metrics: Prometheus text format, for the district's monitoring.

The figures are read from the database at each scrape (cheap indexed counts), so they are
the same whichever gunicorn worker answers: matters by state and overdue, the task queue,
when each periodic job last ran, and how long the database took to answer. Open to
loopback without a token (Prometheus on the same host or through the reverse proxy's
internal location); elsewhere it needs `Authorization: Bearer $METRICS_TOKEN`.
"""

import hmac
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import CollectorRegistry, GaugeMetricFamily

LOOPBACK = {"127.0.0.1", "::1"}


class PlatformCollector:
    def collect(self):
        from django_tasks_db.models import DBTaskResult

        from safeharbor.matters.models import Matter, PeriodicRun

        started = time.perf_counter()
        matters = GaugeMetricFamily("safeharbor_matters", "Matters by state", labels=["status"])
        counts = dict(Matter.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in Matter.Status.values:
            matters.add_metric([status], counts.get(status, 0))
        yield matters
        now = timezone.now()
        yield GaugeMetricFamily(
            "safeharbor_matters_overdue", "Open matters past their deadline",
            value=Matter.objects.filter(status__in=Matter.OPEN_STATUSES, due_at__lt=now).count(),
        )
        tasks = GaugeMetricFamily("safeharbor_tasks", "Background tasks by status", labels=["status"])
        for status, n in DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by():
            tasks.add_metric([status], n)
        yield tasks
        runs = GaugeMetricFamily("safeharbor_periodic_last_run_timestamp_seconds",
                                 "When each periodic job last started (Unix time)", labels=["job"])
        for name, last in PeriodicRun.objects.values_list("name", "last_run_at"):
            if last is not None:
                runs.add_metric([name], last.timestamp())
        yield runs
        yield GaugeMetricFamily("safeharbor_metrics_query_seconds", "Time the database took for these figures",
                                value=time.perf_counter() - started)


def _allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    forwarded = request.headers.get("X-Forwarded-For")
    return not forwarded and request.META.get("REMOTE_ADDR") in LOOPBACK


@login_not_required
@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponse("metrics need a bearer token\n", status=403, content_type="text/plain")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PlatformCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
