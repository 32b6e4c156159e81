import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from llm import features
from llm.errors import PromptRefError
from llm.evaluation import execution
from llm.evaluation.datasets import DatasetFileError
from llm.evaluation.models import EvalRun
from llm.evaluation.services import (
    FEATURES_JUDGE,
    EvaluationError,
    create_run,
    dataset_for_run,
    feature_of,
    file_differs,
)
from llm.evaluation.summary import figure_rows
from llm.providers import PROVIDERS
from llm.registry import resolve_prompt

BAD_ARGUMENTS = 2
BELOW_THRESHOLD = 1
TAG_COUNTS = ("cases", "pass_rate", "failed")  # what a by-tag row has besides its accuracy


class ProgressBar:
    """``[#########-----------]  90/200  45%  2 failed`` on a terminal (redrawn in place), or a
    line at every tenth elsewhere (a CI log)."""

    def __init__(self, stream: OutputWrapper, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.interactive = stream.isatty()
        self.last_tenth = -1

    def __call__(self, done: int, failed: int, total: int) -> None:
        share = done / total if total else 1.0
        failures = f"  {failed} failed" if failed else ""
        if self.interactive:
            filled = round(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            end = "\n" if done >= total else ""
            line = f"\r[{bar}] {done:>5}/{total}  {share:4.0%}{failures}"
            self.stream.write(line, ending=end)
            self.stream.flush()
        elif int(share * 10) > self.last_tenth:
            self.last_tenth = int(share * 10)
            self.stream.write(f"{done:>5}/{total}  {share:4.0%}{failures}")


class Command(BaseCommand):
    help = (
        "Evaluate a prompt version on a dataset and print the figures; exit 1 below a "
        "threshold (--min-accuracy, --min-pass-rate), 2 on bad arguments. "
        "Example: manage.py run_eval --prompt ticket_triage:candidate "
        "--dataset ticket_triage --concurrency 8 --min-accuracy 0.8"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--prompt", required=True, help="NAME (its production label), NAME:LABEL or NAME@N."
        )
        parser.add_argument(
            "--dataset",
            required=True,
            help="A dataset's name; a shipped file of that name is loaded if it isn't yet.",
        )
        parser.add_argument("--concurrency", type=int, default=4, help="Calls at once (4).")
        parser.add_argument("--provider", choices=PROVIDERS, help="Override LLM_PROVIDER.")
        parser.add_argument("--model", default="", help="Override the prompt's model.")
        parser.add_argument("--min-accuracy", type=float, help="Fail below this accuracy.")
        parser.add_argument("--min-pass-rate", type=float, help="Fail below this pass rate.")
        parser.add_argument(
            "--holdout",
            action="store_true",
            help="Confirm that running a held-out dataset is a final check, not tuning.",
        )
        parser.add_argument(
            "--no-judge", action="store_true", help="Don't grade the answers with the judge."
        )
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Run the cases here in threads, even when Celery workers are configured.",
        )
        parser.add_argument("--note", default="", help="A note kept with the run.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        for threshold in ("min_accuracy", "min_pass_rate"):
            value = options[threshold]
            if value is not None and not 0 <= value <= 1:
                raise CommandError(
                    f"--{threshold.replace('_', '-')} is a share from 0 to 1, not {value:g}",
                    returncode=BAD_ARGUMENTS,
                )
        if options["concurrency"] < 1:
            raise CommandError("--concurrency is at least 1", returncode=BAD_ARGUMENTS)

        run = self._create_run(options)
        in_process = options["in_process"] or settings.CELERY_TASK_ALWAYS_EAGER
        progress = ProgressBar(self.stderr)
        if not options["json"]:
            how = "in this process" if in_process else "on Celery workers"
            self.stderr.write(
                f"run #{run.pk}: {run.prompt_version} on {run.dataset} ({run.total} cases), "
                f"{run.provider}, concurrency {run.concurrency}, {how}"
            )
        if in_process:
            run = execution.run_in_process(run, on_progress=progress)
        else:
            execution.enqueue_run(run)
            run = execution.wait_for(run, on_progress=progress, on_stall=self._stalled)

        if options["json"]:
            self.stdout.write(json.dumps(self._as_json(run), indent=2))
        else:
            self.stdout.write(self._report(run))
        self._gate(run, options)

    def _stalled(self, seconds: float) -> None:
        self.stderr.write(
            self.style.WARNING(
                f"nothing has moved for {seconds:.0f} s: is a Celery worker running "
                "(make worker)? Or run the cases here with --in-process."
            )
        )

    def _create_run(self, options: dict[str, Any]) -> EvalRun:
        try:
            version = resolve_prompt(options["prompt"])
            dataset = dataset_for_run(options["dataset"])
            if dataset.is_holdout and not options["holdout"]:
                raise EvaluationError(
                    f"{dataset} is held out: it is for the final check of a candidate, never "
                    "for tuning. Pass --holdout to confirm."
                )
            if file_differs(dataset):
                self.stderr.write(
                    self.style.WARNING(
                        f"{dataset.source_path} has changed since {dataset} was loaded: "
                        f"load it with manage.py load_eval_dataset {dataset.source_path} "
                        f"--name {dataset.name} --replace"
                    )
                )
            return create_run(
                dataset,
                version,
                provider=options["provider"],
                model=options["model"],
                concurrency=options["concurrency"],
                judge=None if options["no_judge"] else FEATURES_JUDGE,
                note=options["note"],
            )
        except (PromptRefError, EvaluationError, DatasetFileError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc), returncode=BAD_ARGUMENTS) from None

    def _gate(self, run: EvalRun, options: dict[str, Any]) -> None:
        if run.status != EvalRun.Status.SUCCEEDED:
            raise CommandError(
                f"run #{run.pk} {run.status}{': ' + run.error if run.error else ''}",
                returncode=BELOW_THRESHOLD,
            )
        below = []
        accuracy = feature_of(run.prompt_version.prompt.name).accuracy_figure
        for option, figure, label in (
            ("min_accuracy", accuracy, accuracy.replace("_", " ")),
            ("min_pass_rate", "pass_rate", "pass rate"),
        ):
            threshold = options[option]
            if threshold is None:
                continue
            value = run.figure(figure)
            if value is None:
                raise CommandError(
                    f"run #{run.pk} has no {label}: its cases state none",
                    returncode=BAD_ARGUMENTS,
                )
            if value < threshold:
                below.append(f"{label} {value:.3f} < {threshold:g}")
        if below:
            raise CommandError(
                f"below the threshold: {'; '.join(below)}", returncode=BELOW_THRESHOLD
            )

    @staticmethod
    def _as_json(run: EvalRun) -> dict[str, Any]:
        return {
            "run": run.pk,
            "status": run.status,
            "prompt_version": str(run.prompt_version),
            "dataset": str(run.dataset),
            "provider": run.provider,
            "model": run.model,
            "concurrency": run.concurrency,
            "seconds": run.duration_seconds,
            "summary": run.summary,
        }

    @staticmethod
    def _report(run: EvalRun) -> str:
        summary = run.summary
        seconds = run.duration_seconds
        lines = [
            "",
            f"run #{run.pk}  {run.prompt_version} on {run.dataset}, {run.provider}"
            f"{' ' + run.model if run.model else ''}: {run.status}"
            f"{f' in {seconds:.1f} s' if seconds is not None else ''}",
            "",
        ]
        feature = features.find(run.prompt_version.prompt.name)
        for row in figure_rows(summary, feature.figures if feature else ()):
            lines.append(f"  {row.label:<28} {row.shown}")
        for key, parts in summary.items():  # per-part accuracies: each filter, each field
            if key.endswith("_accuracy") and isinstance(parts, dict):
                item = key.removesuffix("_accuracy")
                for name, value in parts.items():
                    shown = "–" if value is None else f"{value:.3f}"
                    lines.append(f"  {item + ' ' + name:<28} {shown}")
        failures = summary.get("failed_by_kind") or {}
        if failures:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(failures.items()))
            lines.append(f"  {'failures':<28} {kinds}")
        note = summary.get("judge", {}).get("note")
        if note:
            lines.append(f"  {'judge':<28} {note}")
        tags = summary.get("by_tag") or {}
        if tags:
            lines += ["", f"  {'by tag':<20} {'cases':>6} {'accuracy':>9} {'pass rate':>10}"]
            for tag, figures in tags.items():
                accuracy = next(
                    (value for key, value in figures.items() if key not in TAG_COUNTS), None
                )
                shown = "–" if accuracy is None else f"{accuracy:.3f}"
                lines.append(
                    f"  {tag:<20} {figures['cases']:>6} {shown:>9} {figures['pass_rate']:>10.3f}"
                )
        return "\n".join(lines)
