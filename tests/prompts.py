"""Prompt versions for tests, as a sync of an edited prompt file makes them."""

from llm.models import PromptVersion
from llm.services import move_label


def new_prompt_version(
    note: str = "Shorter titles.", *, prompt: str = "listing_assistant", label: str = ""
) -> PromptVersion:
    """The next version of ``prompt``: its latest content with ``note`` added to the system
    message. With ``label``, that label is pointed at it (as ``sync_prompts --label`` does)."""
    latest = PromptVersion.objects.filter(prompt__name=prompt).order_by("-number").first()
    assert latest is not None, f"{prompt} is not synced"
    number = latest.number + 1
    version = PromptVersion.objects.create(
        prompt=latest.prompt,
        number=number,
        content_hash=f"{number:064d}",
        model=latest.model,
        input_schema=latest.input_schema,
        output_schema=latest.output_schema,
        output_json_schema=latest.output_json_schema,
        system_template=f"{latest.system_template}\n{note}",
        user_template=latest.user_template,
        source_path=latest.source_path,
        source_text=f"{latest.source_text}\n# {note}",
    )
    if label:
        move_label(prompt, label, version)
    return version
