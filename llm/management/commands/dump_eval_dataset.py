from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm.evaluation.models import EvalDataset
from llm.evaluation.services import EvaluationError, dump_dataset


class Command(BaseCommand):
    help = (
        "Write an evaluation dataset back to a JSONL file (one case a line, as load_eval_dataset "
        "reads them), so that cases curated in the admin (calls added as cases, cases edited) "
        "reach the files CI reads. The newest version unless --version; an existing file is "
        "kept unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The dataset's name.")
        parser.add_argument("path", help="The JSONL file to write.")
        parser.add_argument("--dataset-version", type=int, help="A version (default: the newest).")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")

    def handle(self, *args: Any, **options: Any) -> None:
        name, path = options["name"], Path(options["path"])
        versions = EvalDataset.objects.filter(name=name).order_by("-version")
        if options["dataset_version"] is not None:
            versions = versions.filter(version=options["dataset_version"])
        dataset = versions.first()
        if dataset is None:
            known = ", ".join(sorted(set(EvalDataset.objects.values_list("name", flat=True))))
            which = f"{name} v{options['version']}" if options["dataset_version"] else name
            raise CommandError(f"no dataset {which} (known: {known or 'none'})", returncode=2)
        try:
            count = dump_dataset(dataset, path, force=options["force"])
        except EvaluationError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"wrote {count} case{'s' if count != 1 else ''} of {dataset} to {path}")
