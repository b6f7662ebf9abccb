from django.core.management.base import BaseCommand

from progress.models import Goal, Progress


class Command(BaseCommand):
    help = (
        "Delete the progress and target dates of anonymous sessions that have ended. "
        "Run it after clearsessions."
    )

    def handle(self, *args, **options) -> None:
        progress, _ = Progress.objects.abandoned().delete()
        goals, _ = Goal.objects.abandoned().delete()
        self.stdout.write(f"Deleted {progress} progress records and {goals} target dates.")
