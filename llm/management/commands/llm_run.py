import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

import llm
from llm import features
from llm.errors import LLMError, LLMInputError, PromptRefError
from llm.providers import PROVIDERS
from llm.registry import parse_ref


class Command(BaseCommand):
    help = (
        "Run a prompt once and print the parsed output, tokens, cost, latency and who answered. "
        "What the site gives every call of the feature (its site input) is added to the "
        "input unless it gives its own. "
        'Example: manage.py llm_run ticket_triage --input \'{"text": "my order never came"}\''
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prompt", help="NAME, NAME:LABEL or NAME@VERSION")
        parser.add_argument("--input", required=True, help="The input, as a JSON object.")
        parser.add_argument("--provider", choices=PROVIDERS, help="Override LLM_PROVIDER.")
        parser.add_argument("--model", help="Override the prompt's model.")
        parser.add_argument("--no-cache", action="store_true", help="Ask the model even if cached.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(options["input"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--input is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise CommandError("--input must be a JSON object")
        try:
            feature = features.find(parse_ref(options["prompt"])[0])
            if feature is not None:
                data = features.with_site_input(feature, data)
            result = llm.run(
                options["prompt"],
                data,
                purpose="shell",
                use_cache=not options["no_cache"],
                provider=options["provider"],
                model=options["model"],
            )
        except (PromptRefError, LLMInputError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from None
        except LLMError as exc:
            logged = f" (call #{exc.call.pk})" if exc.call else ""
            retry = f", retry after {exc.retry_after:g} s" if exc.retry_after is not None else ""
            raise CommandError(f"{exc.status}{logged}: {exc.message}{retry}") from None

        call = result.call
        self.stdout.write(json.dumps(call.parsed_output, indent=2, ensure_ascii=False))
        cost = "unknown" if call.cost is None else f"${call.cost:.6f}"
        self.stdout.write(
            f"\nprompt   {result.version} ({result.version.short_hash})"
            f"\nanswered {result.provider_label} [{result.provider}/{call.model}]"
            f"{' from the cache' if result.cached else ''}"
            f"\ntokens   {call.input_tokens} in, {call.output_tokens} out"
            f"\ncost     {cost}"
            f"\nlatency  {call.latency_ms:.1f} ms"
            f"\ncall     #{call.pk}"
        )
