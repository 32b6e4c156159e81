"""The Celery application.

With ``REDIS_URL`` set, tasks go to Redis and a worker runs them. Without it (the embedded
default), settings turn on eager mode and tasks run in the process that enqueues them, so the
site works with no services at all.
"""

import os
from typing import Any

from celery import Celery, Task, signals
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("bazaar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def close_old_database_connections(sender: Task | None = None, **kwargs: Any) -> None:
    """Before and after each task, what Django does before and after each request: close the
    connections that are broken or older than CONN_MAX_AGE, keep the others.

    Not for a task run eagerly: it runs inside the caller's request (or test), whose connection
    is not the task's to close.
    """
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_old_connections()
