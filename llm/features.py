"""AI features: each one a folder in the app that owns its domain, found as Django finds admin.py.

A feature is one prompt and everything that makes it work and makes it testable: its input and
output schemas, the offline answer that stands in for a model, how its answers are scored, its
datasets and its evaluation gate, and the experiment feature that serves its versions. The app
registers it once, in ``<app>/ai_features/<name>/__init__.py``::

    FEATURE = llm.register(
        llm.Feature(
            name="ticket_triage",
            folder=Path(__file__).parent,
            input_schema=TicketInput,
            output_schema=Triage,
            ...
        )
    )

and its folder holds ``prompt.toml`` (the prompt's source), ``dataset.jsonl`` and
``holdout.jsonl`` (evaluation cases) and, when the cases share some input, ``shared_input.json``.

``llm`` imports every installed app's ``ai_features`` subpackages the first time a feature is
looked up (``discover``), then runs them, versions their prompts, logs and caches their calls and
evaluates them, without naming any of them. ``manage.py startfeature APP NAME`` writes a folder
that works as it is.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from django.apps import apps
from pydantic import BaseModel

from .evaluation.figures import Figure
from .schemas import BaseInput
from .scores import Scale

PROMPT_FILE = "prompt.toml"
DATASET_FILE = "dataset.jsonl"
HOLDOUT_FILE = "holdout.jsonl"
SHARED_INPUT_FILE = "shared_input.json"
HOLDOUT_SUFFIX = "_holdout"
FOLDER = "ai_features"  # the package, in an app, whose subpackages are its features

# (expected, answer or None for a failed call, the site input the run gave) → the case's scores,
# with "passed". See llm.evaluation.scoring for the generic one and the shapes of scores.
Scorer = Callable[[Mapping[str, Any], Mapping[str, Any] | None, Mapping[str, Any]], dict[str, Any]]


class FeatureError(LookupError):
    """A feature that is not registered, or registered twice; the message says which."""


@dataclass(frozen=True)
class Gate:
    """The evaluation gate's thresholds: ``make eval-gate`` fails below them on the feature's
    development dataset. Start low, and raise them to just below what the feature scores."""

    min_accuracy: float = 0.0
    min_pass_rate: float = 0.0


@dataclass(frozen=True)
class Feature:
    """One AI feature, as its app registers it (see the module's docstring)."""

    name: str  # the prompt's name: llm.run(name, ...), sync_prompts, run_eval --prompt
    folder: Path
    input_schema: type[BaseInput]
    output_schema: type[BaseModel]
    description: str = ""
    # What every call gets from the site when its input has none of it (its current choices),
    # and what an evaluation run keeps with it so it can be read after the site changes.
    site_input: Callable[[], dict[str, Any]] | None = None
    # A schema-valid stand-in for it, to check a dataset's inputs with when the site has none.
    site_input_example: dict[str, Any] = field(default_factory=dict)
    # The offline model's answer (a dict the output schema validates). None: a placeholder built
    # from the output schema (llm.offline.placeholder), so the feature works with no key.
    offline: Callable[[Any], dict[str, Any]] | None = None
    # A feature that only a real model can do (a judge grading prose): no offline answer at all.
    needs_real_model: bool = False
    # What a case may expect (a pydantic model) and how an answer is scored against it. None:
    # every field of the output schema, optional, compared one by one
    # (llm.evaluation.scoring.compare_fields).
    expectation: type[BaseModel] | None = None
    scorer: Scorer | None = None
    # Checks of a case's expectation against the site input, beyond its schema (an expected
    # value the site does not offer): problems as text.
    check_expected: Callable[[BaseModel, Mapping[str, Any]], list[str]] | None = None
    # The figure run_eval --min-accuracy reads, and the feature's own figures, in display order.
    accuracy_figure: str = "fields_match_rate"
    figures: tuple[Figure, ...] = ()
    gate: Gate | None = None
    # A judge feature that grades the answers when a real model answers, and the judge's input
    # made from a case's input and the answer.
    judge: str = ""
    judge_input: Callable[[Mapping[str, Any], BaseModel], dict[str, Any]] | None = None
    # The experiments feature (experiments.api.variant_for) that serves this prompt's versions.
    experiment: str = ""
    # A case's expectation from one of its answers (the parsed output), when a call of it becomes
    # an evaluation case. None: the answer's fields that an expectation has, as they are.
    expected_from_answer: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    # What a person made of a call's answer, by the call's id, when the app knows (the listing a
    # seller published with a suggestion): preferred to the answer itself. None: not known.
    expected_from_call: Callable[[int], dict[str, Any] | None] | None = None
    # The scores its calls may get, each with its range (llm.scores): people's reactions, a
    # judge's grades.
    scores: tuple[Scale, ...] = ()

    @property
    def prompt_file(self) -> Path:
        return self.folder / PROMPT_FILE

    @property
    def datasets(self) -> dict[str, Path]:
        """Its dataset files by dataset name: ``NAME`` and ``NAME_holdout``, those that exist."""
        files = {self.name: self.folder / DATASET_FILE}
        files[self.name + HOLDOUT_SUFFIX] = self.folder / HOLDOUT_FILE
        return {name: path for name, path in files.items() if path.is_file()}

    @cached_property
    def shared_input(self) -> dict[str, Any]:
        """What every case of its datasets adds to its input (``shared_input.json``)."""
        path = self.folder / SHARED_INPUT_FILE
        if not path.is_file():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise FeatureError(f"{path}: a JSON object, not {type(data).__name__}")
        return data

    def current_site_input(self) -> dict[str, Any]:
        return self.site_input() if self.site_input is not None else {}

    @property
    def has_dataset_schema(self) -> bool:
        """Whether its calls can become evaluation cases: it says what a case expects
        (``expectation=``) or has a dataset file whose cases the generic comparison reads."""
        return self.expectation is not None or bool(self.datasets)

    def figure(self, key: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.key == key), None)


_registry: dict[str, Feature] = {}
_discovered = False
_lock = threading.RLock()


def register(feature: Feature) -> Feature:
    """Add ``feature`` to the registry; returns it. A second feature of the same name is a
    mistake (two folders, one prompt), unless it is the same folder imported again."""
    with _lock:
        existing = _registry.get(feature.name)
        if existing is not None and existing.folder.resolve() != feature.folder.resolve():
            raise FeatureError(
                f"two features named {feature.name!r}: {existing.folder} and {feature.folder}"
            )
        _registry[feature.name] = feature
    return feature


def discover() -> None:
    """Import each installed app's feature folders (once): the subpackages of its
    ``ai_features`` package that hold a ``prompt.toml``. Their ``__init__`` registers them."""
    global _discovered
    with _lock:
        if _discovered:
            return
        _discovered = True
        for config in apps.get_app_configs():
            package_name = f"{config.name}.{FOLDER}"
            if not (Path(config.path) / FOLDER / "__init__.py").is_file():
                continue
            package = importlib.import_module(package_name)
            for module in pkgutil.iter_modules(package.__path__):
                # A feature folder has its prompt; other subpackages are what features share.
                folder = Path(config.path) / FOLDER / module.name
                if module.ispkg and (folder / PROMPT_FILE).is_file():
                    importlib.import_module(f"{package_name}.{module.name}")


def rediscover() -> None:
    """Look for feature folders again at the next lookup (one was just made). Features found
    before stay registered: their modules are imported already, and would not register again."""
    global _discovered
    with _lock:
        _discovered = False
        importlib.invalidate_caches()


def unregister(name: str) -> None:
    """Take a feature out of the registry (its folder is gone: a test's temporary app)."""
    with _lock:
        _registry.pop(name, None)


def all_features() -> list[Feature]:
    discover()
    return sorted(_registry.values(), key=lambda feature: feature.name)


def get(name: str) -> Feature:
    """The feature ``name``; ``FeatureError`` naming the known ones otherwise."""
    discover()
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise FeatureError(
            f"no AI feature named {name!r} (features: {known}); an app registers one in "
            f"<app>/{FOLDER}/<name>/__init__.py (manage.py startfeature APP NAME)"
        ) from None


def find(name: str) -> Feature | None:
    discover()
    return _registry.get(name)


def for_dataset(dataset: str) -> Feature | None:
    """The feature a dataset name belongs to: ``NAME_holdout`` → ``NAME``."""
    return find(dataset.removesuffix(HOLDOUT_SUFFIX))


def shipped_datasets() -> Iterator[tuple[str, Path, Feature]]:
    """Every dataset file of every feature: (dataset name, path, feature)."""
    for feature in all_features():
        for name, path in feature.datasets.items():
            yield name, path, feature


def _schemas(kind: str) -> dict[str, type[BaseModel]]:
    return {getattr(feature, kind).__name__: getattr(feature, kind) for feature in all_features()}


def input_schema(name: str) -> type[BaseInput]:
    """A registered input schema by class name (what a prompt version stores)."""
    schema = _schemas("input_schema").get(name)
    if schema is None:
        raise FeatureError(f"no AI feature has the input schema {name!r}")
    assert issubclass(schema, BaseInput)
    return schema


def output_schema(name: str) -> type[BaseModel]:
    """A registered output schema by class name (what a prompt version stores)."""
    schema = _schemas("output_schema").get(name)
    if schema is None:
        raise FeatureError(f"no AI feature has the output schema {name!r}")
    return schema


def with_site_input(feature: Feature, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with what the site gives every call of the feature, where ``data`` has none."""
    site = feature.current_site_input()
    return {**{key: value for key, value in site.items() if key not in data}, **data}
