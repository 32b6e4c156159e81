"""The listing assistant on the post and edit forms (htmx partials, no page reload)."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from waffle import flag_is_active

import llm
from edge.text import clean_text
from experiments.api import track, variant_for
from llm.models import PRODUCTION

from .. import ab_tests, ai, ratelimit, services
from ..ai_features.listing_assistant import DISMISSED, FIELDS_USED
from ..models import AssistantSuggestion
from .common import AuthenticatedHttpRequest

log = logging.getLogger(__name__)

MAX_TEXT = 5000
ACCEPTABLE_FIELDS = ("title", "description", "category", "attributes", "condition", "price")
FAILURE_MESSAGES = {
    "timeout": "The assistant took too long to answer.",
    "rate_limited": "The assistant is busy right now.",
    "invalid_output": "The assistant gave an answer we could not use.",
    "refusal": "The assistant declined to help with this text.",
}


def assistant_enabled(request: HttpRequest) -> bool:
    """Whether this seller gets the assistant: the ``ai_listing_assistant`` flag, which follows
    the experiment while it runs (and records the seller's exposure)."""
    return bool(flag_is_active(request, ab_tests.AI_LISTING_ASSISTANT))


def assistant_prompt_for(request: HttpRequest) -> tuple[str, str]:
    """The version of the assistant's prompt that answers this seller, and under which label.

    The prompt experiment's feature decides: a seller in a running iteration gets the version
    their variant was pinned to at its start; everyone else gets ``production``, so shipping and
    rolling back (label moves) are what sellers get. Returns ``(prompt reference, label)``.
    """
    assignment = variant_for(request, ab_tests.LISTING_PROMPT_VERSION)
    if assignment.in_experiment or assignment.forced:
        label = assignment.get("prompt_label", PRODUCTION)
        return assignment.prompt_ref or ab_tests.LISTING_ASSISTANT_PROMPT, label
    return ab_tests.LISTING_ASSISTANT_PROMPT, PRODUCTION


@login_required
@require_POST
def assistant_suggest(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not assistant_enabled(request):
        raise Http404("The assistant is not available.")
    # Cleaned and bounded before the rate limit and the model: the text goes into the call log
    # and the suggestion row, where PostgreSQL refuses a NUL, and back onto the seller's page.
    text = clean_text(request.POST.get("text", ""), multiline=True).strip()
    context: dict = {"text": text}
    if not text:
        context["problem"] = "Write a few words about your item first, then ask again."
        return render(request, "marketplace/_assistant_result.html", context)
    if len(text) > MAX_TEXT:
        context["problem"] = f"That is a long text: keep it under {MAX_TEXT:,} characters."
        return render(request, "marketplace/_assistant_result.html", context)
    decision = ratelimit.hit(request, "assistant")
    if not decision.allowed:
        context["problem"] = (
            "You have asked the assistant for a lot of suggestions. "
            f"Please try again in {decision.wait_text}, or fill in the form yourself."
        )
        return render(request, "marketplace/_assistant_result.html", context)

    prompt_ref, label = assistant_prompt_for(request)
    # The form's own description, for a price the seller stated there (read here, not by the model).
    description = clean_text(request.POST.get("description", ""), multiline=True)[:MAX_TEXT]
    try:
        suggestion = ai.suggest_listing(
            text,
            prompt_ref=prompt_ref,
            context={"experiment_label": label},
            form_description=description,
        )
    except llm.PromptRefError as error:
        # A configuration fault (a prompt not synced), not the seller's: nothing was asked.
        log.error("Listing assistant has no prompt %r: %s", prompt_ref, error)
        context["problem"] = (
            "The assistant is not available right now. Your text is still here: fill in the "
            "form yourself, or try again later."
        )
        return render(request, "marketplace/_assistant_result.html", context)
    except llm.LLMError as error:
        log.warning("Listing assistant failed for user %s: %s", request.user.pk, error.message)
        track(request, ab_tests.AI_SUGGESTION_REQUESTED, prompt=prompt_ref, answered=False)
        context["problem"] = (
            f"{FAILURE_MESSAGES.get(error.status, 'The assistant could not answer.')} "
            "Your text is still here: try again, or fill in the form yourself."
        )
        return render(request, "marketplace/_assistant_result.html", context)
    track(
        request,
        ab_tests.AI_SUGGESTION_REQUESTED,
        prompt=str(suggestion.prompt_version),
        answered=True,
    )
    record = services.record_suggestion(request.user, text, suggestion, prompt_label=label)
    context.update({"suggestion": suggestion, "record": record})
    return render(request, "marketplace/_assistant_result.html", context)


@login_required
@require_POST
def assistant_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The seller used some parts of a suggestion (the page already filled them in).

    ``field`` is repeated once per part, so that one click is one request whatever it used.
    """
    suggestion = get_object_or_404(AssistantSuggestion, pk=pk, user=request.user)
    fields = request.POST.getlist("field")
    if not fields or any(field not in ACCEPTABLE_FIELDS for field in fields):
        return HttpResponse(status=400)
    new_fields = services.accept_suggestion_fields(suggestion, fields)
    if new_fields and suggestion.llm_call_id is not None:
        # The seller's reaction, as a score on the call that answered: one INSERT.
        llm.record_score(
            suggestion.llm_call_id,
            FIELDS_USED.name,
            len(new_fields),
            comment=", ".join(new_fields),
        )
    for field in new_fields:
        track(
            request,
            ab_tests.AI_SUGGESTION_ACCEPTED,
            idempotency_key=f"suggestion:{suggestion.pk}:{field}",
            field=field,
            prompt_label=suggestion.prompt_label,
        )
    return HttpResponse(status=204)


@login_required
@require_POST
def assistant_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The seller closed a suggestion without using it (the page already hid it)."""
    suggestion = get_object_or_404(AssistantSuggestion, pk=pk, user=request.user)
    if suggestion.llm_call_id is not None:
        llm.record_score(suggestion.llm_call_id, DISMISSED.name, 1)
    return HttpResponse(status=204)
