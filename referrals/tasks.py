from celery import shared_task

from trivsel.notifications.services import job_heartbeat_record

from .services.dialogue import dialogue_meetings_sweep


@shared_task(name="referrals.tasks.dialogue_meetings_sweep")
def dialogue_meetings_sweep_task():
    # Beat: dialogue meetings that are over get their notification; minutes still unconfirmed
    # after DIALOGUE_CONFIRMATION_DAYS become a task for the unit's leaders.
    counts = dialogue_meetings_sweep()
    job_heartbeat_record(name="dialogue-meetings")
    return counts
