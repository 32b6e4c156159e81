"""The Celery application.

With ``REDIS_URL`` set, tasks go to Redis and a worker runs them. Without it (the embedded
default), settings turn on eager mode and tasks run in the process that enqueues them, so the
site works with no services at all.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("bazaar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
