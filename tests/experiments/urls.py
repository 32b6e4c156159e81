"""A tiny URLconf for the experiments tests: views that only ask for a variant or track."""

from django.http import HttpRequest, JsonResponse
from django.template import Context, Template
from django.urls import include, path

from experiments.api import track, variant_for


def which_variant(request: HttpRequest, key: str, slug: str = "") -> JsonResponse:
    assignment = variant_for(request, key)
    return JsonResponse(
        {
            "variant": assignment.variant_key,
            "config": assignment.config,
            "in_experiment": assignment.in_experiment,
            "forced": assignment.forced,
            "visitor": request.visitor_id,  # type: ignore[attr-defined]
        }
    )


def track_view(request: HttpRequest, name: str) -> JsonResponse:
    event = track(
        request,
        name,
        value=float(request.GET["value"]) if "value" in request.GET else None,
        idempotency_key=request.GET.get("key"),
        page="test",
    )
    return JsonResponse({"recorded": event is not None})


def tags_view(request: HttpRequest, key: str) -> JsonResponse:
    template = Template(
        "{% load experiments %}{% variant key as v %}{{ v.variant_key }}|"
        '{% track "tag_event" 3 where="tag" %}'
    )
    return JsonResponse({"rendered": template.render(Context({"request": request, "key": key}))})


def nothing(request: HttpRequest) -> JsonResponse:
    """A page that decides nothing (where a browser gets its visitor cookie)."""
    return JsonResponse({})


urlpatterns = [
    path("track-nothing/", nothing),
    path("variant/<str:key>/", which_variant),
    path("c/<slug:slug>/variant/<str:key>/", which_variant, name="category"),
    path("track/<str:name>/", track_view),
    path("tags/<str:key>/", tags_view),
    path("accounts/", include("accounts.urls")),
]
