"""Production calls become evaluation cases (a new dataset version), and datasets go back to
their JSONL files (``dump_eval_dataset``)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

import llm
from llm.evaluation.models import EvalDataset, EvalRun
from llm.evaluation.services import (
    EvaluationError,
    add_calls_to_dataset,
    create_run,
    load_dataset,
)
from llm.models import LLMCall, PromptVersion
from tests.factories import UserFactory
from tests.llm.conftest import make_call

pytestmark = pytest.mark.django_db

TEXTS = [
    "Selling my Samsung Galaxy S21, 128GB, grey, small crack",
    "IKEA Billy bookcase, white, 80x202 cm, pick up in Mainz",
    "Canyon road bike, frame 56, carbon, Shimano 105",
    "Nike Air Max 90, EU 43, worn twice",
]


@pytest.fixture
def calls(categories):
    return [
        llm.run("listing_assistant", {"text": text, "categories": categories}).call
        for text in TEXTS
    ]


def test_calls_become_cases_of_a_new_version_and_the_old_one_stays(listing_dataset, calls):
    create_run(listing_dataset, "listing_assistant")  # the first version has a run

    added = add_calls_to_dataset(calls[:3], "listing_assistant")

    new = added.dataset
    assert (new.name, new.version, added.added) == ("listing_assistant", 2, 3)
    assert listing_dataset.cases.count() == 9
    assert new.cases.count() == 12
    case = new.cases.get(position=10)
    assert case.input == {"text": TEXTS[0]}  # the run adds the categories
    assert case.tags == ["from-production"]
    answer = calls[0].parsed_output
    assert case.expected["category"] == answer["category"]
    assert case.expected["attributes"] == {a["key"]: a["value"] for a in answer["attributes"]}
    assert new.content_hash
    assert new.content_hash != listing_dataset.content_hash
    assert EvalRun.objects.get().dataset == listing_dataset


def test_a_persons_correction_is_the_expected_answer(listing_dataset, calls):
    correction = {"category": "phones", "attributes": {"brand": "Samsung"}, "condition": "fair"}

    added = add_calls_to_dataset(calls[:1], "listing_assistant", expected={calls[0].pk: correction})

    assert added.dataset.cases.get(position=10).expected == correction


def test_a_correction_that_breaks_the_dataset_schema_is_refused(listing_dataset, calls):
    wrong = {"category": "spaceships", "attributes": {}}

    with pytest.raises(EvaluationError, match=rf"call #{calls[0].pk}: .*spaceships"):
        add_calls_to_dataset(calls[:1], "listing_assistant", expected={calls[0].pk: wrong})
    assert EvalDataset.objects.count() == 1


def test_a_call_whose_prompt_has_no_dataset_schema_is_refused():
    judge = PromptVersion.objects.get(prompt__name="description_judge", number=1)
    call = make_call(judge, parsed_output={"faithfulness": 5, "clarity": 4, "reason": "fine"})

    with pytest.raises(EvaluationError, match="description_judge has no dataset schema"):
        add_calls_to_dataset([call], "description_judge")


def test_a_call_already_a_case_is_skipped(listing_dataset, calls):
    first = add_calls_to_dataset(calls[:1], "listing_assistant")

    second = add_calls_to_dataset(calls[:2], "listing_assistant")

    assert second.added == 1
    assert second.skipped == [(calls[0].pk, "its input is a case of the dataset already")]
    assert second.dataset.version == first.dataset.version + 1


def test_a_failed_call_needs_a_correction(listing_dataset):
    version = PromptVersion.objects.get(prompt__name="listing_assistant", number=1)
    failed = make_call(version, status=LLMCall.Status.TIMEOUT, parsed_output=None)

    with pytest.raises(EvaluationError, match=rf"call #{failed.pk} has no answer \(timeout\)"):
        add_calls_to_dataset([failed], "listing_assistant")


def dump(*args):
    out = StringIO()
    call_command("dump_eval_dataset", *args, stdout=out)
    return out.getvalue()


def test_dump_writes_the_dataset_as_a_file_that_loads_to_the_same_cases(
    listing_dataset, calls, tmp_path
):
    added = add_calls_to_dataset(calls[:2], "listing_assistant")
    path = tmp_path / "listing_assistant.jsonl"

    output = dump("listing_assistant", str(path))

    assert output.strip() == f"wrote 11 cases of listing_assistant v2 to {path}"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 11
    assert list(lines[10]) == ["input", "expected", "tags"]
    reloaded = load_dataset(path, name="listing_assistant", prompt_name="listing_assistant")
    assert reloaded.action == "unchanged"
    assert reloaded.dataset == added.dataset


def test_dump_refuses_an_existing_file_without_force(listing_dataset, tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text("keep me\n")

    with pytest.raises(CommandError, match=r"cases\.jsonl exists: give --force to overwrite it"):
        dump("listing_assistant", str(path))
    assert path.read_text() == "keep me\n"

    dump("listing_assistant", str(path), "--force")
    assert len(path.read_text().splitlines()) == 9


def test_dump_of_an_unknown_dataset_names_the_known_ones(listing_dataset, tmp_path):
    with pytest.raises(CommandError, match=r"no dataset nope \(known: listing_assistant\)"):
        dump("nope", str(tmp_path / "x.jsonl"))


def test_from_health_to_worst_calls_to_a_dataset_to_its_file_to_a_run(
    client, listing_dataset, calls, tmp_path
):
    """What a staff member does in the admin, end to end: a version's health figures, its
    worst-scored calls, three of them added to the dataset, the dataset dumped, run_eval."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for call, rating in zip(calls, (1, 2, 2, 5), strict=True):
        llm.record_score(call, "rating", rating)
    version = calls[0].prompt_version
    create_run(listing_dataset, "listing_assistant")  # v1 has runs: its cases are frozen

    page = client.get(reverse("admin:llm_promptversion_change", args=[version.pk]))
    worst_url = reverse("admin:llm_llmcall_changelist") + (
        f"?prompt_version__id__exact={version.pk}&score=rating"
    )
    assert worst_url.replace("&", "&amp;") in page.text

    worst = client.get(worst_url)
    worst_three = [call.pk for call in worst.context["cl"].result_list][:3]
    assert worst_three == [calls[0].pk, calls[2].pk, calls[1].pk]  # 1, then 2s newest first

    chosen = {"action": "add_to_dataset", "_selected_action": worst_three}
    form = client.post(worst_url, chosen)
    assert form.status_code == 200
    assert "Add 3 calls of listing_assistant to an evaluation dataset" in form.text
    correction = {"category": "phones", "attributes": {"brand": "Samsung"}, "condition": "fair"}
    response = client.post(
        worst_url,
        {
            **chosen,
            "apply": "1",
            "dataset": "listing_assistant",
            **{
                f"expected_{pk}": form.context["form"][f"expected_{pk}"].value()
                for pk in worst_three
            },
            f"expected_{calls[0].pk}": json.dumps(correction),
        },
    )
    new = EvalDataset.objects.current("listing_assistant")
    assert response.status_code == 302
    assert response.url == reverse("admin:llm_evaldataset_change", args=[new.pk])
    assert (new.version, new.cases.count()) == (2, 12)
    assert new.cases.get(input={"text": TEXTS[0]}).expected == correction

    path = tmp_path / "listing_assistant.jsonl"
    dump("listing_assistant", str(path))
    assert len(path.read_text().splitlines()) == 12

    out = StringIO()
    call_command(
        "run_eval", "--prompt", "listing_assistant", "--dataset", "listing_assistant",
        "--in-process", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    run = EvalRun.objects.latest("created_at")
    assert run.dataset == new
    assert run.status == EvalRun.Status.SUCCEEDED
    assert "on listing_assistant v2" in out.getvalue()


def test_the_admin_action_refuses_a_prompt_without_a_dataset_schema(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    judge = PromptVersion.objects.get(prompt__name="description_judge", number=1)
    call = make_call(judge, parsed_output={"faithfulness": 5, "clarity": 4, "reason": "fine"})

    response = client.post(
        reverse("admin:llm_llmcall_changelist"),
        {"action": "add_to_dataset", "_selected_action": [call.pk]},
    )

    assert response.status_code == 302
    shown = client.get(response.url).context["messages"]
    assert "description_judge has no dataset schema" in " ".join(str(m) for m in shown)
    assert not EvalDataset.objects.exists()
