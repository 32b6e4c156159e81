import contextlib

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

import llm
from llm.fake_server import answer, error
from llm.models import LLMCall, PromptLabel, PromptLabelMove, PromptVersion
from llm.prompt_files import export_prompts
from llm.services import sync_prompts
from tests.factories import UserFactory
from tests.llm.conftest import search_answer
from tests.llm.test_prompt_registry import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def two_versions(tmp_path, settings):
    export_prompts(tmp_path / "prompts")
    edit(
        tmp_path / "prompts" / "search_query.toml",
        "You turn a buyer's search",
        "You carefully turn a buyer's search",
    )
    sync_prompts(tmp_path / "prompts")
    return (
        PromptVersion.objects.get(prompt__name="search_query", number=1),
        PromptVersion.objects.get(prompt__name="search_query", number=2),
    )


def test_the_diff_shows_what_changed_between_two_versions(admin_client, two_versions):
    old, new = two_versions

    response = admin_client.get(
        reverse("admin:llm_promptversion_diff"), {"old": old.pk, "new": new.pk}
    )

    assert response.status_code == 200
    html = response.text
    assert '<div class="removed">-You turn a buyer&#x27;s search' in html
    assert '<div class="added">+You carefully turn a buyer&#x27;s search' in html
    assert '<div class="header">--- search_query@1</div>' in html


def test_the_diff_of_a_version_with_itself_says_so(admin_client, two_versions):
    old, _ = two_versions

    response = admin_client.get(
        reverse("admin:llm_promptversion_diff"), {"old": old.pk, "new": old.pk}
    )

    assert "The two versions behave the same" in response.text


def test_the_compare_action_opens_the_diff(admin_client, two_versions):
    old, new = two_versions

    response = admin_client.post(
        reverse("admin:llm_promptversion_changelist"),
        {"action": "compare_two", "_selected_action": [new.pk, old.pk]},
    )

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:llm_promptversion_diff')}?old={old.pk}&new={new.pk}"


def test_versions_and_labels_are_listed_and_read_only(admin_client, two_versions):
    _, new = two_versions

    versions = admin_client.get(reverse("admin:llm_promptversion_changelist"))
    version = admin_client.get(reverse("admin:llm_promptversion_change", args=[new.pk]))
    labels = admin_client.get(reverse("admin:llm_promptlabel_changelist"))
    prompts = admin_client.get(reverse("admin:llm_prompt_changelist"))

    assert versions.status_code == 200
    assert "search_query@2" in versions.text
    assert version.status_code == 200
    assert "You carefully turn" in version.text
    assert 'name="_save"' not in version.text
    assert labels.status_code == 200
    assert "search_query:production" in labels.text
    assert prompts.status_code == 200
    assert "production → v1" in prompts.text


def test_moving_a_label_in_the_admin_records_who_did_it(admin_client, admin_user, two_versions):
    _, new = two_versions
    label = PromptLabel.objects.get(prompt__name="search_query", name="production")
    url = reverse("admin:llm_promptlabel_move", args=[label.pk])

    page = admin_client.get(url)
    response = admin_client.post(url, {"version": new.pk, "note": "clearer wording"})

    assert page.status_code == 200
    assert "search_query@2" in page.text
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.version == new
    move = PromptLabelMove.objects.filter(label=label).first()
    assert move is not None
    assert (move.from_version.number, move.to_version.number, move.moved_by) == (1, 2, admin_user)
    assert move.note == "clearer wording"
    history = admin_client.get(reverse("admin:llm_promptlabel_change", args=[label.pk]))
    assert "clearer wording" in history.text


def test_a_label_cannot_move_to_another_prompts_version(admin_client, two_versions):
    label = PromptLabel.objects.get(prompt__name="search_query", name="production")
    other = PromptVersion.objects.get(prompt__name="listing_assistant")

    response = admin_client.post(
        reverse("admin:llm_promptlabel_move", args=[label.pk]), {"version": other.pk}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    label.refresh_from_db()
    assert label.version.number == 1


def test_the_point_label_action_creates_a_candidate(admin_client, admin_user, two_versions):
    _, new = two_versions
    url = reverse("admin:llm_promptversion_changelist")

    form = admin_client.post(url, {"action": "point_label", "_selected_action": [new.pk]})
    done = admin_client.post(
        url,
        {"action": "point_label", "_selected_action": [new.pk], "apply": "1",
         "label": "candidate", "note": "for the A/B test"},
        follow=True,
    )  # fmt: skip

    assert form.status_code == 200
    assert "Point a label at search_query@2" in form.text
    assert "candidate now points at search_query@2" in done.text
    assert llm.resolve_prompt("search_query:candidate") == new
    move = PromptLabelMove.objects.get(label__name="candidate")
    assert move.moved_by == admin_user


def test_the_call_log_shows_totals_for_the_current_filter(admin_client, fake_openai, categories):
    fake_openai.queue(
        answer(search_answer(), prompt_tokens=1000, completion_tokens=100),
        answer(search_answer(), prompt_tokens=500, completion_tokens=50),
        error(500, "boom"),
    )
    for query in ("a", "b", "c"):
        with contextlib.suppress(llm.LLMServerError):
            llm.run("search_query", {"query": query, "categories": categories})
    llm.run("search_query", {"query": "a", "categories": categories})  # a cache hit
    url = reverse("admin:llm_llmcall_changelist")

    everything = admin_client.get(url)
    successes = admin_client.get(url, {"status__exact": "success"})
    failures = admin_client.get(url, {"status__exact": "server_error"})

    assert everything.status_code == 200
    assert everything.context["totals"]["calls"] == 4
    assert everything.context["totals"]["cached_calls"] == 1
    assert everything.context["totals"]["tokens_in"] == 1500
    assert everything.context["totals"]["tokens_out"] == 150
    assert 'id="llm-totals"' in everything.text
    assert "1,500" in everything.text
    # (1500 × 0.15 + 150 × 0.60) / 1e6 = $0.000315
    assert "$0.0003" in everything.text
    assert successes.context["totals"]["calls"] == 3
    assert failures.context["totals"]["calls"] == 1
    assert failures.context["totals"]["tokens_in"] == 0


def test_a_call_opens_read_only_with_its_messages(admin_client, categories):
    result = llm.run("search_query", {"query": "red bike <b>", "categories": categories})

    response = admin_client.get(reverse("admin:llm_llmcall_change", args=[result.call.pk]))

    assert response.status_code == 200
    assert "red bike \\u003cb\\u003e" in response.text
    assert "offline-v1" in response.text
    assert 'name="_save"' not in response.text
    assert not LLMCall.objects.filter(pk=result.call.pk).exclude(status="success").exists()


def test_calls_cannot_be_added_or_deleted(admin_client, categories):
    result = llm.run("search_query", {"query": "bike", "categories": categories})

    assert admin_client.get(reverse("admin:llm_llmcall_add")).status_code == 403
    delete = reverse("admin:llm_llmcall_delete", args=[result.call.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert LLMCall.objects.filter(pk=result.call.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:llm_promptversion_diff"),
        reverse("admin:llm_promptlabel_changelist"),
        reverse("admin:llm_llmcall_changelist"),
        reverse("admin:llm_promptlabel_move", args=[1]),
    ],
)
def test_people_who_are_not_staff_are_sent_to_the_login(user_client, url):
    response = user_client.get(url)

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_staff_without_permission_cannot_move_labels_or_compare(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_llmcall"))
    client.force_login(staff)
    label = PromptLabel.objects.get(prompt__name="search_query", name="production")

    assert client.get(reverse("admin:llm_llmcall_changelist")).status_code == 200
    assert client.get(reverse("admin:llm_promptversion_diff")).status_code == 403
    move = reverse("admin:llm_promptlabel_move", args=[label.pk])
    assert client.post(move, {"version": label.version.pk}).status_code == 403
    assert PromptLabelMove.objects.filter(moved_by=staff).count() == 0
