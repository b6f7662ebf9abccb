from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand

from progress.models import Goal, Progress, StatusChange


class Command(BaseCommand):
    help = (
        "Delete the sessions that have expired (as clearsessions does), then the progress, "
        "target dates and history of visitors without an account whose session has ended. A "
        "session renewed within SESSION_COOKIE_AGE keeps everything. Run it daily."
    )

    def handle(self, *args, **options) -> None:
        # Only sessions whose expiry has passed go: each change or daily visit moved it on.
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        progress, _ = Progress.objects.abandoned().delete()
        goals, _ = Goal.objects.abandoned().delete()
        changes, _ = StatusChange.objects.abandoned().delete()
        self.stdout.write(
            f"Deleted {progress} progress records, {goals} target dates "
            f"and {changes} changes of status."
        )
