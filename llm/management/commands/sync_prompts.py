import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm.models import LABEL_PATTERN, PRODUCTION
from llm.prompt_files import PromptFileError
from llm.services import move_label, sync_prompts


class Command(BaseCommand):
    help = (
        "Turn each new content of each AI feature's prompt.toml into an immutable prompt version. "
        "Unchanged prompts are left alone; a new prompt's first version gets the production "
        "label. --label candidate points the candidate label at every version this sync creates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="Read prompt files from this folder instead.")
        parser.add_argument(
            "--label",
            help="Point this label (e.g. candidate) at each new version. Not production: "
            "promote with move_label after evaluating.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        label = options["label"]
        if label == PRODUCTION:
            raise CommandError(
                "sync_prompts does not move production: evaluate the new version first, then "
                "python manage.py move_label PROMPT production VERSION."
            )
        if label and not re.match(LABEL_PATTERN, label):
            raise CommandError(
                f"{label!r} is not a label name: lowercase letters, digits, - and _."
            )
        try:
            synced = sync_prompts(options["dir"])
        except PromptFileError as exc:
            raise CommandError(str(exc)) from None
        for item in synced:
            version = item.version
            if item.created:
                labels = [PRODUCTION] if version.number == 1 else []
                if label and version.number > 1:
                    move_label(version.prompt.name, label, version, note="sync_prompts --label")
                    labels.append(label)
                self.stdout.write(
                    self.style.SUCCESS(f"created {version} ({version.short_hash})")
                    + "".join(f" → {name}" for name in labels)
                )
            elif options["verbosity"] >= 2:
                self.stdout.write(f"unchanged {version} ({version.short_hash})")
        created = sum(item.created for item in synced)
        self.stdout.write(f"{len(synced)} prompts, {created} new versions")
