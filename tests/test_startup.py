"""Management commands start quickly: nothing heavy is imported until it is used."""

import subprocess
import sys

import pytest
from django.conf import settings

HEAVY = ("scipy", "numpy")  # the statistics import them when they first compute


@pytest.mark.slow
def test_loading_every_app_and_the_admin_imports_no_heavy_library():
    """``manage.py check`` loads every app, its models and admin; scipy alone took a second."""
    code = (
        "import os, sys, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.local'\n"
        "django.setup()\n"
        "from django.contrib import admin\n"
        "admin.autodiscover()\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == []
