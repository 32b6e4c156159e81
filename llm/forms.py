"""Admin forms of the prompt registry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from .models import LABEL_PATTERN, Prompt, PromptVersion


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.short_hash} · {obj.created_at:%Y-%m-%d %H:%M}"


class DiffForm(forms.Form):
    old = VersionChoiceField(
        queryset=PromptVersion.objects.select_related("prompt"), label="From version"
    )
    new = VersionChoiceField(
        queryset=PromptVersion.objects.select_related("prompt"), label="To version"
    )


class MoveLabelForm(forms.Form):
    """Point a label at another version of the same prompt."""

    version = VersionChoiceField(queryset=PromptVersion.objects.none())
    note = forms.CharField(max_length=200, required=False, help_text="Why, for the history.")

    def __init__(self, *args: Any, prompt: Prompt, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = prompt.versions.select_related("prompt")


class PointLabelForm(forms.Form):
    """Point a label (existing or new) at one chosen version."""

    label = forms.CharField(
        max_length=40,
        initial="candidate",
        validators=[RegexValidator(LABEL_PATTERN, "Lowercase letters, digits, '-' and '_' only.")],
    )
    note = forms.CharField(max_length=200, required=False, help_text="Why, for the history.")
