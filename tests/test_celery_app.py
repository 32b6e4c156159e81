"""The Celery app treats a task as Django treats a request: database connections outlive it."""

import time
from types import SimpleNamespace
from typing import Any

import pytest
from celery.fixups.django import DjangoWorkerFixup  # type: ignore[attr-defined]  # not in the stubs
from django.db import connection

from config.celery_app import app, close_old_database_connections

# Stand-ins for a task: the handler reads only task.request.is_eager.
WORKER_TASK: Any = SimpleNamespace(request=SimpleNamespace(is_eager=False))
EAGER_TASK: Any = SimpleNamespace(request=SimpleNamespace(is_eager=True))


def test_celerys_django_fixup_does_not_close_the_connections_around_every_task():
    fixup = DjangoWorkerFixup(app)
    assert (fixup.db_reuse_max or 0) >= 1000


@pytest.mark.django_db(transaction=True)
def test_between_tasks_a_worker_keeps_a_young_connection_and_drops_an_old_one(monkeypatch):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("Django never closes an in-memory SQLite database (Postgres runs this)")
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.ensure_connection()
    first = connection.connection

    close_old_database_connections(sender=WORKER_TASK)
    connection.ensure_connection()
    assert connection.connection is first

    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
    close_old_database_connections(sender=EAGER_TASK)
    assert connection.connection is first  # an eager task runs in someone else's request

    close_old_database_connections(sender=WORKER_TASK)
    assert connection.connection is None
