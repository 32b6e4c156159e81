"""The evaluation gate: every AI feature with a gate, on its development dataset, against its
thresholds (``llm.Feature.gate``). Exit 1 if one scores below, 2 on bad arguments.

    python manage.py eval_gate                 # the provider of the settings (LLM_PROVIDER)
    python manage.py eval_gate --provider offline --feature ticket_triage
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm import features
from llm.providers import PROVIDERS, get_provider

from .run_eval import BAD_ARGUMENTS, BELOW_THRESHOLD


class Command(BaseCommand):
    help = (
        "Run every AI feature that has an evaluation gate on its development dataset and fail "
        "below its thresholds. Says what was tested: with the offline model, the datasets, the "
        "scorers and the baseline, not the prompts' wording."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", choices=PROVIDERS, help="Override LLM_PROVIDER.")
        parser.add_argument(
            "--feature", action="append", default=[], help="Only this feature (repeatable)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        gated = [feature for feature in features.all_features() if feature.gate is not None]
        if options["feature"]:
            unknown = set(options["feature"]) - {feature.name for feature in gated}
            if unknown:
                names = ", ".join(feature.name for feature in gated) or "none"
                raise CommandError(
                    f"no gate for {', '.join(sorted(unknown))} (features with one: {names})",
                    returncode=BAD_ARGUMENTS,
                )
            gated = [feature for feature in gated if feature.name in options["feature"]]
        provider = options["provider"] or settings.LLM_PROVIDER
        self.stdout.write(self._what_is_tested(provider))
        failed = []
        for feature in gated:
            gate = feature.gate
            assert gate is not None
            if feature.name not in feature.datasets:
                failed.append(f"{feature.name}: no dataset.jsonl in {feature.folder}")
                continue
            self.stdout.write(
                f"\n{feature.name}: {feature.accuracy_figure.replace('_', ' ')} ≥ "
                f"{gate.min_accuracy:g}, pass rate ≥ {gate.min_pass_rate:g}"
            )
            out = io.StringIO()
            try:
                call_command(
                    "run_eval",
                    "--prompt",
                    feature.name,
                    "--dataset",
                    feature.name,
                    "--provider",
                    provider,
                    "--in-process",
                    "--min-accuracy",
                    str(gate.min_accuracy),
                    "--min-pass-rate",
                    str(gate.min_pass_rate),
                    "--note",
                    "eval_gate",
                    stdout=out,
                    stderr=io.StringIO(),
                )
            except CommandError as error:
                failed.append(f"{feature.name}: {error}")
            self.stdout.write(out.getvalue())
        if failed:
            raise CommandError(
                "the gate failed:\n  " + "\n  ".join(failed), returncode=BELOW_THRESHOLD
            )
        self.stdout.write(self.style.SUCCESS(f"\nthe gate passed ({len(gated)} features)"))

    @staticmethod
    def _what_is_tested(provider: str) -> str:
        if provider == "offline":
            return (
                "Answers come from the offline model. It reads each case's input, not the "
                "prompt, so this gate tests the datasets, the scorers and the offline baseline; "
                "the prompts' wording is not exercised. With a model configured "
                "(LLM_PROVIDER=openai and OPENAI_API_KEY, e.g. a CI secret), the same gate runs "
                "against it."
            )
        backend = get_provider(provider)
        where = f" via {backend.endpoint}" if backend.endpoint else ""
        return (
            f"Answers come from {settings.LLM_MODEL}{where} (or each prompt's own model): this "
            "gate tests the prompts' current production versions with a real model."
        )
