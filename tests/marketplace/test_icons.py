import re
from pathlib import Path

import pytest
from django.template import Context, Template

from marketplace.catalog import CATEGORIES

ICONS = Path(__file__).resolve().parents[2] / "static" / "icons"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def icons_used_in_templates() -> set[str]:
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r'{% icon "([a-z0-9-]+)" %}', template.read_text()))
    return used


@pytest.mark.parametrize(
    "name", sorted(icons_used_in_templates() | {spec.icon for spec in CATEGORIES})
)
def test_every_icon_the_site_uses_is_vendored(name):
    assert (ICONS / f"{name}.svg").is_file()


def test_an_icon_is_inlined_with_our_class_and_hidden_from_screen_readers():
    html = Template('{% load bazaar %}{% icon "heart" %}').render(Context())
    assert html.startswith('<svg class="icon icon-heart" aria-hidden="true" focusable="false"')
    assert 'width="24"' not in html
    assert "<path" in html


def test_an_unknown_icon_renders_nothing_instead_of_failing():
    for name in ("no-such-icon", "../../settings"):
        assert Template("{% load bazaar %}{% icon name %}").render(Context({"name": name})) == ""
