"""The evaluation's writes (loading datasets; creating, finishing, cancelling runs) and the summary
of a run's results."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import features
from ..errors import PromptRefError
from ..features import Feature, FeatureError
from ..models import LLMCall, Prompt, PromptVersion
from ..providers import get_provider
from ..registry import resolve_prompt
from . import datasets
from .models import EvalCase, EvalDataset, EvalResult, EvalRun
from .scoring import expectation_of
from .summary import JUDGE_NEEDS_A_REAL_MODEL, ResultRow, summarise

# judge= in create_run: the feature's own judge, if it has one.
FEATURES_JUDGE = "feature's judge"


class EvaluationError(ValueError):
    """A dataset or a run that cannot be made as asked; the message says why."""


def feature_of(prompt_name: str) -> Feature:
    try:
        return features.get(prompt_name)
    except FeatureError as exc:
        raise EvaluationError(str(exc)) from None


def _latest_version(prompt_name: str) -> PromptVersion:
    version = (
        PromptVersion.objects.select_related("prompt")
        .filter(prompt__name=prompt_name)
        .order_by("-number")
        .first()
    )
    if version is None:
        known = ", ".join(Prompt.objects.values_list("name", flat=True)) or "none"
        raise EvaluationError(
            f"no prompt named {prompt_name!r} (known: {known}); name it with --prompt"
        )
    return version


# --- Datasets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedDataset:
    dataset: EvalDataset
    # "created", "unchanged", "replaced" (a version without runs, in place) or "new version"
    action: str


def load_dataset(
    path: Path,
    *,
    name: str | None = None,
    prompt_name: str | None = None,
    holdout: bool | None = None,
    replace: bool = False,
    shared_input: dict[str, Any] | None = None,
) -> LoadedDataset:
    """Load the JSONL file at ``path`` as the dataset ``name`` (default: a feature's file, its
    dataset's name, ``NAME`` or ``NAME_holdout``; any other file, the file's name), with
    ``shared_input`` added to every case (default: the feature's ``shared_input.json``).

    Every line is checked first; a file with any bad line loads nothing
    (``datasets.DatasetFileError``). The same content again changes nothing. Changed content
    needs ``replace``: the current version is replaced in place when it has no runs, else a new
    version is made, so that every run keeps the cases it was scored on.
    """
    name = name or _feature_dataset_name(path) or datasets.dataset_name(path)
    holdout = datasets.is_holdout_name(name) if holdout is None else holdout
    version = _latest_version(prompt_name or _prompt_named_by(name, path))
    prompt_name = version.prompt.name
    feature = feature_of(prompt_name)
    shared_input = dict(feature.shared_input if shared_input is None else shared_input)
    checked = datasets.check_dataset(
        path,
        feature=feature,
        site_input=feature.current_site_input(),
        shared_input=shared_input,
        prompt=prompt_name,
        holdout=holdout,
    )
    _check_holdout_apart(path, name, holdout, checked)
    digest = checked.content_hash

    with transaction.atomic():
        current = EvalDataset.objects.select_for_update().filter(name=name).order_by("-version")
        dataset = current.first()
        if dataset is not None and dataset.content_hash == digest:
            return LoadedDataset(dataset, "unchanged")
        if dataset is not None and not replace:
            raise EvaluationError(
                f"{dataset} has other cases than {path}; load it with --replace to replace them "
                "(a version that has runs is kept, and the file becomes a new version)"
            )
        fields = {
            "prompt": version.prompt,
            "is_holdout": holdout,
            "source_path": _display_path(path),
            "content_hash": digest,
            "shared_input": shared_input,
        }
        if dataset is None:
            dataset = EvalDataset.objects.create(name=name, version=1, **fields)
            action = "created"
        elif not dataset.runs.exists():
            dataset.cases.all().delete()
            for field, value in fields.items():
                setattr(dataset, field, value)
            dataset.created_at = timezone.now()
            dataset.save()
            action = "replaced"
        else:
            dataset = EvalDataset.objects.create(name=name, version=dataset.version + 1, **fields)
            action = "new version"
        _insert_cases(dataset, path, checked, prompt=prompt_name, shared_input=shared_input)
    return LoadedDataset(dataset, action)


LOAD_BATCH = 1000


def _insert_cases(
    dataset: EvalDataset,
    path: Path,
    checked: datasets.CheckedDataset,
    *,
    prompt: str,
    shared_input: dict[str, Any],
) -> None:
    """Insert the checked file's cases a batch at a time (never the whole file in memory).

    The file is read a second time, so it is hashed again: a file changed since it was checked
    rolls the load back rather than loading cases nobody checked.
    """
    hasher = datasets.ContentHasher()
    batch: list[EvalCase] = []
    try:
        for position, case in enumerate(datasets.iter_cases(path), start=1):
            hasher.add(case.input, case.expected, case.tags)
            batch.append(
                EvalCase(
                    dataset=dataset,
                    position=position,
                    input=case.input,
                    expected=case.expected,
                    tags=case.tags,
                )
            )
            if len(batch) == LOAD_BATCH:
                EvalCase.objects.bulk_create(batch)
                batch = []
    except (OSError, ValueError) as exc:  # unreadable, or a line no longer valid JSON
        raise EvaluationError(
            f"{path} changed while it was loaded ({exc}); nothing loaded"
        ) from None
    EvalCase.objects.bulk_create(batch)
    digest = hasher.hexdigest(prompt=prompt, shared_input=shared_input, holdout=dataset.is_holdout)
    if (hasher.count, digest) != (checked.count, checked.content_hash):
        raise EvaluationError(f"{path} changed while it was loaded; nothing loaded")


def _feature_dataset_name(path: Path) -> str | None:
    """The dataset's name if ``path`` is one of a feature's files (its dataset.jsonl is named
    after the feature, not "dataset")."""
    resolved = path.resolve()
    return next(
        (name for name, shipped, _ in features.shipped_datasets() if shipped.resolve() == resolved),
        None,
    )


def _prompt_named_by(name: str, path: Path) -> str:
    """The prompt a dataset is for, by the dataset's name or else by its file's name."""
    candidates = [datasets.prompt_name_for(name), datasets.prompt_name_for(path.stem)]
    known = set(Prompt.objects.filter(name__in=candidates).values_list("name", flat=True))
    return next((candidate for candidate in candidates if candidate in known), candidates[0])


def _check_holdout_apart(
    path: Path, name: str, holdout: bool, checked: datasets.CheckedDataset
) -> None:
    """A held-out case must not also be a development case: it would be tuned on."""
    sibling_name = datasets.prompt_name_for(name) if holdout else name + datasets.HOLDOUT_SUFFIX
    sibling = EvalDataset.objects.current(sibling_name)
    if sibling is None:
        return
    shared = sorted(
        (checked.line_of_input[digest], position)
        for position, case_input in sibling.cases.values_list("position", "input").iterator()
        if (digest := datasets.input_digest(case_input)) in checked.line_of_input
    )
    problems = [
        f"line {line}: the same input as case #{position} of {sibling}" for line, position in shared
    ]
    if problems:
        raise datasets.DatasetFileError(
            path, [*problems, "a held-out set and its development set must not share cases"]
        )


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def load_shipped_datasets(*, replace: bool = False) -> list[LoadedDataset]:
    """Every feature's dataset files, each under its dataset name."""
    return [
        load_dataset(path, name=name, prompt_name=feature.name, replace=replace)
        for name, path, feature in features.shipped_datasets()
    ]


def dataset_for_run(name: str) -> EvalDataset:
    """The current version of dataset ``name``, loading its feature's file if the database has
    none yet."""
    dataset = EvalDataset.objects.current(name)
    if dataset is not None:
        return dataset
    feature = features.for_dataset(name)
    path = feature.datasets.get(name) if feature is not None else None
    if feature is None or path is None:
        loaded = ", ".join(sorted(set(EvalDataset.objects.values_list("name", flat=True))))
        shipped = ", ".join(name for name, _, _ in features.shipped_datasets())
        raise EvaluationError(
            f"no dataset named {name!r} (loaded: {loaded or 'none'}; "
            f"the features' files: {shipped or 'none'})"
        )
    return load_dataset(path, name=name, prompt_name=feature.name).dataset


def file_differs(dataset: EvalDataset) -> bool:
    """Whether the dataset's source file now says something else than the loaded cases (a
    file that no longer loads differs too)."""
    path = Path(settings.BASE_DIR) / dataset.source_path
    if not dataset.source_path or not path.exists():
        return False
    feature = features.find(dataset.prompt.name)
    if feature is None:
        return False
    try:
        checked = datasets.check_dataset(
            path,
            feature=feature,
            site_input={},
            shared_input=dataset.shared_input,
            prompt=dataset.prompt.name,
            holdout=dataset.is_holdout,
        )
    except datasets.DatasetFileError:
        return True
    return checked.content_hash != dataset.content_hash


def refresh_content_hash(dataset: EvalDataset) -> None:
    """After cases were edited in the admin: the hash of what the cases now say."""
    cases = [
        datasets.CaseLine(position, case_input, expected, tags)
        for position, case_input, expected, tags in dataset.cases.order_by("position").values_list(
            "position", "input", "expected", "tags"
        )
    ]
    dataset.content_hash = datasets.content_hash(
        cases,
        prompt=dataset.prompt.name,
        shared_input=dataset.shared_input,
        holdout=dataset.is_holdout,
    )
    dataset.save(update_fields=["content_hash"])


# --- Runs ---------------------------------------------------------------------------------------


def site_input_hash(site_input: dict[str, Any]) -> str:
    canonical = json.dumps(site_input, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_run(
    dataset: EvalDataset,
    prompt_ref: str | PromptVersion,
    *,
    provider: str | None = None,
    model: str = "",
    concurrency: int = 4,
    judge: str | None = FEATURES_JUDGE,
    user: Any = None,
    note: str = "",
) -> EvalRun:
    """A queued run of a prompt version over a dataset, with a pending result per case.

    The feature's site input is taken from the site now and kept with the run. The feature's
    judge grades the answers when the provider is a real model and the feature has one;
    ``judge=None`` turns it off.
    """
    version = prompt_ref if isinstance(prompt_ref, PromptVersion) else resolve_prompt(prompt_ref)
    if version.prompt_id != dataset.prompt_id:
        raise EvaluationError(f"{dataset} is a dataset for {dataset.prompt}, not {version.prompt}")
    if concurrency < 1:
        raise EvaluationError("the concurrency is at least 1")
    feature = feature_of(version.prompt.name)
    backend = get_provider(provider)
    site_input = feature.current_site_input()
    if feature.site_input is not None and not any(site_input.values()):
        raise EvaluationError(
            f"the site gives {feature.name} nothing to work with ({', '.join(site_input) or 'no'}"
            " site input): is the database empty?"
        )
    judge_version = None
    judge_name = feature.judge if judge == FEATURES_JUDGE else judge
    if judge_name and feature.judge and backend.name != "offline":
        try:
            judge_version = resolve_prompt(judge_name)
        except PromptRefError as exc:
            raise EvaluationError(f"the judge: {exc}") from None

    with transaction.atomic():
        run = EvalRun.objects.create(
            dataset=dataset,
            prompt_version=version,
            provider=backend.name,
            model=model,
            judge_version=judge_version,
            concurrency=concurrency,
            site_input=site_input,
            site_input_hash=site_input_hash(site_input),
            is_holdout=dataset.is_holdout,
            note=note[:200],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        case_ids = list(dataset.cases.order_by("position").values_list("id", flat=True))
        EvalResult.objects.bulk_create(EvalResult(run=run, case_id=pk) for pk in case_ids)
        run.total = len(case_ids)
        run.save(update_fields=["total"])
    return run


UNFINISHED = [EvalResult.Status.PENDING, EvalResult.Status.QUEUED, EvalResult.Status.RUNNING]


def start_run(run_id: int) -> bool:
    """queued → running; False if the run was started already (or cancelled)."""
    return bool(
        EvalRun.objects.filter(pk=run_id, status=EvalRun.Status.QUEUED).update(
            status=EvalRun.Status.RUNNING, started_at=timezone.now()
        )
    )


def finish_result(result_id: int, run_id: int, **fields: Any) -> bool:
    """Store a case's outcome and count it in its run, once.

    Only the attempt that finds the case unfinished finishes it (a redelivered task finds it
    done), and the run's counters move in the same transaction as the result.
    """
    status = fields["status"]
    with transaction.atomic(savepoint=False):
        finished = EvalResult.objects.filter(pk=result_id, status__in=UNFINISHED).update(
            finished_at=timezone.now(), **fields
        )
        if not finished:
            return False
        EvalRun.objects.filter(pk=run_id).update(
            done=F("done") + 1,
            failed=F("failed") + (1 if status == EvalResult.Status.FAILED else 0),
        )
    return True


def finish_run(run_id: int) -> bool:
    """Summarise a running run whose cases are all done, and mark it succeeded (once)."""
    run = EvalRun.objects.select_related("dataset", "prompt_version__prompt").get(pk=run_id)
    if run.status != EvalRun.Status.RUNNING or run.done < run.total:
        return False
    summary = summarise_run(run)
    return bool(
        EvalRun.objects.filter(pk=run_id, status=EvalRun.Status.RUNNING).update(
            status=EvalRun.Status.SUCCEEDED, summary=summary, finished_at=timezone.now()
        )
    )


def cancel_run(run: EvalRun) -> bool:
    """Stop a queued or running run: cases not started yet are not started. What finished is
    summarised (a partial summary)."""
    stopped = EvalRun.objects.filter(
        pk=run.pk, status__in=[EvalRun.Status.QUEUED, EvalRun.Status.RUNNING]
    ).update(status=EvalRun.Status.CANCELLED, finished_at=timezone.now())
    if stopped:
        run.refresh_from_db()
        run.summary = {**summarise_run(run), "partial": True}
        run.save(update_fields=["summary"])
    return bool(stopped)


def fail_run(run_id: int, error: str) -> None:
    """The run could not go on (not a case: the run itself)."""
    EvalRun.objects.filter(
        pk=run_id, status__in=[EvalRun.Status.QUEUED, EvalRun.Status.RUNNING]
    ).update(status=EvalRun.Status.FAILED, error=error[:2000], finished_at=timezone.now())


# --- Summaries ------------------------------------------------------------------------------------


def judge_note(run: EvalRun) -> str | None:
    """Why a run has no judge's grades (None: it has them)."""
    if run.judge_version_id is not None:
        return None
    feature = features.find(run.prompt_version.prompt.name)
    if feature is None or not feature.judge:
        return "n/a: no judge for this feature"
    if run.provider == "offline":
        return JUDGE_NEEDS_A_REAL_MODEL
    return "n/a: turned off for this run"


def summarise_run(run: EvalRun) -> dict[str, Any]:
    """The figures of the run's finished results (``summary.summarise``)."""
    rows = [
        ResultRow(
            ok=status == EvalResult.Status.OK,
            passed=passed,
            scores=scores,
            tags=tags,
            latency_ms=latency_ms,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost=cost,
            error_kind=error_kind,
        )
        for status, passed, scores, tags, latency_ms, input_tokens, output_tokens, cost, error_kind
        in run.results.finished().values_list(
            "status",
            "passed",
            "scores",
            "case__tags",
            "latency_ms",
            "input_tokens",
            "output_tokens",
            "cost",
            "error_kind",
        )
    ]  # fmt: skip
    feature = features.find(run.prompt_version.prompt.name)
    accuracy = feature.accuracy_figure if feature is not None else ""
    return summarise(rows, judge_note=judge_note(run), accuracy=accuracy)


# --- Cases from production calls --------------------------------------------------------------

FROM_PRODUCTION_TAG = "from-production"


@dataclass(frozen=True)
class AddedCases:
    dataset: EvalDataset  # the new version
    added: int
    # (call id, why it was left out): its input is a case already
    skipped: list[tuple[int, str]]


def expected_from_call(call: LLMCall) -> dict[str, Any] | None:
    """What a case made of ``call`` expects by default: what a person kept of its answer, when
    the feature knows (``expected_from_call``), else its answer, as the feature's expectation
    reads it (None: the call has no answer to take)."""
    feature = _feature_with_schema(call.prompt_version.prompt.name)
    if feature.expected_from_call is not None:
        kept = feature.expected_from_call(call.pk)
        if kept is not None:
            return kept
    if call.parsed_output is None:
        return None
    if feature.expected_from_answer is not None:
        return feature.expected_from_answer(call.parsed_output)
    fields = expectation_of(feature).model_fields
    return {key: value for key, value in call.parsed_output.items() if key in fields}


def _feature_with_schema(prompt_name: str) -> Feature:
    feature = features.find(prompt_name)
    if feature is None:
        raise EvaluationError(
            f"{prompt_name} is no registered AI feature's prompt: its calls cannot become cases"
        )
    if not feature.has_dataset_schema:
        raise EvaluationError(
            f"{prompt_name} has no dataset schema (no expectation= in its registration and no "
            "dataset file): its calls cannot become evaluation cases"
        )
    return feature


def add_calls_to_dataset(
    calls: list[LLMCall],
    dataset_name: str,
    *,
    expected: dict[int, dict[str, Any]] | None = None,
    tags: list[str] | None = None,
) -> AddedCases:
    """Make a new version of dataset ``dataset_name`` (the first, if there is none) with its
    cases and one more per call: the call's input (without what a run adds) and, as the
    expected answer, ``expected[call.pk]`` (a person's correction) or else the call's answer.

    Every new case is checked as a line of a dataset file; any problem refuses them all
    (``EvaluationError`` naming the calls). A call whose input is a case already is skipped.
    The old version stays as it was, so its runs keep their cases.
    """
    if not calls:
        raise EvaluationError("no calls selected")
    prompts = {call.prompt_version.prompt.name for call in calls}
    if len(prompts) > 1:
        raise EvaluationError(
            f"the calls are of several prompts ({', '.join(sorted(prompts))}): a dataset is for one"
        )
    prompt_name = prompts.pop()
    feature = _feature_with_schema(prompt_name)
    expected = expected or {}
    tags = tags if tags is not None else [FROM_PRODUCTION_TAG]

    with transaction.atomic():
        current = (
            EvalDataset.objects.select_for_update()
            .filter(name=dataset_name)
            .order_by("-version")
            .first()
        )
        if current is not None and current.prompt.name != prompt_name:
            raise EvaluationError(
                f"{current} is a dataset for {current.prompt}, not for {prompt_name}"
            )
        shared_input = current.shared_input if current is not None else feature.shared_input
        added_by_run = feature.site_input_example.keys() | shared_input.keys()
        known = (
            {
                datasets.input_digest(value)
                for value in current.cases.values_list("input", flat=True)
            }
            if current is not None
            else set()
        )
        problems: list[str] = []
        skipped: list[tuple[int, str]] = []
        new_cases: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for call in calls:
            case_input = {
                key: value for key, value in call.input.items() if key not in added_by_run
            }
            answer = expected.get(call.pk, expected_from_call(call))
            if answer is None:
                problems.append(f"call #{call.pk} has no answer ({call.status}): correct it")
                continue
            digest = datasets.input_digest(case_input)
            if digest in known:
                skipped.append((call.pk, "its input is a case of the dataset already"))
                continue
            found = datasets.check_case(
                {"input": case_input, "expected": answer, "tags": tags},
                feature=feature,
                site_input=feature.current_site_input(),
                shared_input=shared_input,
            )
            problems += [f"call #{call.pk}: {problem}" for problem in found]
            known.add(digest)
            new_cases.append((case_input, answer))
        if problems:
            raise EvaluationError("; ".join(problems))
        if not new_cases:
            raise EvaluationError(
                "nothing to add: " + "; ".join(f"call #{pk}: {why}" for pk, why in skipped)
            )
        dataset = EvalDataset.objects.create(
            name=dataset_name,
            version=current.version + 1 if current is not None else 1,
            prompt=calls[0].prompt_version.prompt,
            description=current.description if current is not None else "",
            is_holdout=current.is_holdout
            if current is not None
            else datasets.is_holdout_name(dataset_name),
            source_path=current.source_path if current is not None else "",
            content_hash="",
            shared_input=shared_input,
        )
        old_cases: Iterable[tuple[Any, Any, Any]] = (
            current.cases.order_by("position").values_list("input", "expected", "tags").iterator()
            if current is not None
            else ()
        )
        added = ((case_input, answer, tags) for case_input, answer in new_cases)
        batch: list[EvalCase] = []
        for position, (case_input, answer, case_tags) in enumerate(chain(old_cases, added), 1):
            batch.append(
                EvalCase(
                    dataset=dataset,
                    position=position,
                    input=case_input,
                    expected=answer,
                    tags=case_tags,
                )
            )
            if len(batch) == LOAD_BATCH:
                EvalCase.objects.bulk_create(batch)
                batch = []
        EvalCase.objects.bulk_create(batch)
        refresh_content_hash(dataset)
    return AddedCases(dataset, len(new_cases), skipped)


def dump_dataset(dataset: EvalDataset, path: Path, *, force: bool = False) -> int:
    """Write the dataset's cases to ``path`` as JSONL, one case a line, as the dataset files
    are written (what was curated in the admin goes back to the files CI reads). An existing
    file is kept unless ``force``. Returns the number of cases written."""
    if path.exists() and not force:
        raise EvaluationError(f"{path} exists: give --force to overwrite it")
    if path.is_dir():
        raise EvaluationError(f"{path} is a directory")
    temporary = path.with_name(f".{path.name}.tmp")
    count = 0
    with temporary.open("w", encoding="utf-8") as out:
        for case_input, expected, tags in (
            dataset.cases.order_by("position").values_list("input", "expected", "tags").iterator()
        ):
            line = {"input": case_input, "expected": expected, "tags": tags}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    temporary.replace(path)  # whole or not at all: CI never reads half a file
    return count
