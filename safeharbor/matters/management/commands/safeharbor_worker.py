"""The `safeharbor worker` process: schedules the periodic jobs and runs the task queue."""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from safeharbor.matters import periodic

logger = logging.getLogger("safeharbor.worker")


class Command(BaseCommand):
    help = "Run periodic jobs (deadline sweep every minute) and background tasks."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="schedule what is due, run the queue, exit")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between queue polls")

    def handle(self, *args, once=False, interval=5.0, **options):
        worker_id = get_random_string(12)
        # SIGTERM (systemd stop) and Ctrl+C: finish the task in hand, then exit; a second signal
        # exits at once. A task cut short stays claimed; the jobs are written to be repeated safely.
        stop = {"requested": False, "worker": None}

        def shutdown(signum, frame):
            if stop["requested"]:
                raise SystemExit(1)
            stop["requested"] = True
            logger.warning("received %s: stopping after the current task", signal.strsignal(signum))
            if stop["worker"] is not None:
                stop["worker"].running = False
            if stop["worker"] is None or not stop["worker"].running_task:
                raise SystemExit(0)

        signal.signal(signal.SIGTERM, shutdown)
        signal.signal(signal.SIGINT, shutdown)
        while not stop["requested"]:
            close_old_connections()
            started = periodic.enqueue_due()
            if started:
                logger.info("scheduled: %s", ", ".join(started))
            stop["worker"] = Worker(
                queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
            )
            stop["worker"].run()
            stop["worker"] = None
            if once:
                return
            time.sleep(interval)
