"""Policy templates: the set, their metadata, the Annex A controls they cite, rendering."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from openisms.documents import policy_templates as pt
from openisms.documents.markdown import render_markdown

CONTROLS_CSV = Path(pt.__file__).resolve().parents[1] / "catalogue/data/iso27001-2022/controls.csv"
CATALOGUE = {row["ref"]: row["title"] for row in csv.DictReader(CONTROLS_CSV.open())}
EXPECTED = {
    "information-security-policy": "A.5.1",
    "access-control": "A.5.15",
    "acceptable-use": "A.5.10",
    "asset-management": "A.5.9",
    "backup": "A.8.13",
    "business-continuity": "A.5.30",
    "cryptography": "A.8.24",
    "incident-management": "A.5.24",
    "information-classification": "A.5.12",
    "secure-development": "A.8.25",
    "supplier-security": "A.5.19",
    "remote-working": "A.6.7",
    "logging-monitoring": "A.8.15",
}
CITED = re.compile(r"^- (A\.\d+\.\d+) (.+)$", re.MULTILINE)


def test_the_set_has_the_policy_and_at_least_twelve_topic_policies():
    templates = pt.all_templates()
    keys = [t.key for t in templates]
    assert len(templates) >= 13
    assert len(keys) == len(set(keys))
    assert set(EXPECTED) <= set(keys)
    assert templates[0].key == "information-security-policy"
    assert templates[0].kind == "policy"
    assert sum(t.kind == "topic_policy" for t in templates) >= 12
    assert all(t.kind in ("policy", "topic_policy") for t in templates)


@pytest.mark.parametrize("key,control", sorted(EXPECTED.items()))
def test_each_template_cites_its_main_control(key, control):
    assert control in pt.get_template(key).controls


def test_every_cited_control_exists_with_the_title_written():
    assert len(CATALOGUE) == 93
    for template in pt.all_templates():
        assert template.controls, template.key
        for ref in template.controls:
            assert ref in CATALOGUE, (template.key, ref)
        body = pt.template_body(template.key)
        listed = CITED.findall(body)
        # The body's "Annex A controls supported" list is exactly the front matter, in order,
        # with the catalogue's titles.
        assert [ref for ref, _ in listed] == list(template.controls), template.key
        for ref, title in listed:
            assert CATALOGUE[ref] == title, (template.key, ref, title)
        # Any other A.x.y mentioned in the text is cited too.
        mentioned = set(re.findall(r"\bA\.\d+\.\d+\b", body))
        assert mentioned <= set(template.controls), (template.key, mentioned)


@pytest.mark.django_db
def test_cited_controls_are_requirements_in_the_loaded_catalogue():
    from openisms.catalogue.models import Requirement

    refs = {ref for t in pt.all_templates() for ref in t.controls}
    found = set(
        Requirement.objects.filter(framework__slug="iso27001-2022", ref__in=refs).values_list(
            "ref", flat=True
        )
    )
    assert found == refs


@pytest.mark.parametrize("key", [t.key for t in pt.all_templates()])
def test_each_template_is_a_complete_policy(key):
    template = pt.get_template(key)
    text = pt.render(key, "Acme Widgets Ltd", "All offices and the widget platform.")
    words = len(text.split())
    assert 300 <= words <= 760, (key, words)
    assert text.startswith(f"# {template.title}\n")
    for section in ("Purpose", "Scope", "Roles and responsibilities", "Exceptions", "Compliance",
                    "Review", "Annex A controls supported"):  # fmt: skip
        assert re.search(rf"^## (\d+\. )?{section}$", text, re.MULTILINE), (key, section)
    # policy statements are numbered rules
    assert re.search(r"^\d+\. ", text, re.MULTILINE), key
    assert template.summary and "{{" not in template.summary
    assert 1 <= template.review_months <= 36


@pytest.mark.parametrize("key", [t.key for t in pt.all_templates()])
def test_render_fills_the_name_and_the_scope(key):
    text = pt.render(key, "Acme Widgets Ltd", "The Leeds office and the widget platform.")
    assert "Acme Widgets Ltd" in text
    assert "The Leeds office and the widget platform." in text
    assert "{{" not in text and "}}" not in text


def test_render_inserts_values_as_given_once():
    text = pt.render("backup", "Evil {{ scope }} & Co <script>", "Scope with {{ organisation }}")
    # One pass: placeholders inside the values are not expanded again.
    assert "Evil {{ scope }} & Co <script>" in text
    assert "Scope with {{ organisation }}" in text
    # The Markdown renderer is what makes it safe to show.
    html = render_markdown(text)
    assert "<script>" not in html


def test_render_without_scope_or_name_says_where_the_scope_is():
    text = pt.render("information-security-policy", "", "  ")
    assert pt.NO_SCOPE in text
    assert "{{" not in text


def test_unknown_template_raises_key_error():
    with pytest.raises(KeyError):
        pt.get_template("no-such-policy")
    with pytest.raises(KeyError):
        pt.render("no-such-policy", "x", "y")


def test_the_rendered_markdown_is_clean_html():
    html = render_markdown(pt.render("access-control", "Acme", "Everything."))
    assert "<h1>Access control policy</h1>" in html
    assert "<ol>" in html and "<li>" in html


@pytest.mark.parametrize(
    "text,problem",
    [
        ("no front matter", "front-matter"),
        ("---\nkey: x\n", "not closed"),
        ("---\nkey: x\ntitle: X\nkind: policy\nsummary: s\n---\n", "controls"),
        ("---\nkey: x\ntitle: X\nkind: memo\nsummary: s\ncontrols: A.5.1\n---\n", "kind"),
        ("---\nkey: x\ntitle: X\nkind: policy\nsummary: s\ncontrols: 5.1\n---\n", "Annex A"),
        (
            "---\nkey: x\ntitle: X\nkind: policy\nsummary: s\ncontrols: A.5.1\n"
            "review_months: soon\n---\n",
            "whole number",
        ),  # fmt: skip
    ],
)
def test_malformed_template_files_are_reported(text, problem):
    with pytest.raises(pt.TemplateError, match=problem):
        pt.parse(text, "x.md")


def test_templates_ship_as_package_data():
    files = sorted(p.name for p in pt.POLICY_DIR.glob("*.md"))
    assert len(files) == len(pt.all_templates())
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"**/*.md"' in pyproject
