from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.db import connections
from django.db.models.signals import post_migrate


class LlmConfig(AppConfig):
    name = "llm"
    verbose_name = "LLM"

    def ready(self) -> None:
        post_migrate.connect(sync_prompts_after_migrate, sender=self)
        register(check_llm_settings)
        if settings.LLM_PROVIDER == "openai" and settings.OPENAI_API_KEY:
            # The SDK takes a second or more to import, imports more on its first request, and
            # its client builds a TLS context. Pay that once, at start-up, in the process that
            # forks the web and Celery workers, not in the first request or job of every worker
            # (a search has a 3 s deadline). Without a key, the system check says what is wrong.
            from .client import preload

            preload()


def sync_prompts_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Sync ``llm/prompts/`` after every ``migrate`` (and the test runner's flushes).

    So a fresh database, a test database and a deploy that changed a prompt file all have their
    versions without a manual step; labels never move except a new prompt's first ``production``.
    ``manage.py sync_prompts`` does the same on demand, and says what it created.
    """
    from .models import PromptVersion
    from .services import sync_prompts

    if PromptVersion._meta.db_table not in connections[using].introspection.table_names():
        return  # migrating to a state before the llm tables exist
    sync_prompts()


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
