"""Point a prompt's label at one of its versions: a promotion, a rollback, a new candidate.

python manage.py move_label ticket_triage production 3 --note "won the experiment"
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm import PromptRefError
from llm.services import move_label


class Command(BaseCommand):
    help = "Point LABEL of PROMPT at VERSION (a number), and record the move."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prompt", help="The prompt's name, e.g. ticket_triage.")
        parser.add_argument("label", help="production, candidate, or any label name.")
        parser.add_argument("version", type=int, help="The version number, e.g. 2.")
        parser.add_argument("--note", default="", help="Why, for the label's history.")

    def handle(self, *args: Any, **options: Any) -> None:
        prompt, label, number = options["prompt"], options["label"], options["version"]
        try:
            move = move_label(prompt, label, number, note=options["note"] or "move_label")
        except (PromptRefError, ValueError) as error:
            raise CommandError(str(error)) from None
        if move is None:
            self.stdout.write(f"{prompt}:{label} already points at {prompt}@{number}.")
            return
        start = f"{prompt}@{move.from_version.number}" if move.from_version else "nothing"
        self.stdout.write(self.style.SUCCESS(f"{prompt}:{label}: {start} → {prompt}@{number}"))
