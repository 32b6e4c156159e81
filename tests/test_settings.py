"""Settings come from the environment; an empty variable means the embedded default."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def settings_in_a_fresh_process(expression: str, **environment: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **environment}
    code = (
        f"import django; django.setup(); from django.conf import settings; print(*({expression},))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.slow
def test_a_database_url_picks_the_database():
    name = settings_in_a_fresh_process(
        'settings.DATABASES["default"]["ENGINE"], settings.DATABASES["default"]["NAME"]',
        DATABASE_URL="postgres://someone@db.example:5432/bazaar_elsewhere",
    )
    assert name == "django.db.backends.postgresql bazaar_elsewhere"


@pytest.mark.slow
def test_empty_variables_as_in_env_example_mean_the_embedded_default():
    empty = {
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "",
        "LLM_PROVIDER": "",
    }
    mode = settings_in_a_fresh_process(
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.LLM_PROVIDER, settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1]",
        **empty,
        OPENAI_API_KEY="",
    )
    assert mode == "django.db.backends.sqlite3 True offline LocMemCache"


@pytest.mark.slow
def test_production_settings_take_the_key_from_the_file_the_containers_keep_it_in(tmp_path):
    """`docker compose exec web python manage.py …` runs without bin/with-secret-key: the
    settings read the key it generated, so the command signs as the site does."""
    key_file = tmp_path / "django-secret-key"
    key_file.write_text("the-generated-key\n")
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_SECRET_KEY": "",
        "DJANGO_SECRET_KEY_FILE": str(key_file),
    }
    assert settings_in_a_fresh_process("settings.SECRET_KEY", **production) == "the-generated-key"
    assert (
        settings_in_a_fresh_process(
            "settings.SECRET_KEY", **{**production, "DJANGO_SECRET_KEY": "the-operators-own"}
        )
        == "the-operators-own"
    )


@pytest.mark.slow
def test_production_settings_without_a_key_stop_and_say_how_to_give_one(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_SECRET_KEY": "",
        "DJANGO_SECRET_KEY_FILE": str(tmp_path / "not-generated-yet"),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY, or DJANGO_SECRET_KEY_FILE" in result.stderr
