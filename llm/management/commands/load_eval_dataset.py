import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm.evaluation.datasets import DatasetFileError
from llm.evaluation.services import (
    EvaluationError,
    LoadedDataset,
    load_dataset,
    load_shipped_datasets,
)


class Command(BaseCommand):
    help = (
        "Load an evaluation dataset from a JSONL file (one case a line: "
        '{"input": {...}, "expected": {...}, "tags": [...]}). Every line is checked first; '
        "a file with a bad line loads nothing. The same content again changes nothing. "
        "--all loads every AI feature's dataset files (dataset.jsonl and holdout.jsonl in its "
        "folder), each named after its feature."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="The JSONL file.")
        parser.add_argument("--name", help="The dataset's name (default: the file's name).")
        parser.add_argument(
            "--prompt", help="The prompt it is for (default: the name without _holdout)."
        )
        parser.add_argument(
            "--holdout",
            action="store_true",
            default=None,
            help="A held-out set (default: when the name ends in _holdout).",
        )
        parser.add_argument(
            "--shared-input",
            help="A JSON file whose object is added to every case's input (default: the "
            "feature's shared_input.json).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace changed cases (a version that has runs is kept; the file becomes a "
            "new version).",
        )
        parser.add_argument(
            "--all", action="store_true", help="Load every AI feature's dataset files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"] == bool(options["path"]):
            raise CommandError("give a PATH or --all", returncode=2)
        try:
            if options["all"]:
                loaded = load_shipped_datasets(replace=options["replace"])
                if not loaded:
                    self.stdout.write("no AI feature has dataset files")
            else:
                path = Path(options["path"])
                if not path.is_file():
                    raise CommandError(f"{path}: no such file", returncode=2)
                loaded = [
                    load_dataset(
                        path,
                        name=options["name"],
                        prompt_name=options["prompt"],
                        holdout=options["holdout"],
                        replace=options["replace"],
                        shared_input=_read_object(options["shared_input"]),
                    )
                ]
        except (DatasetFileError, EvaluationError) as exc:
            raise CommandError(str(exc)) from None
        for item in loaded:
            self.stdout.write(self._describe(item))

    def _describe(self, item: LoadedDataset) -> str:
        dataset = item.dataset
        kind = "held out" if dataset.is_holdout else "development"
        line = (
            f"{item.action} {dataset}: {dataset.cases.count()} cases for {dataset.prompt} "
            f"({kind}, {dataset.source_path})"
        )
        return line if item.action == "unchanged" else self.style.SUCCESS(line)


def _read_object(path: str | None) -> dict[str, Any] | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"--shared-input {path}: {exc}", returncode=2) from None
    if not isinstance(data, dict):
        raise CommandError(f"--shared-input {path}: a JSON object, please", returncode=2)
    return data
