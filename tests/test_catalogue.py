"""The ISO/IEC 27001:2022 catalogue: counts, refs and titles to the letter, attributes, guidance."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from openisms.catalogue.loader import DATA_DIR, load_all
from openisms.catalogue.models import Framework, Mapping, Requirement

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
PACKAGED = DATA_DIR / "iso27001-2022"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def iso() -> Framework:
    return Framework.objects.get(slug="iso27001-2022")


def test_annex_a_counts_by_theme():
    controls = Requirement.objects.filter(framework=iso(), kind="control")
    assert controls.count() == 93
    assert Counter(controls.values_list("theme", flat=True)) == {
        "Organizational": 37,
        "People": 8,
        "Physical": 14,
        "Technological": 34,
    }
    for prefix, count in {"A.5.": 37, "A.6.": 8, "A.7.": 14, "A.8.": 34}.items():
        refs = {f"{prefix}{n}" for n in range(1, count + 1)}
        assert set(controls.filter(ref__startswith=prefix).values_list("ref", flat=True)) == refs


# Pinned independently of the data files, so a bad edit to both cannot pass unnoticed.
PINNED_TITLES = {
    "A.5.1": "Policies for information security",
    "A.5.7": "Threat intelligence",
    "A.5.23": "Information security for use of cloud services",
    "A.5.30": "ICT readiness for business continuity",
    "A.5.37": "Documented operating procedures",
    "A.6.1": "Screening",
    "A.6.8": "Information security event reporting",
    "A.7.4": "Physical security monitoring",
    "A.7.14": "Secure disposal or re-use of equipment",
    "A.8.1": "User endpoint devices",
    "A.8.12": "Data leakage prevention",
    "A.8.24": "Use of cryptography",
    "A.8.28": "Secure coding",
    "A.8.34": "Protection of information systems during audit testing",
    "4.3": "Determining the scope of the information security management system",
    "6.1.3": "Information security risk treatment",
    "6.3": "Planning of changes",
    "9.2.2": "Internal audit programme",
    "9.3.2": "Management review inputs",
    "10.2": "Nonconformity and corrective action",
}


@pytest.mark.parametrize(("ref", "title"), sorted(PINNED_TITLES.items()))
def test_pinned_titles(ref, title):
    assert Requirement.objects.get(framework=iso(), ref=ref).title == title


def test_packaged_controls_match_reference_to_the_letter():
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not beside this checkout")
    reference = _csv(REFERENCE / "annex_a_2022.csv")
    stored = {r.ref: r for r in Requirement.objects.filter(framework=iso(), kind="control")}
    assert len(reference) == 93
    for row in reference:
        assert stored[row["ref"]].title == row["title"], row["ref"]
        assert stored[row["ref"]].theme == row["theme"], row["ref"]


def test_every_reference_clause_is_present_with_its_title():
    rows = _csv(REFERENCE / "clauses.csv") if REFERENCE.exists() else _csv(PACKAGED / "clauses.csv")
    stored = {r.ref: r for r in Requirement.objects.filter(framework=iso(), kind="clause")}
    assert len(rows) == len(stored) == 41
    for row in rows:
        ref = row.get("clause") or row["ref"]
        assert stored[ref].title == row["title"], ref
    assert {r.ref for r in stored.values() if r.parent_id is None} == {str(n) for n in range(4, 11)}
    assert stored["6.1.2"].parent.ref == "6.1" and stored["6.1"].parent.ref == "6"


def test_attributes_match_reference():
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not beside this checkout")
    stored = {r.ref: r for r in Requirement.objects.filter(framework=iso(), kind="control")}
    columns = [
        "control_type",
        "information_security_properties",
        "cybersecurity_concepts",
        "operational_capabilities",
        "security_domains",
    ]
    for row in _csv(REFERENCE / "iso27002_2022_attributes.csv"):
        attrs = stored[row["ref"]].attributes
        for col in columns:
            assert attrs[col] == [v for v in row[col].split(";") if v], (row["ref"], col)


def test_every_node_has_guidance_in_three_parts():
    for req in Requirement.objects.filter(framework=iso()):
        g = req.guidance
        assert len(g.get("summary", "")) > 40, req.ref
        assert 2 <= len(g.get("evidence", [])) <= 5, req.ref
        assert 2 <= len(g.get("pitfalls", [])) <= 4, req.ref
    summaries = [r.guidance["summary"] for r in Requirement.objects.filter(framework=iso())]
    assert len(set(summaries)) == len(summaries), "guidance must be specific, not repeated"


def test_guidance_files_cover_exactly_the_catalogue():
    keys: list[str] = []
    for path in sorted((PACKAGED / "guidance").glob("*.json")):
        keys += list(json.loads(path.read_text(encoding="utf-8")))
    assert len(keys) == len(set(keys)) == 134
    assert set(keys) == set(
        Requirement.objects.filter(framework=iso()).values_list("ref", flat=True)
    )


def test_2013_mapping():
    old = Framework.objects.get(slug="iso27001-2013")
    assert old.requirements.count() == 114
    assert Mapping.objects.filter(source__framework=old).count() >= 114
    mapped_2022 = set(
        Mapping.objects.filter(source__framework=old).values_list("target__ref", flat=True)
    )
    new_controls = {
        "A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10",
        "A.8.11", "A.8.12", "A.8.16", "A.8.23", "A.8.28",
    }  # fmt: skip
    all_2022 = set(iso().requirements.filter(kind="control").values_list("ref", flat=True))
    assert all_2022 - mapped_2022 == new_controls


def test_loader_is_idempotent():
    before = list(Requirement.objects.order_by("pk").values_list("pk", "ref", "title", "guidance"))
    report = load_all()
    assert not report.changed
    after = list(Requirement.objects.order_by("pk").values_list("pk", "ref", "title", "guidance"))
    assert before == after


def test_loader_repairs_an_edited_title():
    req = Requirement.objects.get(framework=iso(), ref="A.8.24")
    req.title = "Tampered"
    req.save()
    report = load_all()
    assert report.updated == 1
    assert Requirement.objects.get(pk=req.pk).title == "Use of cryptography"


def test_cli_show_json_lists_every_clause_and_control():
    out = io.StringIO()
    call_command("catalogue", "show", "iso27001-2022", "--format", "json", stdout=out)
    doc = json.loads(out.getvalue())
    assert doc["count"] == 134
    by_ref = {n["ref"]: n for n in doc["nodes"]}
    assert by_ref["A.8.24"] == {
        "ref": "A.8.24",
        "title": "Use of cryptography",
        "kind": "control",
        "theme": "Technological",
        "parent": None,
        "attributes": by_ref["A.8.24"]["attributes"],
    }
    assert by_ref["A.8.24"]["attributes"]["control_type"] == ["Preventive"]
    assert by_ref["9.2.1"]["kind"] == "clause" and by_ref["9.2.1"]["theme"] is None


def test_cli_show_csv_and_list():
    out = io.StringIO()
    call_command("catalogue", "show", "iso27001-2022", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 134 and rows[0]["ref"] == "4"
    assert {"ref", "title", "kind", "theme", "attributes"} <= set(rows[0])
    out = io.StringIO()
    call_command("catalogue", "list", stdout=out)
    assert "iso27001-2022" in out.getvalue() and "93 controls" in out.getvalue()
