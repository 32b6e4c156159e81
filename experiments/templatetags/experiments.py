"""Template tags for experiments.

{% load experiments %}
{% variant "ai_search" as search %}{% if not search.is_control %}…{% endif %}
{% track "listing_view" listing_id=listing.pk %}
"""

from typing import Any

from django import template

from experiments.api import Assignment, track, variant_for

register = template.Library()


@register.simple_tag(takes_context=True)
def variant(context: template.Context, experiment_key: str) -> Assignment:
    """The request's variant of an experiment (recording the exposure, as ``variant_for`` does)."""
    return variant_for(context["request"], experiment_key)


@register.simple_tag(takes_context=True, name="track")
def track_tag(
    context: template.Context, event_name: str, value: Any = None, **properties: Any
) -> str:
    """Record an event when the template renders; renders nothing."""
    track(context["request"], event_name, value, **properties)
    return ""
