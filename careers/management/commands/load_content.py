from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careers.content import ContentError, EditsWouldBeLost, load_content

KEEP_OR_OVERWRITE = (
    "To keep these changes, write the database to the files first (manage.py dump_content), "
    "review and commit them, then load. To overwrite them, load with --force."
)


class Command(BaseCommand):
    help = (
        "Load the content files (sources, careers, rates) into the database. Safe to run again. "
        "Refuses to undo changes made in the admin since the last load, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.CONTENT_DIR,
            help="Folder holding the content files.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite changes made in the database since the last load.",
        )

    def handle(self, *args, **options):
        directory = options["dir"]
        try:
            report = load_content(directory, force=options["force"])
        except EditsWouldBeLost as error:
            raise CommandError(f"{error}\n{KEEP_OR_OVERWRITE}\nNothing was changed.") from None
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was changed.") from None
        if report.overwritten:
            self.stdout.write(
                self.style.WARNING("Overwrote these changes made in the database (--force):")
            )
            for edit in report.overwritten:
                self.stdout.write(f"  {edit.line()}")
        if not report.changed:
            self.stdout.write(f"Content in {directory} is already loaded: no changes.")
            return
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Loaded content from {directory}."))
