"""Reading a dataset file: JSONL, one case a line, every line checked before anything is loaded.

    {"input": {"text": "..."}, "expected": {"label": "urgent", ...}, "tags": ["typos"]}

``input`` is what the prompt gets, without what the run adds: the feature's site input (what
the site offers the model now) and the dataset's shared input (``shared_input.json``).
``expected`` is what the answer should be, in the shape the feature's scorer reads
(``scoring.expectation_of``); ``tags`` are optional labels for the per-tag figures. Blank lines
are skipped. Each problem is reported as ``line N: ...``, all of them at once.

Only what JSON means is accepted: ``NaN`` and ``Infinity`` (which Python's parser takes and
Postgres refuses), numbers too large for a float, values nested deeper than ``MAX_DEPTH`` and
lines longer than ``MAX_LINE_CHARS`` are each a problem of their line, never a crash. A file is
read twice, a line at a time, never whole: once to check it (``check_dataset``, which keeps a
digest per case to find repeated inputs, and the content hash), once to load the cases it
checked (``iter_cases``), so a file of any length is loaded in bounded memory.

A feature's files are its ``dataset.jsonl`` (the dataset named after the feature) and
``holdout.jsonl`` (``NAME_holdout``, its held-out part); a file loaded by path is named after
itself, and ``NAME_holdout`` names say held out.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..features import HOLDOUT_SUFFIX, Feature
from ..runner import summarise_validation_error
from .scoring import expectation_of

KEYS = {"input", "expected", "tags"}
MAX_TAG_LENGTH = 40
MAX_PROBLEMS_SHOWN = 50
MAX_PROBLEMS_KEPT = 1000  # a file of bad lines is reported by count past these
# A case is a few short texts: far below these, and a line past them is not a case.
MAX_LINE_CHARS = 100_000
MAX_DEPTH = 20


class DatasetFileError(ValueError):
    """A file that cannot be loaded; ``problems`` has one ``line N: ...`` entry per problem."""

    def __init__(self, path: Path | str, problems: list[str], total: int | None = None) -> None:
        self.path = str(path)
        self.problems = problems
        total = max(total or 0, len(problems))
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = total - len(shown)
        text = "\n".join(f"  {problem}" for problem in shown)
        if more > 0:
            text += f"\n  and {more} more"
        count = f"{total} problem{'s' if total != 1 else ''}"
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
    """The prompt a dataset is for, by its name: ``NAME_holdout`` → ``NAME``."""
    return dataset.removesuffix(HOLDOUT_SUFFIX)


def is_holdout_name(dataset: str) -> bool:
    return dataset.endswith(HOLDOUT_SUFFIX)


class ContentHasher:
    """sha256 of what the cases say (not how the file is laid out), a case at a time.

    The digest is that of ``json.dumps({"cases": [[input, expected, tags], ...], "holdout": ...,
    "prompt": ..., "shared_input": ...}, sort_keys=True, ensure_ascii=False, separators=(",",
    ":"))``, written out piece by piece, so that datasets loaded before keep their hash.
    """

    def __init__(self) -> None:
        self._sha = hashlib.sha256(b'{"cases":[')
        self.count = 0

    def add(self, case_input: Any, expected: Any, tags: Any) -> None:
        if self.count:
            self._sha.update(b",")
        self._sha.update(_canonical([case_input, expected, tags]).encode())
        self.count += 1

    def hexdigest(self, *, prompt: str, shared_input: Mapping[str, Any], holdout: bool) -> str:
        sha = self._sha.copy()
        rest = {"holdout": holdout, "prompt": prompt, "shared_input": shared_input}
        sha.update(b"]," + _canonical(rest)[1:].encode())  # the rest of the object, after cases
        return sha.hexdigest()


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(
    cases: Iterable[CaseLine], *, prompt: str, shared_input: Mapping[str, Any], holdout: bool
) -> str:
    """sha256 of what the cases say (not how the file is laid out)."""
    hasher = ContentHasher()
    for case in cases:
        hasher.add(case.input, case.expected, case.tags)
    return hasher.hexdigest(prompt=prompt, shared_input=shared_input, holdout=holdout)


def input_key(data: Mapping[str, Any]) -> str:
    """What identifies a case's input, to find the same case twice."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def input_digest(data: Mapping[str, Any]) -> bytes:
    """``input_key`` in 16 bytes, to remember every case of a large file."""
    return hashlib.sha256(input_key(data).encode()).digest()[:16]


def parse_line(line: str) -> Any:
    """One line's JSON, as JSON means it; ``ValueError`` saying what is wrong otherwise."""
    try:
        data = json.loads(line, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        if isinstance(exc, _NotJSONNumber):
            raise
        raise ValueError(f"not JSON: {exc}") from None
    problem = json_value_problem(data)
    if problem:
        raise ValueError(problem)
    return data


class _NotJSONNumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJSONNumber(f"{name} is not a JSON number (JSON has no NaN or infinity)")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NotJSONNumber(f"the number {text[:30]} is too large")
    return number


def json_value_problem(data: Any) -> str:
    """What makes an already parsed value no JSON a database stores ("" if nothing): a NaN or
    infinite number, or nesting deeper than ``MAX_DEPTH``. Checked without recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value} is not a JSON number (JSON has no NaN or infinity)"
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return ""


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(number, text) of every line, read one at a time; text is None for a line longer than
    ``MAX_LINE_CHARS``, whose rest is skipped without being kept."""
    with path.open(encoding="utf-8") as file:
        number = 0
        while True:
            line = file.readline(MAX_LINE_CHARS + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
                while line and not line.endswith("\n"):
                    line = file.readline(MAX_LINE_CHARS)
                yield number, None
            else:
                yield number, line.removesuffix("\n")


def check_case(
    data: Any, *, feature: Feature, site_input: Mapping[str, Any], shared_input: Mapping[str, Any]
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
            problems += _check_input(case_input, feature, shared_input)

    expected = data.get("expected")
    if "expected" in data:
        if not isinstance(expected, dict):
            problems.append("expected: a JSON object")
        else:
            problems += _check_expected(expected, feature, site_input)
    return problems


def _check_input(
    case_input: dict[str, Any], feature: Feature, shared_input: Mapping[str, Any]
) -> list[str]:
    stand_in = feature.site_input_example
    added = sorted((stand_in.keys() | shared_input.keys()) & case_input.keys())
    if added:
        return [f"input: leave out {', '.join(added)}: the run adds them"]
    try:
        feature.input_schema.model_validate({**stand_in, **shared_input, **case_input})
    except ValidationError as exc:
        return [f"input: {summarise_validation_error(exc)}"]
    return []


def _check_expected(
    expected: dict[str, Any], feature: Feature, site_input: Mapping[str, Any]
) -> list[str]:
    try:
        expectation = expectation_of(feature).model_validate(expected)
    except ValidationError as exc:
        return [f"expected: {summarise_validation_error(exc)}"]
    if feature.check_expected is None:
        return []
    return feature.check_expected(expectation, site_input)


@dataclass
class CheckedDataset:
    """A file whose every line was checked: how many cases, their content hash, and the line of
    each input (by digest)."""

    count: int
    content_hash: str
    line_of_input: dict[bytes, int] = field(repr=False)


def check_dataset(
    path: Path,
    *,
    feature: Feature,
    site_input: Mapping[str, Any],
    shared_input: Mapping[str, Any],
    prompt: str,
    holdout: bool,
) -> CheckedDataset:
    """Check every line of the file at ``path``; ``DatasetFileError`` with every problem in it.

    ``site_input`` (what the site gives the feature now; may be empty) lets a feature check
    expectations against the site's (an expected value the site has not); ``shared_input`` is what
    the run adds to every input; ``prompt`` and ``holdout`` go into the content hash.
    """
    problems: list[str] = []
    total_problems = 0
    hasher = ContentHasher()
    line_of_input: dict[bytes, int] = {}

    def problem(text: str) -> None:
        nonlocal total_problems
        total_problems += 1
        if len(problems) < MAX_PROBLEMS_KEPT:
            problems.append(text)

    try:
        for number, line in _lines(path):
            if line is None:
                problem(f"line {number}: longer than {MAX_LINE_CHARS:,} characters")
                continue
            if not line.strip():
                continue
            try:
                data = parse_line(line)
            except ValueError as exc:
                problem(f"line {number}: {exc}")
                continue
            found = check_case(
                data, feature=feature, site_input=site_input, shared_input=shared_input
            )
            if found:
                for text in found:
                    problem(f"line {number}: {text}")
                continue
            digest = input_digest(data["input"])
            if digest in line_of_input:
                problem(f"line {number}: the same input as line {line_of_input[digest]}")
                continue
            line_of_input[digest] = number
            hasher.add(data["input"], data["expected"], data.get("tags", []))
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetFileError(path, [f"cannot read the file: {exc}"]) from None
    if not hasher.count and not total_problems:
        problem("no cases (one JSON object a line)")
    if total_problems:
        raise DatasetFileError(path, problems, total_problems)
    content = hasher.hexdigest(prompt=prompt, shared_input=shared_input, holdout=holdout)
    return CheckedDataset(hasher.count, content, line_of_input)


def iter_cases(path: Path) -> Iterator[CaseLine]:
    """The cases of a file that ``check_dataset`` passed, one line at a time."""
    for number, line in _lines(path):
        if line is None or not line.strip():
            continue
        data = parse_line(line)
        yield CaseLine(number, data["input"], data["expected"], data.get("tags", []))
