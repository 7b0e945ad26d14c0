"""The `safeharbor worker` process: schedules the periodic jobs and runs the task queue."""

import logging
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
        while True:
            close_old_connections()
            started = periodic.enqueue_due()
            if started:
                logger.info("scheduled: %s", ", ".join(started))
            Worker(
                queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
            ).run()
            if once:
                return
            time.sleep(interval)
