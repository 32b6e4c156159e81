"""Every command in the README and the docs runs as written on a fresh clone.

The commands are read from the pages themselves: each ``manage.py`` command must exist and accept
the documented arguments (its own parser decides), each ``make`` target must be in the Makefile,
each file a page links to or names must exist. Then the walkthrough runs end to end, its
commands as written, in this test's database (the newcomer's scenario).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import pytest
from django.core.management import CommandError, get_commands, load_command_class

from tests.walkthrough import (
    BASE_DIR,
    EXPERIMENT,
    MANAGE,
    code_blocks,
    quoted_outputs,
    same_output,
    shell_commands,
    steps,
)

PAGES = ["README.md", "docs/walkthrough.md", "docs/evaluation.md", "docs/llm.md"]
# What a page writes for "a value of your own", and a value that stands for it here.
PLACEHOLDERS = {"…": "listing_prompt_version", "APP": "capstone", "NAME": "ticket_triage"}


def page_commands(page: str) -> list[str]:
    """Shell commands of a page: fenced shell blocks, indented blocks, and inline code that is a
    ``manage.py`` command (the README's table)."""
    text = (BASE_DIR / page).read_text()
    commands = []
    for language, body in code_blocks(text):
        if language in ("sh", "bash", "console", ""):
            commands.extend(shell_commands(body))
    for m in re.finditer(r"(?:^    .+\n)+", re.sub(r"```.*?```", "", text, flags=re.S), re.M):
        commands.extend(shell_commands(re.sub(r"^    ", "", m.group(0), flags=re.M)))
    commands.extend(re.findall(r"`((?:\.venv/bin/)?python manage\.py [^`]+)`", text))
    return [c for c in commands if c.startswith((".venv/bin/python", "python ", "make "))]


def manage_commands() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for command in page_commands(page):
            # "`.venv/bin/python manage.py …`" says how commands run; it is not one.
            if "manage.py" in command and not command.endswith("manage.py …"):
                found.append((page, command))
    return found


def make_commands() -> list[tuple[str, str]]:
    return [(page, c) for page in PAGES for c in page_commands(page) if c.startswith("make ")]


def test_the_pages_have_the_commands_this_test_reads():
    """A change in how the pages write commands must not make this test check nothing."""
    assert len(manage_commands()) >= 25
    assert len(make_commands()) >= 6


@pytest.mark.parametrize(("page", "command"), manage_commands())
def test_each_manage_py_command_exists_and_takes_its_documented_arguments(page, command):
    argv = shlex.split(command.split(" | ")[0])
    assert tuple(argv[:2]) in (MANAGE, ("python", "manage.py")), f"{page}: {command}"
    name, args = argv[2], argv[3:]
    commands = get_commands()
    assert name in commands, f"{page}: no command {name!r} ({command})"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    try:
        parser.parse_args([PLACEHOLDERS.get(a, a) for a in args])
    except CommandError as error:
        pytest.fail(f"{page}: `{command}` does not parse: {error}")


def makefile_targets() -> set[str]:
    text = (BASE_DIR / "Makefile").read_text()
    return set(re.findall(r"^([\w-]+):", text, flags=re.M))


@pytest.mark.parametrize(("page", "command"), make_commands())
def test_each_make_target_exists(page, command):
    targets = [word for word in shlex.split(command)[1:] if "=" not in word]
    assert targets, f"{page}: {command}"
    for target in targets:
        assert target in makefile_targets(), f"{page}: no make target {target!r} ({command})"


def linked_files() -> list[tuple[str, str]]:
    """Relative links and images, and inline code that names a file of the repository."""
    found = []
    for page in PAGES:
        text = (BASE_DIR / page).read_text()
        folder = (BASE_DIR / page).parent
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if not re.match(r"[a-z]+:", target):
                found.append((page, str((folder / target).resolve().relative_to(BASE_DIR))))
        pattern = r"`([\w.-]+(?:/[\w.-]+)+\.(?:py|toml|jsonl|json|md|yml|txt|png))`"
        for path in re.findall(pattern, text):
            if not path.startswith(("capstone/", ".venv/")):
                found.append((page, path))
    return found


def test_the_pages_name_files_this_test_checks():
    assert len(linked_files()) >= 20


@pytest.mark.parametrize(("page", "path"), linked_files())
def test_each_file_a_page_links_to_or_names_exists(page, path):
    # docs/evaluation.md's table names the datasets inside the folder its header names.
    folders = [BASE_DIR, BASE_DIR / "marketplace" / "ai_features"]
    assert any((folder / path).exists() for folder in folders), (
        f"{page} names {path}, which is not in the repository"
    )


# --- The walkthrough, end to end ------------------------------------------------------------


def said(page: str) -> str:
    """What the results page says about the candidate, for a failure's message."""
    return "; ".join(re.findall(r"Candidate prompt (?:raises|lowers)[^<]{0,120}", page)) or page


@pytest.mark.slow
@pytest.mark.catalogue
def test_a_newcomer_runs_the_walkthrough_as_written_and_reads_its_figures(tmp_path):
    """make run's site in a fresh SQLite database of its own process (ids as on a fresh clone:
    the experiments hash them), then the walkthrough from step 4 on: each command as the page
    writes it, each click through the function behind its button. What the page quotes is what
    the run gives."""
    report_file = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, str(BASE_DIR / "tests" / "walkthrough.py"), report_file, tmp_path],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(report_file.read_text())
    text = (BASE_DIR / "docs" / "walkthrough.md").read_text()
    flat = re.sub(r"\s+", " ", text)  # a sentence the page wraps over lines, on one line

    # Each output the page quotes is what its commands print (but for durations and times).
    quoted = 0
    for step in steps():
        ran = [
            (command, out) for number, command, out in report["transcript"] if number == step.number
        ]
        for commands, output in quoted_outputs(step):
            printed = "".join(out for command, out in ran[: len(commands)])
            assert [command for command, _ in ran[: len(commands)]] == commands
            ran = ran[len(commands) :]
            missing = same_output(output, printed)
            assert not missing, (
                f"step {step.number} quotes lines its commands do not print: {missing}"
            )
            quoted += 1
    assert quoted >= 6

    # Step 8: the verdict the page quotes, over a simulated history with a point per day.
    results = re.sub(r"\s+", " ", report["pages"]["results"])
    verdict = re.search(r'reads "(Candidate prompt raises Accepted a suggestion by [^"]+)"', flat)
    assert verdict is not None
    assert verdict.group(1).replace("<", "&lt;") in results, said(results)
    assert "Start moved back for a simulated history" in results
    assert report["daily_points"][EXPERIMENT] >= 13  # a line, not a dot

    # Step 9: the form offers the variant in the page's words.
    assert "Candidate prompt (treatment, listing_assistant@2)" in report["pages"]["conclude"]
    assert "*Candidate prompt (treatment, listing_assistant@2)*" in flat

    # Step 13: the second iteration's verdict, and production ends at @3.
    results = re.sub(r"\s+", " ", report["pages"]["results-2"])
    verdict = re.search(r'Refresh its results: "(Candidate prompt raises [^"]+)"', flat)
    assert verdict is not None
    assert verdict.group(1).replace("<", "&lt;") in results, said(results)
    assert report["statuses"] == {EXPERIMENT: "concluded", f"{EXPERIMENT}-2": "concluded"}
    assert report["production"] == 3
