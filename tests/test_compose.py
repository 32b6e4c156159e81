"""docker-compose.yml signs sessions with no published key: bin/with-secret-key gives the
containers the operator's DJANGO_SECRET_KEY, or one generated on first start and kept."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "bin" / "with-secret-key"
PRINT_KEY = ["sh", "-c", 'printf %s "$DJANGO_SECRET_KEY"']


def run(*, key: str | None = None, key_file: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SECRET_KEY")}
    env["PYTHON"] = sys.executable
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    if key_file is not None:
        env["DJANGO_SECRET_KEY_FILE"] = str(key_file)
    return subprocess.run([SCRIPT, *PRINT_KEY], env=env, capture_output=True, text=True)


def test_the_compose_file_publishes_no_key_and_starts_every_app_container_with_one():
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    defaults = re.findall(r"\$\{DJANGO_SECRET_KEY:-([^}]*)\}", compose)
    assert defaults == [""]
    commands = re.findall(r"command: \[(\"bin/.*)\]", compose)
    assert sorted(commands) == [
        f'"bin/with-secret-key", "bin/start-{name}"' for name in ("beat", "web", "worker")
    ]


def test_a_key_is_generated_on_first_start_and_kept_for_the_next(tmp_path):
    key_file = tmp_path / "django-secret-key"
    first, again = run(key_file=key_file), run(key_file=key_file)
    assert first.returncode == again.returncode == 0
    assert len(first.stdout) >= 50
    assert again.stdout == first.stdout
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # for the app's user only
    assert run(key_file=tmp_path / "elsewhere").stdout != first.stdout


def test_containers_starting_together_share_the_first_key(tmp_path):
    key_file = tmp_path / "django-secret-key"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SECRET_KEY")}
    env |= {"PYTHON": sys.executable, "DJANGO_SECRET_KEY_FILE": str(key_file)}
    starts = [
        subprocess.Popen([SCRIPT, *PRINT_KEY], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    keys = {start.communicate()[0] for start in starts}
    assert keys == {key_file.read_text().strip()}
    assert sorted(os.listdir(tmp_path)) == ["django-secret-key"]  # no leftovers


def test_the_operators_key_wins_and_nothing_is_written(tmp_path):
    result = run(key="the-operators-own-key", key_file=tmp_path / "django-secret-key")
    assert result.stdout == "the-operators-own-key"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("key", [None, ""])
def test_without_a_key_or_a_place_for_one_it_stops_and_says_why(key):
    result = run(key=key)
    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY" in result.stderr
    assert result.stdout == ""


def test_an_emptied_key_file_stops_the_start_instead_of_signing_with_nothing(tmp_path):
    key_file = tmp_path / "django-secret-key"
    key_file.write_text("")
    result = run(key_file=key_file)
    assert result.returncode != 0
    assert "is empty" in result.stderr


def test_the_demo_is_seeded_by_compose_and_only_when_asked_by_the_start_script():
    """A production site starts without the demo's listings; `docker compose up` asks for them.
    (.ci/smoke-start-scripts runs bin/start-web as the web container does and counts them.)"""
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    start_web = (Path(settings.BASE_DIR) / "bin" / "start-web").read_text()

    assert re.findall(r"SEED_DEMO: \$\{SEED_DEMO:-(\d)\}", compose) == ["1"]
    assert re.findall(r"\$\{SEED_DEMO:-(\d)\}", start_web) == ["0"]
