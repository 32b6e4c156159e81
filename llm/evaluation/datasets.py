"""Reading a dataset file: JSONL, one case a line, every line checked before anything is loaded.

    {"input": {"text": "..."}, "expected": {"category": "phones", ...}, "tags": ["typos"]}

``input`` is what the prompt gets, without the categories (and, for search, the cities): the
run adds those. ``expected`` is what the answer should be, in the shape the prompt's scorer
reads (``scoring.EXPECTATIONS``); ``tags`` are optional labels for the per-tag figures. Blank
lines are skipped. Each problem is reported as ``line N: ...``, all of them at once.

File names say what a file is: ``NAME.jsonl`` is a dataset for the prompt NAME, and
``NAME_holdout.jsonl`` its held-out part. A ``cities.txt`` next to them (one city a line) is the
list of cities given to prompts that take one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..runner import summarise_validation_error
from ..schemas import BaseInput, CategoryOption, PromptInput
from .scoring import EXPECTATIONS, CategorisedExpectation

HOLDOUT_SUFFIX = "_holdout"
CITIES_FILE = "cities.txt"
KEYS = {"input", "expected", "tags"}
MAX_TAG_LENGTH = 40
MAX_PROBLEMS_SHOWN = 50
# Stands in for the site's categories when an input is checked against its schema.
_PLACEHOLDER_CATEGORY = {"slug": "placeholder", "name": "Placeholder"}


class DatasetFileError(ValueError):
    """A file that cannot be loaded; ``problems`` has one ``line N: ...`` entry per problem."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "\n".join(f"  {problem}" for problem in shown)
        if more > 0:
            text += f"\n  and {more} more"
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{self.path}: {count}, nothing loaded:\n{text}")


@dataclass(frozen=True)
class CaseLine:
    line: int
    input: dict[str, Any]
    expected: dict[str, Any]
    tags: list[str]


def dataset_name(path: Path) -> str:
    return path.stem


def prompt_name_for(dataset: str) -> str:
    """The prompt a dataset is for, by its name: ``search_query_holdout`` → ``search_query``."""
    return dataset.removesuffix(HOLDOUT_SUFFIX)


def is_holdout_name(dataset: str) -> bool:
    return dataset.endswith(HOLDOUT_SUFFIX)


def read_cities(path: Path) -> list[str]:
    """One city a line; blank lines and ``#`` comments skipped; the first spelling of each kept."""
    cities: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        city = line.split("#", 1)[0].strip()
        if city:
            cities.setdefault(city.casefold(), city)
    return list(cities.values())


def content_hash(
    cases: list[CaseLine], *, prompt: str, shared_input: Mapping[str, Any], holdout: bool
) -> str:
    """sha256 of what the cases say (not how the file is laid out)."""
    data = {
        "prompt": prompt,
        "holdout": holdout,
        "shared_input": shared_input,
        "cases": [[case.input, case.expected, case.tags] for case in cases],
    }
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def input_key(data: Mapping[str, Any]) -> str:
    """What identifies a case's input, to find the same case twice."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def check_case(
    data: Any,
    *,
    input_schema: type[BaseInput],
    output_schema: str,
    categories: Mapping[str, CategoryOption],
    shared_input: Mapping[str, Any],
) -> list[str]:
    """What is wrong with one parsed line (empty: nothing)."""
    if not isinstance(data, dict):
        return ["a case is a JSON object with input, expected and tags"]
    problems = []
    missing = sorted({"input", "expected"} - data.keys())
    unknown = sorted(data.keys() - KEYS)
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown keys {', '.join(unknown)} (a case has {', '.join(sorted(KEYS))})")

    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(
        isinstance(tag, str) and 0 < len(tag.strip()) <= MAX_TAG_LENGTH for tag in tags
    ):
        problems.append(f"tags: a list of short texts (at most {MAX_TAG_LENGTH} characters)")

    case_input = data.get("input")
    if "input" in data:
        if not isinstance(case_input, dict):
            problems.append("input: a JSON object")
        else:
            problems += _check_input(case_input, input_schema, shared_input)

    expected = data.get("expected")
    if "expected" in data:
        if not isinstance(expected, dict):
            problems.append("expected: a JSON object")
        else:
            problems += _check_expected(expected, output_schema, categories)
    return problems


def _check_input(
    case_input: dict[str, Any], input_schema: type[BaseInput], shared_input: Mapping[str, Any]
) -> list[str]:
    added = sorted(({"categories"} | shared_input.keys()) & case_input.keys())
    if added:
        return [f"input: leave out {', '.join(added)}: the run adds them"]
    full = {**shared_input, **case_input}
    if issubclass(input_schema, PromptInput):
        full["categories"] = [_PLACEHOLDER_CATEGORY]
    try:
        input_schema.model_validate(full)
    except ValidationError as exc:
        return [f"input: {summarise_validation_error(exc)}"]
    return []


def _check_expected(
    expected: dict[str, Any], output_schema: str, categories: Mapping[str, CategoryOption]
) -> list[str]:
    try:
        expectation = EXPECTATIONS[output_schema].model_validate(expected)
    except ValidationError as exc:
        return [f"expected: {summarise_validation_error(exc)}"]
    category = getattr(expectation, "category", None)
    if not categories or category is None:
        return []
    # A typo here could never be matched: it would count against every model, silently.
    option = categories.get(category)
    if option is None:
        return [f"expected: category {category!r} is not one of the site's categories"]
    if isinstance(expectation, CategorisedExpectation):
        keys = {attribute.key for attribute in option.attributes}
        unknown = sorted(set(expectation.attributes) - keys)
        if unknown:
            return [
                f"expected: {category} has no attribute {', '.join(map(repr, unknown))} "
                f"(it has {', '.join(sorted(keys)) or 'none'})"
            ]
    return []


def read_dataset(
    path: Path,
    *,
    input_schema: type[BaseInput],
    output_schema: str,
    categories: Mapping[str, CategoryOption],
    shared_input: Mapping[str, Any],
) -> list[CaseLine]:
    """Every case of the file at ``path``, or ``DatasetFileError`` with every problem in it.

    ``categories`` (slug → option; may be empty) lets expected categories and attribute keys be
    checked against the site's; ``shared_input`` is what the run adds to every input.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetFileError(path, [f"cannot read the file: {exc}"]) from None
    problems: list[str] = []
    cases: list[CaseLine] = []
    first_line_of: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            problems.append(f"line {number}: not JSON: {exc}")
            continue
        found = check_case(
            data,
            input_schema=input_schema,
            output_schema=output_schema,
            categories=categories,
            shared_input=shared_input,
        )
        if found:
            problems += [f"line {number}: {problem}" for problem in found]
            continue
        key = input_key(data["input"])
        if key in first_line_of:
            problems.append(f"line {number}: the same input as line {first_line_of[key]}")
            continue
        first_line_of[key] = number
        cases.append(CaseLine(number, data["input"], data["expected"], data.get("tags", [])))
    if not cases and not problems:
        problems.append("no cases (one JSON object a line)")
    if problems:
        raise DatasetFileError(path, problems)
    return cases
