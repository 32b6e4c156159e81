"""Traces: the calls of one piece of work (an enrichment job, an evaluation run, a judge grading
an answer) tied together, so the admin shows a job's steps with their total time and cost.

    with llm.trace("enrichment job #12", key="enrichment-job:12"):
        llm.run("listing_enrichment", ...)          # its LLMCall gets the trace's id

    with llm.trace("judge", parent=answer_call):     # a step of another call
        llm.run("description_judge", ...)           # its LLMCall's parent is answer_call

The trace is a context variable that ``llm.runner.prepare`` reads, so no caller passes it along
and nothing changes for code that opens none. ``key`` makes the trace's id a function of the
work (uuid5), so the retries of a job and the cases of a run done by several workers, each in
its own process, land in the same trace without a row to coordinate them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import LLMCall

TRACE_NAMESPACE = uuid.UUID("6f1c7d1e-7a52-4f4e-9a1b-3f1d2b9c0e16")


@dataclass(frozen=True)
class Step:
    """Where a call made now belongs: its trace, its name, and the call it is a step of."""

    trace_id: uuid.UUID
    name: str
    parent_id: int | None = None


_current: ContextVar[Step | None] = ContextVar("llm_trace", default=None)


def current() -> Step | None:
    return _current.get()


def trace_id_for(key: str) -> uuid.UUID:
    """The trace id of the work named ``key`` ("eval-run:7"), the same in every process."""
    return uuid.uuid5(TRACE_NAMESPACE, key)


@contextmanager
def trace(name: str, *, key: str | None = None, parent: LLMCall | None = None) -> Iterator[Step]:
    """Calls made inside belong to one trace: the enclosing one, if any (a step inside a job),
    else the parent call's, else a new one (``key``'s, or a random id).
    ``parent`` makes them steps of that call (a judge grading its answer)."""
    outer = _current.get()
    if outer is not None:
        trace_id, name = outer.trace_id, outer.name
    elif parent is not None and parent.trace_id is not None:
        trace_id, name = parent.trace_id, parent.trace_name or name
    else:
        trace_id = trace_id_for(key) if key else uuid.uuid4()
    parent_id = parent.pk if parent is not None else (outer.parent_id if outer else None)
    token = _current.set(Step(trace_id, name[:80], parent_id))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)
