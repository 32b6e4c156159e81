"""Running an evaluation's cases: in threads in this process, or as Celery tasks.

One case is a ``CaseTask``: claim the result (on workers), ask the model
(``llm.runner.prepare``, ``send``, ``record``), ask the judge when the run has one, score the
answer, store it. Any failure of a case (a timeout, an invalid answer, an input that does not
fit, even a bug) is stored as a failed result and counted; it never stops the run.

Two ways to run the cases, with the same ``CaseTask``:

- ``run_in_process``: the shell's way, and the only one in the embedded mode (eager Celery, no
  broker). At most ``run.concurrency`` model calls wait in a thread pool; everything that
  touches the database stays on the calling thread, because SQLite takes one writer at a time
  (and its in-memory test database none from other threads). The offline model answers in the
  calling thread too: it reads the database, and it is CPU-bound, so threads would not help it.
- ``enqueue_run``: a Celery task starts the run and queues ``run.concurrency`` case tasks; each
  case task, once done, queues the next pending case. So at most ``concurrency`` cases are
  queued or running at any time, with no coordinator left waiting (a worker's own concurrency
  caps it further).
"""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .. import features, tracing
from ..errors import LLMError, LLMInputError
from ..features import Feature
from ..runner import Attempt, LLMResult, PreparedCall, prepare, record, send
from .models import EvalResult, EvalRun
from .scoring import score_case
from .services import (
    EvaluationError,
    cancel_run,
    fail_run,
    finish_result,
    finish_run,
    start_run,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int, int], None]  # (done, failed, total)
# How often a run in this process looks whether it was cancelled (in the admin).
CANCEL_CHECK_SECONDS = 1.0
# The thread that does a run's database work gives up the interpreter lock at every query and
# then waits to get it back behind the threads parsing the model's answers: up to the switch
# interval each time (5 ms by default), which made it the bottleneck on Postgres. A shorter one
# while the run lasts keeps it from queueing.
SWITCH_INTERVAL_SECONDS = 0.0005


@contextmanager
def _short_switch_interval() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, SWITCH_INTERVAL_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@dataclass(frozen=True)
class RunContext:
    """What every case of a run reads: the run (with its dataset and versions) and its
    feature. Read once per run, not per case."""

    run: EvalRun
    feature: Feature

    @classmethod
    def of(cls, run: EvalRun) -> RunContext:
        return cls(run, features.get(run.prompt_version.prompt.name))


CLAIMABLE = [
    EvalResult.Status.PENDING,
    EvalResult.Status.QUEUED,
    # A worker that died mid-case has its task redelivered: the case is taken again.
    EvalResult.Status.RUNNING,
]


class CaseTask:
    """One case of a run, step by step, so that its model calls can wait in another thread.

    ``CaseTask.begin(result_id)`` claims the case (None: not this caller's to run) and prepares
    its first call, ``next_call``; while there is one, ``advance(send(call))`` takes in what
    came back and gives the next one (the answer's, then the judge's), until the case is stored.
    """

    def __init__(self, result: EvalResult, run: RunContext) -> None:
        self.result = result
        self.context = run
        self.run = run.run
        self.case = result.case
        self.next_call: PreparedCall | None = None
        self.answer: LLMResult | None = None
        self.status = result.status  # ok or failed once finished

    @classmethod
    def begin(cls, result_id: int) -> CaseTask | None:
        """Claim a case of a running run and prepare its call; None if it is not to be run
        (finished already, or its run was cancelled)."""
        result = (
            EvalResult.objects.select_related(
                "case", "run__dataset", "run__prompt_version__prompt", "run__judge_version"
            )
            .filter(pk=result_id, status__in=CLAIMABLE, run__status=EvalRun.Status.RUNNING)
            .first()
        )
        return None if result is None else cls.claim(result, RunContext.of(result.run))

    @classmethod
    def claim(cls, result: EvalResult, run: RunContext) -> CaseTask | None:
        """Claim ``result`` (loaded with its case) of the running ``run`` and prepare its call;
        None if it is finished already."""
        if not EvalResult.objects.filter(pk=result.pk, status__in=CLAIMABLE).update(
            status=EvalResult.Status.RUNNING
        ):
            return None
        return cls.start(result, run)

    @classmethod
    def start(cls, result: EvalResult, run: RunContext) -> CaseTask:
        """Prepare the call of a case that nobody else runs (its run was started by this
        caller, in this process), without claiming it first."""
        task = cls(result, run)
        task._guard(task._prepare_answer)
        return task

    @property
    def finished(self) -> bool:
        return self.status in (EvalResult.Status.OK, EvalResult.Status.FAILED)

    def advance(self, attempt: Attempt) -> PreparedCall | None:
        """Take in what ``next_call`` brought; the next call to send, or None when done."""
        sent, self.next_call = self.next_call, None
        assert sent is not None, "advance() without a call to answer"
        self._guard(lambda: self._take(sent, attempt), atomic=True)
        return self.next_call

    @classmethod
    def give_up(cls, result_id: int, kind: str, message: str) -> None:
        """Fail a running case from outside (its task ran past its time limit)."""
        result = EvalResult.objects.select_related(
            "case", "run__dataset", "run__prompt_version__prompt"
        ).get(pk=result_id)
        if result.status == EvalResult.Status.RUNNING:
            cls(result, RunContext.of(result.run))._fail(kind, message)

    # --- the steps ---

    def _trace(self) -> AbstractContextManager[tracing.Step]:
        """Every call of the run in one trace, whichever worker makes it."""
        return tracing.trace(f"eval run #{self.run.pk}", key=f"eval-run:{self.run.pk}")

    def _input(self) -> dict[str, Any]:
        return {**self.run.dataset.shared_input, **self.case.input, **self.run.site_input}

    def _prepare_answer(self) -> None:
        try:
            with self._trace():
                self.next_call = prepare(
                    self.run.prompt_version,
                    self._input(),
                    target=self.case,
                    purpose="eval",
                    provider=self.run.provider,
                    model=self.run.model or None,
                    context={"eval_run": self.run.pk},
                )
        except LLMInputError as exc:
            self._fail("input", str(exc))

    def _take(self, sent: PreparedCall, attempt: Attempt) -> None:
        if self.answer is None:
            self._take_answer(sent, attempt)
        else:
            self._take_grades(sent, attempt)

    def _take_answer(self, sent: PreparedCall, attempt: Attempt) -> None:
        try:
            self.answer = record(sent, attempt)
        except LLMError as error:
            self._fail(error.status, error.message, call=error.call)
            return
        judge_input = self.context.feature.judge_input
        if self.run.judge_version is not None and judge_input is not None:
            with self._trace(), tracing.trace("judge", parent=self.answer.call):
                self.next_call = prepare(
                    self.run.judge_version,
                    judge_input(self.case.input, self.answer.output),
                    target=self.case,
                    purpose="eval-judge",
                    provider=self.run.provider,
                    context={"eval_run": self.run.pk},
                )
        else:
            self._succeed(judge=None, judge_call=None)

    def _take_grades(self, sent: PreparedCall, attempt: Attempt) -> None:
        try:
            graded = record(sent, attempt)
        except LLMError as error:
            # The answer stands; only its grades are missing (counted in the judge's figures).
            call = error.call
            grades: dict[str, Any] = {"error": error.message[:300]}
        else:
            call = graded.call
            grades = graded.output.model_dump(mode="json")
        if call is not None:
            grades["input_tokens"] = call.input_tokens
            grades["output_tokens"] = call.output_tokens
            grades["cost_usd"] = float(call.cost) if call.cost is not None else None
        self._succeed(judge=grades, judge_call=call)

    def _succeed(self, *, judge: dict[str, Any] | None, judge_call: Any) -> None:
        assert self.answer is not None
        call = self.answer.call
        output = self.answer.output.model_dump(mode="json")
        scores = self._score(output)
        if judge is not None:
            scores["judge"] = judge
        self._finish(
            status=EvalResult.Status.OK,
            output=output,
            scores=scores,
            passed=bool(scores["passed"]),
            call=call,
            judge_call=judge_call,
            latency_ms=call.latency_ms,
            input_tokens=call.input_tokens,
            output_tokens=call.output_tokens,
            cost=call.cost,
        )

    def _fail(self, kind: str, message: str, *, call: Any = None) -> None:
        try:
            scores = self._score(None)
        except Exception:  # the case fails whatever; its misses must not need the scorer
            log.exception("scoring the failed case %s of run %s", self.case.pk, self.run.pk)
            scores = {"passed": False}
        self._finish(
            status=EvalResult.Status.FAILED,
            scores=scores,
            passed=False,
            error_kind=kind[:20],
            error=message[:2000],
            call=call,
            latency_ms=call.latency_ms if call is not None else None,
            input_tokens=call.input_tokens if call is not None else 0,
            output_tokens=call.output_tokens if call is not None else 0,
            cost=call.cost if call is not None else None,
        )

    def _score(self, output: dict[str, Any] | None) -> dict[str, Any]:
        return score_case(self.context.feature, self.case.expected, output, self.run.site_input)

    def _finish(self, **fields: Any) -> None:
        finish_result(self.result.pk, self.run.pk, **fields)
        self.status = fields["status"]

    def _guard(self, step: Callable[[], None], *, atomic: bool = False) -> None:
        """Run a step; whatever goes wrong in it fails this case, not the run.

        ``atomic``: in one transaction, so that the call's row, the case's outcome and the
        run's counters are one commit (a commit per write is what costs most on Postgres).
        """
        try:
            if atomic:
                with transaction.atomic():
                    step()
            else:
                step()
        except Exception as exc:  # a bug must cost one case, and be seen in the log
            log.exception("evaluation case %s of run %s failed", self.case.pk, self.run.pk)
            self.next_call = None
            if not self.finished:
                self._fail("internal", f"{type(exc).__name__}: {exc}")


# --- In this process ----------------------------------------------------------------------------


def _waits_on_a_server(call: PreparedCall) -> bool:
    """Whether the call waits on a server (worth a thread) or computes here (the offline
    model: it has no endpoint)."""
    return bool(call.backend.endpoint)


def run_in_process(run: EvalRun, *, on_progress: Progress | None = None) -> EvalRun:
    """Start ``run`` and run all its cases here, at most ``run.concurrency`` model calls at
    once; returns the finished run. Ctrl-C cancels it."""
    if not start_run(run.pk):
        raise EvaluationError(f"{run} was started already")
    context = RunContext.of(
        EvalRun.objects.select_related("dataset", "prompt_version__prompt", "judge_version").get(
            pk=run.pk
        )
    )
    # One query for all the cases, rather than one per case on the thread that does the rest.
    pending = deque(
        run.results.filter(status=EvalResult.Status.PENDING)
        .select_related("case")
        .order_by("case__position")
    )
    pool = ThreadPoolExecutor(max_workers=run.concurrency, thread_name_prefix=f"eval-{run.pk}")
    try:
        with _short_switch_interval():
            _run_cases(context, pending, pool, on_progress)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        cancel_run(run)
        raise
    except Exception as exc:
        pool.shutdown(wait=False, cancel_futures=True)
        fail_run(run.pk, f"{type(exc).__name__}: {exc}")
        raise
    pool.shutdown()
    finish_run(run.pk)
    run.refresh_from_db()
    return run


def _run_cases(
    context: RunContext,
    pending: deque[EvalResult],
    pool: ThreadPoolExecutor,
    on_progress: Progress | None,
) -> None:
    """Keep up to ``concurrency`` calls in the pool until every case is done (or the run is
    cancelled: then the calls in flight are finished and no other starts)."""
    run = context.run
    in_flight: dict[Future[Attempt], CaseTask] = {}
    done = failed = 0
    checked_at = time.monotonic()

    def send_or_finish(task: CaseTask, call: PreparedCall | None) -> None:
        nonlocal done, failed
        while call is not None and not _waits_on_a_server(call):
            call = task.advance(send(call))
        if call is not None:
            in_flight[pool.submit(send, call)] = task
            return
        done += 1
        failed += task.status == EvalResult.Status.FAILED
        if on_progress is not None:
            on_progress(done, failed, run.total)

    def cancelled() -> bool:
        """Whether the run was cancelled (in the admin), looked up at most every second."""
        nonlocal checked_at
        if time.monotonic() - checked_at < CANCEL_CHECK_SECONDS:
            return False
        checked_at = time.monotonic()
        return not EvalRun.objects.filter(pk=run.pk, status=EvalRun.Status.RUNNING).exists()

    while pending or in_flight:
        while pending and len(in_flight) < run.concurrency:
            if cancelled():
                pending.clear()
                break
            # The run was started here: its cases are this process's alone.
            task = CaseTask.start(pending.popleft(), context)
            send_or_finish(task, task.next_call)
        if in_flight:
            landed, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in landed:
                task = in_flight.pop(future)
                send_or_finish(task, task.advance(future.result()))


# --- On Celery workers --------------------------------------------------------------------------


def enqueue_run(run: EvalRun) -> None:
    """Have a worker run ``run`` (once the current transaction commits)."""
    from ..tasks import run_eval

    transaction.on_commit(lambda: run_eval.delay(run.pk))


def dispatch_run(run_id: int) -> None:
    """Start the run and queue its first ``concurrency`` cases."""
    start_run(run_id)
    run = EvalRun.objects.get(pk=run_id)
    if run.status != EvalRun.Status.RUNNING:
        return
    in_flight = run.results.filter(
        status__in=[EvalResult.Status.QUEUED, EvalResult.Status.RUNNING]
    ).count()
    queue_next_cases(run_id, run.concurrency - in_flight)
    finish_run(run_id)  # a run without cases is done at once


def queue_next_cases(run_id: int, count: int) -> int:
    """Queue up to ``count`` pending cases of a running run, in order; how many were queued.

    A compare-and-set marks each one queued, so two tasks looking at once never queue the
    same case.
    """
    from ..tasks import run_eval_case

    queued = 0
    while queued < count:
        result_id = (
            EvalResult.objects.filter(
                run_id=run_id,
                status=EvalResult.Status.PENDING,
                run__status=EvalRun.Status.RUNNING,
            )
            .order_by("case__position")
            .values_list("pk", flat=True)
            .first()
        )
        if result_id is None:
            break
        if EvalResult.objects.filter(pk=result_id, status=EvalResult.Status.PENDING).update(
            status=EvalResult.Status.QUEUED
        ):
            run_eval_case.delay(result_id)
            queued += 1
    return queued


def run_case(result_id: int) -> None:
    """Run one case to the end in this thread (a Celery worker's way)."""
    task = CaseTask.begin(result_id)
    if task is None:
        return
    call = task.next_call
    while call is not None:
        call = task.advance(send(call))


def continue_run(result_id: int) -> None:
    """After a case: queue the next one in its place, and finish the run if it was the last."""
    run_id = EvalResult.objects.filter(pk=result_id).values_list("run_id", flat=True).get()
    queue_next_cases(run_id, 1)
    finish_run(run_id)


def wait_for(
    run: EvalRun,
    *,
    on_progress: Progress | None = None,
    on_stall: Callable[[float], None] | None = None,
    stall_seconds: float = 60.0,
    poll: float = 0.5,
) -> EvalRun:
    """Wait until workers have finished ``run``, reporting progress as it moves, and calling
    ``on_stall`` (with the seconds waited) once nothing has moved for ``stall_seconds``: no
    worker may be running."""
    seen = -1
    moved_at = time.monotonic()
    stalled = False
    while True:
        run.refresh_from_db()
        if run.done != seen:
            seen, moved_at = run.done, time.monotonic()
            if on_progress is not None:
                on_progress(run.done, run.failed, run.total)
        if run.is_finished:
            return run
        waited = time.monotonic() - moved_at
        if on_stall is not None and not stalled and waited >= stall_seconds:
            stalled = True
            on_stall(waited)
        time.sleep(poll)
