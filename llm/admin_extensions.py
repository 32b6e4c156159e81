"""Panels that other apps add to a prompt version's admin page.

``llm`` imports no other app of the project, yet a version's page should show
what happened to it online: the experiments whose variants used it. The app that knows
registers a panel, a function of the request and the version that returns HTML (or "" to show
nothing)::

    from llm.admin_extensions import register_version_panel
    register_version_panel(experiments_panel)   # in AppConfig.ready
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import PromptVersion

VersionPanel = Callable[["HttpRequest", "PromptVersion"], str]

_panels: list[VersionPanel] = []


def register_version_panel(panel: VersionPanel) -> None:
    """Show ``panel``'s HTML on every prompt version's admin page (once, however often it is
    registered)."""
    if panel not in _panels:
        _panels.append(panel)


def version_panels(request: HttpRequest, version: PromptVersion) -> list[str]:
    """The HTML of each registered panel that has something to say about ``version``."""
    return [html for panel in _panels if (html := panel(request, version))]
