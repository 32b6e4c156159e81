from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register


class LlmConfig(AppConfig):
    name = "llm"
    verbose_name = "LLM"

    def ready(self) -> None:
        register(check_llm_settings)
        if settings.LLM_PROVIDER == "openai" and settings.OPENAI_API_KEY:
            # The SDK takes a second or more to import, imports more on its first request, and
            # its client builds a TLS context. Pay that once, at start-up, in the process that
            # forks the web and Celery workers, not in the first request or job of every worker
            # (a search has a 3 s deadline). Without a key, the system check says what is wrong.
            from .client import preload

            preload()


def check_llm_settings(**kwargs: Any) -> list[CheckMessage]:
    from .providers import PROVIDERS

    errors: list[CheckMessage] = []
    if settings.LLM_PROVIDER not in PROVIDERS:
        errors.append(
            Error(
                f"LLM_PROVIDER is {settings.LLM_PROVIDER!r}",
                hint=f"Use one of: {', '.join(PROVIDERS)}.",
                id="llm.E001",
            )
        )
    if settings.LLM_PROVIDER == "openai" and not settings.OPENAI_API_KEY:
        errors.append(
            Error(
                "LLM_PROVIDER is openai but OPENAI_API_KEY is empty",
                hint="Set OPENAI_API_KEY, or LLM_PROVIDER=offline.",
                id="llm.E002",
            )
        )
    for model, price in settings.LLM_PRICES.items():
        if not isinstance(price, dict) or not {"input", "output"} <= price.keys():
            errors.append(
                Error(
                    f"LLM_PRICES[{model!r}] needs 'input' and 'output' prices",
                    hint="USD per million tokens, e.g. {'input': 0.15, 'output': 0.6}.",
                    id="llm.E003",
                )
            )
    return errors
