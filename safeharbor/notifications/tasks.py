"""Background tasks of the notifications app (run by `safeharbor worker`)."""

from django_tasks import task

from safeharbor.notifications import actions


@task()
def send_outbox() -> dict:
    """Send the outbox messages that are due (SMS to residents, emails to staff)."""
    return actions.send_due()


@task()
def send_daily_digests() -> int:
    """Queue the daily digest emails (once a day per user, from NOTIFY_DIGEST_HOUR on)."""
    queued = actions.send_digests()
    if queued:
        actions.send_due()
    return queued
