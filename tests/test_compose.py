"""docker-compose.yml: one image, a one-shot migrate before the app containers, health checks
and restarts, the demo's passwords passed through, and sessions signed with no published key
(bin/with-secret-key gives the containers the operator's DJANGO_SECRET_KEY, or one generated on
first start and kept). Nothing here runs Docker: the file is read as YAML, and parsed by
docker-compose where it is installed (CI installs it)."""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "bin" / "with-secret-key"
PRINT_KEY = ["sh", "-c", 'printf %s "$DJANGO_SECRET_KEY"']
APP_SERVICES = ("migrate", "web", "worker", "beat")


def compose(name: str = "docker-compose.yml") -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text())


def services(name: str = "docker-compose.yml") -> dict[str, Any]:
    return compose(name)["services"]


def run(*, key: str | None = None, key_file: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SECRET_KEY")}
    env["PYTHON"] = sys.executable
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    if key_file is not None:
        env["DJANGO_SECRET_KEY_FILE"] = str(key_file)
    return subprocess.run([SCRIPT, *PRINT_KEY], env=env, capture_output=True, text=True)


def test_the_compose_file_publishes_no_key_and_starts_every_app_container_with_one():
    text = (ROOT / "docker-compose.yml").read_text()
    defaults = re.findall(r"\$\{DJANGO_SECRET_KEY:-([^}]*)\}", text)
    assert defaults == [""]
    commands = {name: services()[name]["command"] for name in APP_SERVICES}
    assert commands == {
        "migrate": ["bin/with-secret-key", "bin/migrate"],
        "web": ["bin/with-secret-key", "bin/start-web"],
        "worker": ["bin/with-secret-key", "bin/start-worker"],
        "beat": ["bin/with-secret-key", "bin/start-beat"],
    }


def test_one_image_built_once_by_migrate_which_the_app_containers_wait_for():
    app = {name: services()[name] for name in APP_SERVICES}
    assert {service["image"] for service in app.values()} == {"bazaar:local"}
    assert [name for name, service in app.items() if "build" in service] == ["migrate"]
    for name in ("web", "worker", "beat"):
        assert app[name]["pull_policy"] == "never"  # built here, on no registry
        assert app[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert app["migrate"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_only_bin_migrate_migrates_so_web_processes_never_race_on_it():
    start_web = (ROOT / "bin" / "start-web").read_text()
    migrate = (ROOT / "bin" / "migrate").read_text()
    assert "manage.py migrate" not in start_web
    assert "seed_demo" not in start_web
    assert '"$python" manage.py migrate --no-input' in migrate
    assert '"$python" manage.py sync_site' in migrate


def test_long_running_services_restart_and_answer_health_checks():
    every = services()
    for name in ("db", "redis", "web", "worker", "beat"):
        assert every[name]["restart"] == "unless-stopped", name
    assert every["migrate"]["restart"] == "no"  # one-shot: done when it exits 0
    assert "127.0.0.1:8000/healthz" in " ".join(every["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(every["worker"]["healthcheck"]["test"])
    for name in ("db", "redis"):
        assert every[name]["healthcheck"]["test"]


def test_the_demos_passwords_reach_the_seed():
    environment = services()["migrate"]["environment"]
    assert environment["DEMO_ADMIN_PASSWORD"] == "${DEMO_ADMIN_PASSWORD:-}"
    assert environment["DEMO_SELLER_PASSWORD"] == "${DEMO_SELLER_PASSWORD:-}"


def test_the_local_llm_profile_pins_its_image_and_pulls_the_model_the_site_asks_for():
    every = services()
    ollama, pull = every["ollama"], every["ollama-pull"]
    assert ollama["profiles"] == pull["profiles"] == ["local-llm"]
    assert re.fullmatch(r"ollama/ollama:\d+\.\d+\.\d+", ollama["image"])
    assert pull["image"] == ollama["image"]
    assert pull["command"] == ["${LLM_MODEL:-qwen2.5:0.5b-instruct}"]
    assert pull["depends_on"] == {"ollama": {"condition": "service_healthy"}}
    # Without the profile none of it runs, and no app container waits on it.
    for name in APP_SERVICES:
        assert not set(every[name]["depends_on"]) & {"ollama", "ollama-pull"}


def test_every_setting_of_the_local_llm_env_file_reaches_the_app_containers():
    names = [
        line.split("=", 1)[0]
        for line in (ROOT / "compose.local-llm.env").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert "OPENAI_BASE_URL" in names
    for name in APP_SERVICES:
        environment = services()[name]["environment"]
        assert {key: environment.get(key) for key in names} == {
            key: f"${{{key}:-}}" for key in names
        }, name


def test_the_dev_override_mounts_the_code_and_turns_debug_on():
    dev = services("compose.dev.yml")
    assert set(dev) == set(APP_SERVICES)
    for service in dev.values():
        assert ".:/app" in service["volumes"]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.local"
    assert "runserver" in dev["web"]["command"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["-f", "docker-compose.yml", "-f", "compose.dev.yml"],
        ["--env-file", "compose.local-llm.env", "--profile", "local-llm"],
    ],
    ids=["plain", "dev", "local-llm"],
)
@pytest.mark.slow
def test_docker_compose_parses_each_way_docs_deploy_runs_it(arguments):
    result = subprocess.run(
        ["docker-compose", *arguments, "config"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    parsed = yaml.safe_load(result.stdout)
    if "--env-file" in arguments:
        web = parsed["services"]["web"]["environment"]
        assert web["OPENAI_BASE_URL"] == "http://ollama:11434/v1"
        assert web["LLM_PROVIDER"] == "openai"
        assert parsed["services"]["ollama-pull"]["command"] == [web["LLM_MODEL"]]
        # The quotes of the env file are the file's, not the value's: the settings read JSON.
        assert json.loads(web["LLM_PRICES"]) == {web["LLM_MODEL"]: {"input": 0, "output": 0}}


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


@pytest.mark.slow
def test_the_compose_files_and_the_workflow_follow_their_published_schemas():
    """docker compose v2 reads the Compose Specification, which the Debian docker-compose (v1)
    that parses the files above predates; GitHub reads its workflow schema. Both schemas ship
    inside check-jsonschema: no network."""
    check = [str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema"]
    for schema, files in [
        ("vendor.compose-spec", ["docker-compose.yml", "compose.dev.yml"]),
        ("vendor.github-workflows", [".github/workflows/ci.yml"]),
    ]:
        result = subprocess.run([*check, schema, *files], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_docs_deploy_gives_each_walkthrough_command_in_its_compose_exec_form():
    walkthrough = (ROOT / "docs" / "walkthrough.md").read_text()
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    commands = set(re.findall(r"\.venv/bin/python manage\.py (\w+)", walkthrough))
    in_containers = set(re.findall(r"docker compose exec web python manage\.py (\w+)", deploy))
    assert commands
    assert commands <= in_containers


def test_the_demo_is_seeded_by_compose_and_only_when_asked_by_the_migrate_script():
    """A production site starts without the demo's listings; `docker compose up` asks for them.
    (.ci/smoke-start-scripts runs bin/migrate as the migrate container does and counts them.)"""
    text = (ROOT / "docker-compose.yml").read_text()
    migrate = (ROOT / "bin" / "migrate").read_text()

    assert re.findall(r"SEED_DEMO: \$\{SEED_DEMO:-(\d)\}", text) == ["1"]
    assert services()["migrate"]["environment"]["SEED_DEMO"] == "${SEED_DEMO:-1}"
    assert re.findall(r"\$\{SEED_DEMO:-(\d)\}", migrate) == ["0"]
