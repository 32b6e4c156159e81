"""The walkthrough (docs/walkthrough.md), read from the page and run: its commands as written, and
its clicks through the functions behind the admin's buttons.

``tests/test_docs_commands.py`` runs it as the newcomer's scenario test, and ``docs/screenshots.py``
runs it to build the site it photographs, so the figures in the pictures are the ones a reader
gets. Commands come from the page's ``sh`` blocks, so a command changed in the doc is the command
run here; what a person does between them (edit the prompt, press Start, Refresh, Conclude, Create
the next iteration) is done here, step by step, with the doc's own prompt edits.
"""

from __future__ import annotations

import io
import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent
WALKTHROUGH = BASE_DIR / "docs" / "walkthrough.md"
MANAGE = (".venv/bin/python", "manage.py")
PROMPT_FILE = "listing_assistant.toml"
EXPERIMENT = "listing_prompt_version"


def code_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, body)`` of each fenced block, in order."""
    return [
        (m.group(1), m.group(2))
        for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, flags=re.M | re.S)
    ]


def shell_commands(block: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, comments and blanks dropped."""
    joined = re.sub(r"\\\n\s*", "", block)
    commands: list[str] = []
    pending = ""  # a quoted argument that goes on over lines, as a shell reads it
    for line in joined.splitlines():
        if not pending:
            line = line.split("  #")[0].strip()  # "make run    # installs..." keeps its command
            if not line or line.startswith("#"):
                continue
        line = f"{pending}\n{line}" if pending else line
        try:
            shlex.split(line)
        except ValueError:
            pending = line
            continue
        pending = ""
        commands.append(line)
    return commands


@dataclass
class Step:
    number: int
    title: str
    text: str
    commands: list[str] = field(default_factory=list)


def steps(path: Path = WALKTHROUGH) -> list[Step]:
    """The page's numbered sections (``## 4. Edit …``) with their shell commands, in order."""
    text = path.read_text()
    found = []
    for m in re.finditer(r"^## (\d+)\. (.+?)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S):
        step = Step(int(m.group(1)), m.group(2).strip(), m.group(3))
        for language, body in code_blocks(step.text):
            if language == "sh":
                step.commands.extend(shell_commands(body))
        found.append(step)
    return found


def quoted_outputs(step: Step) -> list[tuple[list[str], str]]:
    """``(commands, output)`` for each ``sh`` block that the page follows at once with the output
    it prints (a plain block right after it)."""
    return [
        (shell_commands(m.group(1)), m.group(2))
        for m in re.finditer(r"^```sh\n(.*?)^```\n```\n(.*?)^```", step.text, flags=re.M | re.S)
    ]


def same_output(quoted: str, printed: str) -> list[str]:
    """The quoted lines that the command did not print, ignoring what changes from run to run:
    durations ("in 10.2s") and times of day."""

    def plain(text: str) -> str:
        text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<time>", text)
        text = re.sub(r"in [\d.]+ ?s\b", "in <seconds>", text)
        return re.sub(r"\s+", " ", text).strip()

    printed_lines = {plain(line) for line in printed.splitlines()}
    return [line for line in quoted.splitlines() if plain(line) not in printed_lines]


def prompt_edit(step: Step) -> tuple[str, str]:
    """The doc's edit of the prompt: the ``diff`` block's - and + lines, or "say `at most …`"."""
    for language, body in code_blocks(step.text):
        if language == "diff":
            old = next(line[1:] for line in body.splitlines() if line.startswith("-"))
            new = next(line[1:] for line in body.splitlines() if line.startswith("+"))
            return old.removeprefix("- ").strip(), new.removeprefix("+ ").strip()
    said = re.search(r"say `(at most \d+ characters)`", step.text)
    if said is None:
        raise AssertionError(f"step {step.number} edits the prompt but says not how")
    return "", said.group(1)


@dataclass
class Timing:
    step: int
    what: str
    seconds: float


class Walkthrough:
    """Runs the walkthrough on the current database (already migrated and seeded, as ``make run``
    leaves it). ``prompts`` is a folder for the copy of the prompt files that the reader edits
    (``sync_prompts --dir``), so the repository's own files stay as they are."""

    def __init__(self, prompts: Path, *, say: Callable[[str], None] | None = None) -> None:
        self.prompts = prompts
        self.say = say or (lambda text: None)
        self.outputs: dict[str, list[str]] = {}  # command name -> what each run printed
        self.transcript: list[tuple[int, str, str]] = []  # (step, command, what it printed)
        self.timings: list[Timing] = []
        self.last_title_rule = ""

    # What a person does between the commands ---------------------------------------------------

    def edit_prompt(self, step: Step) -> None:
        from llm.prompt_files import export_prompts

        path = self.prompts / PROMPT_FILE
        if not path.exists():
            export_prompts(self.prompts)
        text = path.read_text()
        old, new = prompt_edit(step)
        if not old:  # "say `at most 50 characters`": the rule the last edit wrote
            old = self.last_title_rule
            new = re.sub(r"at most \d+ characters", new, old)
        assert old in text, f"{PROMPT_FILE} has no line {old!r} to edit (step {step.number})"
        path.write_text(text.replace(old, new, 1))
        self.last_title_rule = new

    def start(self, key: str) -> None:
        from experiments.models import Experiment
        from experiments.services import start_experiment

        start_experiment(Experiment.objects.get(key=key))

    def refresh(self, key: str):
        from experiments.models import Experiment
        from experiments.services import refresh_results

        return refresh_results(Experiment.objects.get(key=key))

    def conclude_shipping_treatment(self, key: str) -> None:
        from experiments.models import Experiment
        from experiments.services import conclude_experiment

        experiment = Experiment.objects.get(key=key)
        conclude_experiment(
            experiment,
            decision=Experiment.Decision.SHIP,
            shipped_variant=experiment.variants.get(key="treatment"),
            notes="The candidate raised suggestion acceptance; guardrails held.",
        )

    def next_iteration(self, key: str) -> str:
        from experiments.models import Experiment
        from experiments.services import create_next_iteration

        return create_next_iteration(Experiment.objects.get(key=key)).key

    # The commands, as written ----------------------------------------------------------------

    def manage(self, step: Step, command: str) -> str:
        argv = shlex.split(command)
        assert tuple(argv[:2]) == MANAGE, f"not a manage.py command: {command}"
        name, args = argv[2], argv[3:]
        if name == "sync_prompts":
            args = [*args, "--dir", str(self.prompts)]
        out, err = io.StringIO(), io.StringIO()
        started = time.monotonic()
        call_command(name, *args, stdout=out, stderr=err)
        self.timings.append(Timing(step.number, name, time.monotonic() - started))
        self.outputs.setdefault(name, []).append(out.getvalue())
        self.transcript.append((step.number, command, out.getvalue()))
        self.say(f"step {step.number}: {name} ({time.monotonic() - started:.1f} s)")
        return out.getvalue()

    def run(self, first: int = 4, last: int | None = None) -> None:
        """Steps ``first`` to ``last`` (all from 4 on: 0 to 3 are make run and the site's pages)."""
        iteration_two = f"{EXPERIMENT}-2"
        for step in steps():
            if last is not None and step.number > last:
                return
            if step.number < max(first, 4):
                continue
            started = time.monotonic()
            if step.number in (4, 11):
                self.edit_prompt(step)
            if step.number == 6:
                self.start(EXPERIMENT)
            if step.number == 13:
                assert self.next_iteration(EXPERIMENT) == iteration_two
                self.start(iteration_two)
            for command in step.commands:
                self.manage(step, command)
            if step.number == 8:
                self.refresh(EXPERIMENT)
            if step.number == 9:
                self.conclude_shipping_treatment(EXPERIMENT)
            if step.number == 13:
                self.refresh(iteration_two)
                self.conclude_shipping_treatment(iteration_two)
            self.timings.append(Timing(step.number, "step", time.monotonic() - started))


def main() -> None:
    """``python tests/walkthrough.py REPORT.json FOLDER``: a fresh clone's site in FOLDER (make
    run's migrate and seed, the photos left out, in a new SQLite database), then the walkthrough
    on it; REPORT.json gets what each command printed and the admin pages the reader looks at.
    Its own process and database, so ids (which the experiments hash) are a fresh clone's."""
    import json
    import os
    import sys

    report, folder = Path(sys.argv[1]), Path(sys.argv[2])
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "REDIS_URL": "",
            "LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from experiments.models import Experiment

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", "--no-images", verbosity=0)
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(User.objects.get(username="admin"))

    def page(key: str, view: str) -> str:
        pk = Experiment.objects.get(key=key).pk
        return admin.get(f"/admin/experiments/experiment/{pk}/{view}/").content.decode()

    walkthrough = Walkthrough(folder / "prompts")
    walkthrough.run(last=8)
    pages = {"results": page(EXPERIMENT, "results"), "conclude": page(EXPERIMENT, "conclude")}
    walkthrough.run(first=9)
    pages["results-2"] = page(f"{EXPERIMENT}-2", "results")
    from llm.models import PromptLabel

    iterations = Experiment.objects.on_feature(EXPERIMENT)
    production = PromptLabel.objects.get(prompt__name="listing_assistant", name="production")
    report.write_text(
        json.dumps(
            {
                "transcript": walkthrough.transcript,
                "pages": pages,
                "daily_points": {e.key: e.daily.count() for e in iterations},
                "statuses": {e.key: e.status for e in iterations},
                "production": production.version.number,
                "timings": [(t.step, t.what, t.seconds) for t in walkthrough.timings],
            }
        )
    )


if __name__ == "__main__":
    main()
