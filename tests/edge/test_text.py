"""Cleaning people's text where it comes in (edge/text.py)."""

import pytest
from django import forms
from django.http import QueryDict

from edge.text import CleanCharField, clean_param, clean_text

SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("bi\x00ke", "bike"),  # PostgreSQL refuses NUL in text and JSONB
        ("\x1b[31mred\x7f bike\x9b", "[31mred bike"),  # C0, DEL and C1 controls
        ("\u202eekib\u202c road", "ekib road"),  # a bidi override reorders what people see
        ("\u2066x\u2069 \u202ay\u202c", "x y"),  # isolates and embeddings
        ("i\u200bph\u00adone\ufeff", "iphone"),  # zero-width space, soft hyphen, BOM
        ("bike\U000e0041\U000e0042", "bike"),  # tag characters: text only a model reads
    ],
)
def test_control_bidi_and_invisible_characters_are_removed(typed, kept):
    assert clean_text(typed) == kept


@pytest.mark.parametrize(
    "text",
    [
        "שלום\u200f עולם",  # right-to-left words and their marks
        "👨\u200d👩\u200d👧 ❤️ 👍🏽",  # joiners, variation selectors, skin tones
        SCOTLAND,  # a flag made of tag characters
        "ناب\u200cکار",  # a zero-width non-joiner, as Persian needs it
    ],
)
def test_writing_systems_and_emoji_are_kept(text):
    assert clean_text(text) == text


def test_text_is_normalised_to_nfc_after_invisible_characters_go():
    assert clean_text("cafe\u0301") == "café"
    assert clean_text("e\u200b\u0301") == "é"


def test_a_one_line_text_turns_line_breaks_and_tabs_into_spaces():
    assert clean_text("red\r\nbike\tfor\u2028sale") == "red bike for sale"


def test_a_multi_line_text_keeps_tabs_and_makes_every_line_break_a_newline():
    typed = "one\r\ntwo\rthree\u2028four\x0bfive\tsix"
    assert clean_text(typed, multiline=True) == "one\ntwo\nthree\nfour\nfive\tsix"


def test_a_parameter_is_cleaned_stripped_and_cut_to_its_bound():
    params = QueryDict(mutable=True)
    params["q"] = "  bi\x00ke " + "x" * 500
    assert clean_param(params, "q", max_length=10) == "bike xxxxx"
    assert clean_param(params, "missing") == ""


class ListingishForm(forms.Form):
    title = CleanCharField(max_length=5)
    description = CleanCharField(multiline=True, required=False)


def test_a_form_field_cleans_before_it_validates_and_shows_the_cleaned_text_back():
    form = ListingishForm({"title": "\u202ebi\x00ke\u202c", "description": "a\r\nb"})
    assert form.is_valid()
    assert form.cleaned_data == {"title": "bike", "description": "a\nb"}

    too_long = ListingishForm({"title": "\x00road bike"})
    assert "title" in too_long.errors  # the bound applies to the cleaned text
    assert too_long["title"].value() == "road bike"
