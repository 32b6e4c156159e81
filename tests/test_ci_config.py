"""The GitHub workflow and the pre-commit hooks run what the project's own CI runs: the workflow
calls .ci/run with Postgres and Redis where .ci/run looks for them, and each hook is a command of
`make lint`. Read as YAML, so a change to one side that the other misses fails here."""

import re
import tomllib
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def make_recipe(target: str) -> list[str]:
    """The commands of a Makefile target, $(PY) and $(VENV) spelled out as a shell sees them."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip().replace("$(PY)", ".venv/bin/python").replace("$(VENV)", ".venv"))
    return recipe


def workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())


def test_the_workflow_runs_ci_run_and_only_installs_what_it_needs_before():
    (job,) = workflow()["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[-1] == "bash .ci/run"
    # Before it: only system packages, never a test or lint command of its own that could drift.
    for command in runs[:-1]:
        assert re.fullmatch(r"(sudo apt-get [^\n]+\n?)+", command), command


def test_the_workflows_services_are_where_ci_run_looks_for_them():
    (job,) = workflow()["jobs"].values()
    ci_run = (ROOT / ".ci" / "run").read_text()
    services = job["services"]
    assert services["postgres"]["ports"] == ["5432:5432"]
    assert services["redis"]["ports"] == ["6379:6379"]
    assert services["postgres"]["env"]["POSTGRES_HOST_AUTH_METHOD"] == "trust"
    assert "postgres://postgres@127.0.0.1:5432/" in ci_run
    assert "redis://127.0.0.1:6379/" in ci_run
    # The image's Postgres and Python are the workflow's.
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert services["postgres"]["image"] == compose["services"]["db"]["image"]
    assert services["redis"]["image"] == compose["services"]["redis"]["image"]
    python = next(
        s["with"]["python-version"] for s in job["steps"] if "setup-python" in s.get("uses", "")
    )
    assert f"FROM python:{python}-slim" in (ROOT / "Dockerfile").read_text()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={python}"


def test_ci_run_runs_the_readmes_test_command_and_make_lint():
    ci_run = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make test" in ci_run
    assert "make lint" in ci_run
    assert "make test" in (ROOT / "README.md").read_text()


def test_each_pre_commit_hook_is_a_command_of_make_lint_and_each_lint_command_a_hook():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # the lock's tools from .venv, not a second pin
    commands = []
    for hook in repo["hooks"]:
        assert hook["language"] == "system"
        # A hook given the changed files runs the command on them instead of on ".".
        commands.append(hook["entry"] + ("" if hook.get("pass_filenames") is False else " ."))
    assert sorted(commands) == sorted(make_recipe("lint"))


def test_the_fast_hooks_run_at_each_commit_and_the_slow_ones_only_at_each_push():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    stages = {hook["id"]: hook.get("stages", "every") for hook in config["repos"][0]["hooks"]}
    assert stages == {
        "ruff-check": "every",
        "ruff-format": "every",
        "migrations": "every",
        "mypy": ["pre-push"],
        "lint-imports": ["pre-push"],
    }
    assert config["default_install_hook_types"] == ["pre-commit", "pre-push"]
