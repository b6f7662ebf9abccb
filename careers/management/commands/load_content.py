from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careers.content import ContentError, load_content


class Command(BaseCommand):
    help = "Load the content files (sources, careers) into the database. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.CONTENT_DIR,
            help="Folder holding the content files.",
        )

    def handle(self, *args, **options):
        directory = options["dir"]
        try:
            report = load_content(directory)
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was changed.") from None
        if not report.changed:
            self.stdout.write(f"Content in {directory} is already loaded: no changes.")
            return
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Loaded content from {directory}."))
