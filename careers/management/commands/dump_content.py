from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from careers.content import dump_content


class Command(BaseCommand):
    help = (
        "Write the database's content (with admin edits) back into the content files. Loading "
        "the files afterwards keeps those edits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=settings.CONTENT_DIR, help="Folder to write the files to."
        )

    def handle(self, *args, **options):
        written = dump_content(options["dir"])
        if not written:
            self.stdout.write("The files already match the database: nothing written.")
        for path in written:
            self.stdout.write(f"wrote {path}")
