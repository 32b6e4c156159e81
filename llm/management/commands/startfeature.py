"""python manage.py startfeature APP NAME: a working AI feature folder, as startapp makes an app.

It writes ``APP/ai_features/NAME/``: the registration (``__init__.py``), the schemas, the prompt,
a three-case dataset and a held-out case, from ``llm/scaffold/``. Nothing else needs editing:
``sync_site`` (or ``sync_prompts``) versions its prompt and creates its experiment, ``llm_run``
and ``run_eval`` answer with the offline placeholder until it has a model or rules of its own,
and ``make eval-gate`` checks it.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm import features

SCAFFOLD = Path(__file__).resolve().parents[2] / "scaffold"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
FILES = {  # scaffold template → file in the feature's folder
    "__init__.py.tmpl": "__init__.py",
    "schemas.py.tmpl": "schemas.py",
    "prompt.toml.tmpl": features.PROMPT_FILE,
    "dataset.jsonl.tmpl": features.DATASET_FILE,
    "holdout.jsonl.tmpl": features.HOLDOUT_FILE,
}


class Command(BaseCommand):
    help = (
        "Make a working AI feature folder, APP/ai_features/NAME/: prompt, schemas, a three-case "
        "dataset, a held-out case and its registration, which sync_prompts, llm_run, run_eval, "
        "the evaluation gate and an experiment pick up as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app", help="An installed app's label, e.g. marketplace.")
        parser.add_argument(
            "name", help="The feature's name: lowercase, digits, _ (ticket_triage)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app_label, name = options["app"], options["name"]
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            labels = ", ".join(sorted(c.label for c in apps.get_app_configs() if "." not in c.name))
            raise CommandError(f"no installed app {app_label!r} (apps: {labels})") from None
        if not NAME.match(name) or keyword.iskeyword(name):
            raise CommandError(
                f"{name!r} is not a feature name: 2 to 50 of lowercase letters, digits and _, "
                "starting with a letter (it names a Python package and a prompt)"
            )
        if features.find(name) is not None:
            raise CommandError(
                f"there is a feature named {name!r} already: {features.get(name).folder}"
            )
        package = Path(config.path) / features.FOLDER
        folder = package / name
        if folder.exists():
            raise CommandError(f"{folder} exists already")

        values = {
            "app": app_label,
            "name": name,
            "camel": "".join(part.capitalize() for part in name.split("_")),
            "title": name.replace("_", " ").capitalize(),
        }
        written = []
        if not (package / "__init__.py").exists():
            package.mkdir(exist_ok=True)
            written.append(self._write(package / "__init__.py", "package.py.tmpl", values))
        folder.mkdir()
        for template, target in FILES.items():
            written.append(self._write(folder / target, template, values))
        features.rediscover()  # the next lookup finds it

        shown = ", ".join(path.name for path in written if path.parent == folder)
        python = ".venv/bin/python manage.py"
        self.stdout.write(
            self.style.SUCCESS(f"Created {self._relative(folder)}/: {shown}.")
            + f"""

Next steps:
  1. Write your prompt (prompt.toml) and its input and answer (schemas.py); add cases to
     dataset.jsonl, and keep a few in holdout.jsonl for the final check.
  2. {python} sync_site
     its first prompt version (labelled production) and its experiment, "{name}_prompt" (draft)
  3. {python} llm_run {name} --input '{{"text": "Arrived quickly, works perfectly"}}'
     answered by the offline placeholder until it has rules (offline=) or a model (README)
  4. {python} run_eval --prompt {name} --dataset {name} --min-accuracy 0.3
  5. In your view: the version to run is the experiment's,
         ref = variant_for(request, "{name}_prompt").prompt_ref or "{name}"
         answer = llm.run(ref, {{"text": ...}}).output
     and track(request, "{name}_used") when the person uses the answer (its metric).
  6. make eval-gate checks it; raise its gate in __init__.py as it gets better."""
        )

    @staticmethod
    def _write(path: Path, template: str, values: dict[str, str]) -> Path:
        text = Template((SCAFFOLD / template).read_text(encoding="utf-8")).substitute(values)
        path.write_text(text, encoding="utf-8")
        return path

    @staticmethod
    def _relative(path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
