"""Celery tasks of the LLM layer: the evaluation's runs and cases, and online judging. They take
primary keys and are safe to run twice (a redelivered task finds its case claimed or finished)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import online_judging
from .errors import LLMError
from .evaluation import execution

# A case is one answer and, with a judge, one grading: each within LLM_TIMEOUT_SECONDS and its
# retries. The limits leave room for both.
CASE_SOFT_TIME_LIMIT = 150
CASE_TIME_LIMIT = 180


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_eval(run_id: int) -> None:
    """Start an evaluation run and queue its first ``concurrency`` cases."""
    execution.dispatch_run(run_id)


@shared_task(
    acks_late=True,  # acknowledged when done, so a crash gives the case back to the queue
    reject_on_worker_lost=True,
    soft_time_limit=CASE_SOFT_TIME_LIMIT,
    time_limit=CASE_TIME_LIMIT,
)
def run_eval_case(result_id: int) -> None:
    """Run one case, then queue the next pending one in its place (or finish the run)."""
    try:
        execution.run_case(result_id)
    except SoftTimeLimitExceeded:
        execution.CaseTask.give_up(
            result_id, "time_limit", f"the case ran past {CASE_SOFT_TIME_LIMIT} s"
        )
    execution.continue_run(result_id)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    rate_limit=settings.LLM_ONLINE_JUDGE_RATE_LIMIT,
    max_retries=3,
    soft_time_limit=CASE_SOFT_TIME_LIMIT,
    time_limit=CASE_TIME_LIMIT,
)
def judge_call(self: Any, call_id: int) -> None:
    """Grade a sampled production call with its feature's judge (``llm.online_judging``).
    A call graded already is left alone, so a redelivered task costs nothing."""
    try:
        online_judging.judge(call_id)
    except LLMError as error:  # retryable: a rate limit, a timeout, a server error
        countdown = max(error.retry_after or 0, 30 * 2**self.request.retries)
        raise self.retry(countdown=countdown) from None
