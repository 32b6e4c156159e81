from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm.prompt_files import PromptFileError
from llm.services import sync_prompts


class Command(BaseCommand):
    help = (
        "Turn each new content of llm/prompts/*.toml into an immutable prompt version. "
        "Unchanged prompts are left alone; a new prompt's first version gets the production label."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="Read prompt files from this folder instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            synced = sync_prompts(options["dir"])
        except PromptFileError as exc:
            raise CommandError(str(exc)) from None
        for item in synced:
            version = item.version
            if item.created:
                self.stdout.write(
                    self.style.SUCCESS(f"created {version} ({version.short_hash})")
                    + (" → production" if version.number == 1 else "")
                )
            elif options["verbosity"] >= 2:
                self.stdout.write(f"unchanged {version} ({version.short_hash})")
        created = sum(item.created for item in synced)
        self.stdout.write(f"{len(synced)} prompts, {created} new versions")
