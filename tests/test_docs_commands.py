"""Every command in the README and the docs runs as written on a fresh clone.

The commands are read from the pages themselves: each ``manage.py`` command must exist and accept
the documented arguments (its own parser decides), each ``make`` target must be in the Makefile,
each file a page links to or names must exist. Then the walkthrough runs end to end, its
commands as written, in this test's database (the newcomer's scenario).
"""

from __future__ import annotations

import re
import shlex

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from tests.walkthrough import BASE_DIR, EXPERIMENT, MANAGE, Walkthrough, code_blocks, shell_commands

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
@pytest.mark.django_db(transaction=True)
def test_a_newcomer_runs_the_walkthrough_as_written_and_reads_its_figures(tmp_path, admin_client):
    """The walkthrough from step 4 on, on a small demo: each command as the page writes it, and
    each click through the function behind its button. The page's quoted outputs and figures
    are the ones the run gives."""
    from experiments.models import DailyResult, Experiment
    from llm.models import PromptLabel

    call_command("seed_demo", "--listings", "60", "--users", "8", "--no-images", verbosity=0)
    walkthrough = Walkthrough(tmp_path / "prompts")
    text = (BASE_DIR / "docs" / "walkthrough.md").read_text()
    flat = re.sub(r"\s+", " ", text)  # a sentence the page wraps over lines, on one line

    walkthrough.run(last=8)
    [sync] = walkthrough.outputs["sync_prompts"]
    assert re.search(r"created listing_assistant@2 \(\w+\) → candidate", sync)
    assert "created listing_assistant@2" in text
    simulated = walkthrough.outputs["simulate_traffic"][0]
    quoted = re.search(r"^Simulated 24000 units in [\d.]+s: (.+)$", text, flags=re.M)
    assert quoted is not None
    assert quoted.group(1) in simulated, simulated
    assert "Moved the start of 'listing_prompt_version' back" in simulated

    experiment = Experiment.objects.get(key=EXPERIMENT)
    results = admin_client.get(f"/admin/experiments/experiment/{experiment.pk}/results/")
    page = re.sub(r"\s+", " ", results.content.decode())
    verdict = re.search(r'reads "(Candidate prompt raises Accepted a suggestion by [^"]+)"', flat)
    assert verdict is not None
    assert verdict.group(1).replace("<", "&lt;") in page, said(page)
    assert DailyResult.objects.filter(experiment=experiment).count() >= 13  # a line, not a dot
    assert "Start moved back for a simulated history" in page

    conclude = admin_client.get(f"/admin/experiments/experiment/{experiment.pk}/conclude/")
    form = conclude.content.decode()
    assert "Candidate prompt (treatment, listing_assistant@2)" in form
    assert "*Candidate prompt (treatment, listing_assistant@2)*" in flat
    assert f"{EXPERIMENT}:treatment" not in form

    walkthrough.run(first=9)
    llm_runs = walkthrough.outputs["llm_run"]
    assert "listing_assistant@2" in llm_runs[0]
    assert walkthrough.outputs["move_label"] == [
        "listing_assistant:production: listing_assistant@2 → listing_assistant@1\n"
    ]
    production = PromptLabel.objects.get(prompt__name="listing_assistant", name="production")
    assert production.version.number == 3
    second = Experiment.objects.get(key=f"{EXPERIMENT}-2")
    assert second.status == Experiment.Status.CONCLUDED
    results = admin_client.get(f"/admin/experiments/experiment/{second.pk}/results/")
    page = re.sub(r"\s+", " ", results.content.decode())
    verdict = re.search(r'Refresh its results: "(Candidate prompt raises [^"]+)"', flat)
    assert verdict is not None
    assert verdict.group(1).replace("<", "&lt;") in page, said(page)
