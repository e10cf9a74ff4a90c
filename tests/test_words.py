"""Words and first steps: audit entries in human words, one SoA entry with its table, import
header suggestions and "needs mapping", the getting-started path of a new organisation."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openisms.core import getting_started, navigation
from openisms.core.audit_words import describe, describe_all
from openisms.core.context import acting_as, org_context
from openisms.core.models import AuditEntry
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.risk.io.suggest import suggest_field, suggestions
from openisms.risk.models import Asset, ImportJob, ImportStatus
from tests.conftest import login, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- audit entries in words ------------------------------------------------------------------


def test_evidence_request_entry_reads_as_a_sentence(org_a, members_a):
    from openisms.controls.models import Control, ImplementationStatus
    from openisms.controls.services.requests import create_request
    from openisms.controls.services.setup import ensure_controls

    manager = named(members_a[Role.ISMS_MANAGER], "Max", "Manager")
    due = dt.date.today() + dt.timedelta(days=60)
    with org_context(org_a), acting_as(manager):
        ensure_controls()
        control = Control.objects.get(ref="A.5.12")
        request = create_request(
            {"control": control, "requested_from": members_a[Role.CONTRIBUTOR], "due_on": due}
        )
        control.status = ImplementationStatus.IMPLEMENTED
        control.save()
        entry = AuditEntry.objects.get(object_type="controls.evidencerequest", action="create")
        changed = AuditEntry.objects.filter(object_type="controls.control", action="update")
        changed = changed.order_by("-seq").first()
    from openisms.core.dates import human_day

    expected = f"Max Manager created evidence request ‘Evidence for A.5.12 by {human_day(due)}’"
    assert str(request) in expected
    # The actor loaded with the entry, as the pages load it.
    with org_context(org_a):
        entry = AuditEntry.objects.select_related("actor").get(pk=entry.pk)
        changed = AuditEntry.objects.select_related("actor").get(pk=changed.pk)
    assert describe(entry).sentence == expected
    assert describe(changed).sentence == (
        "Max Manager changed control ‘A.5.12 Classification of information’: "
        "status from “Not started” to “Implemented”"
    )


def test_without_a_name_the_username_stands_in(org_a, members_a):
    from openisms.risk.services.assets import create_asset, delete_asset

    owner = members_a[Role.OWNER]
    with org_context(org_a), acting_as(owner):
        asset = create_asset({"name": "Payroll", "type": "information"})
        delete_asset(asset)
        rows = describe_all(
            AuditEntry.objects.select_related("actor").filter(object_type="risk.asset")
        )
    sentences = {e.sentence for e in rows}
    # No first or last name: the username stands in.
    assert sentences == {
        "a-owner created asset ‘A-0001 Payroll’",
        "a-owner deleted asset ‘A-0001 Payroll’",
    }


def test_dashboard_and_audit_page_speak_words_in_constant_queries(org_a, members_a):
    from openisms.risk.services.assets import create_asset

    owner = named(members_a[Role.OWNER], "Olivia", "Owner")
    client = login(owner)

    def add_assets(n: int, start: int) -> None:
        for i in range(n):
            user = make_member(org_a, f"writer-{start + i}", Role.CONTRIBUTOR)
            named(user, "Writer", f"No{start + i}")
            with org_context(org_a), acting_as(user):
                create_asset({"name": f"Server {start + i}", "type": "hardware"})

    add_assets(2, 0)
    page = client.get(f"/o/{org_a.slug}/").content.decode()
    assert "Writer No1 created asset ‘" in page
    assert "create risk.asset" not in page
    trail = client.get(f"/o/{org_a.slug}/audit-trail/").content.decode()
    assert "Writer No1 created asset ‘" in trail

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    urls = [f"/o/{org_a.slug}/", f"/o/{org_a.slug}/audit-trail/"]
    small = {u: count(u) for u in urls}
    add_assets(12, 10)
    for url in urls:
        assert count(url) <= small[url], url


# --- one SoA entry, with the table -----------------------------------------------------------


def test_navigation_has_one_soa_entry_and_the_page_shows_the_table(org_a, members_a):
    labels = [item.label for s in navigation.SECTIONS for item in s.items]
    page = login(members_a[Role.VIEWER]).get(f"/o/{org_a.slug}/").content.decode()
    start = page.index('class="sidebar"')
    sidebar = page[start : page.index("</nav>", start)]
    assert "Controls (SoA)" not in page
    assert sidebar.count(">Statement of Applicability<") == 1 and ">Controls<" in sidebar
    assert sidebar.count(f'href="/o/{org_a.slug}/controls/soa/"') == 1
    assert labels.count("Statement of Applicability") == 1 and "Controls" in labels
    client = login(members_a[Role.VIEWER])
    soa = client.get(reverse("core:controls:soa", args=[org_a.slug])).content.decode()
    assert 'id="soa-table"' in soa and 'id="soa-versions"' in soa
    for heading in ("Control", "Applicable", "Justification", "Status", "Owner", "Documents",
                    "Evidence"):  # fmt: skip
        assert f'<th scope="col">{heading}</th>' in soa
    assert ">A.5.1</a> Policies for information security" in soa
    listing = client.get(reverse("core:controls:control_list", args=[org_a.slug])).content.decode()
    assert "<h1>Controls</h1>" in listing


def test_soa_page_queries_do_not_grow(org_a, members_a):
    from openisms.risk.services.assets import create_asset
    from openisms.risk.services.risks import create_risk

    client = login(members_a[Role.OWNER])
    url = reverse("core:controls:soa", args=[org_a.slug])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    small = count()
    with org_context(org_a), acting_as(members_a[Role.OWNER]):
        asset = create_asset({"name": "Mail", "type": "service"})
        for i in range(15):
            create_risk({"title": f"Risk {i}", "assets": [asset], "controls": ["A.5.1", "A.8.24"]})
    assert count() <= small


# --- import header suggestions and "needs mapping" -------------------------------------------


@pytest.mark.parametrize(
    "kind,header,field",
    [
        ("assets", "Asset name", "name"),
        ("assets", "Asset Owner", "owner"),
        ("assets", "Owner", "owner"),
        ("assets", "Confidentiality (1-5)", "confidentiality"),
        ("assets", "  INTEGRITY [1–5] ", "integrity"),
        ("assets", "Classification", "classification"),
        ("assets", "Type/Kind", "type"),
        ("assets", "Description", "description"),
        ("risks", "Risk title", "title"),
        ("risks", "Likelihood", "inherent_likelihood"),
        ("risks", "Impact (1-5)", "inherent_impact"),
        ("risks", "Risk owner", "owner"),
        ("risks", "Description", "description"),
        ("risks", "Type/Kind", "kind"),
        ("risks", "Colour", None),
    ],
)
def test_header_suggestions(kind, header, field):
    assert suggest_field(kind, header) == field


def test_suggestions_skip_our_own_and_mapped_headers_and_suggest_a_field_once():
    headers = ["name", "Asset name", "Asset Owner", "Responsible", "Notes (free text)"]
    found = suggestions("assets", headers, {"notes (free text)": "ignore"})
    # "name" is ours already; the first header asking for owner gets it.
    assert found == {"asset owner": "owner"}
    # A header of the file that names our column already wins over any suggestion.
    assert suggestions("assets", ["Asset Owner", "owner"], {}) == {}


OLD_REGISTER = [
    ["Asset name", "Asset Owner", "Confidentiality (1-5)", "Colour"],
    ["Payroll", "a-contributor", 4, "blue"],
]


def test_ui_preselects_suggestions_and_says_needs_mapping(org_a, members_a):
    client = login(members_a[Role.OWNER])
    upload = reverse("core:risk:import_upload", args=[org_a.slug, "assets"])
    client.post(upload, {"file": SimpleUploadedFile("old.xlsx", xlsx(OLD_REGISTER)),
                         "dry_run": "on"})  # fmt: skip
    job = ImportJob.unscoped.get()
    assert job.status == ImportStatus.NEEDS_MAPPING
    review = client.get(reverse("core:risk:import_review", args=[org_a.slug, "assets", job.pk]))
    page = review.content.decode()
    assert "Needs mapping" in page and 'id="needs-mapping"' in page and "Failed" not in page
    assert page.count("suggested</span>") == 3
    for field in ("name", "owner", "confidentiality"):
        assert f'<option value="{field}" selected>' in page
    listing = client.get(upload).content.decode()
    assert "<td>Needs mapping</td>" in listing and "<td>Failed</td>" not in listing
    # Confirming the suggestions and ignoring the rest makes the file importable.
    client.post(
        reverse("core:risk:import_review", args=[org_a.slug, "assets", job.pk]),
        {"action": "map", "map-0": "name", "map-1": "owner", "map-2": "confidentiality",
         "map-3": "ignore"},
    )  # fmt: skip
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_a_broken_file_still_fails(org_a, members_a):
    client = login(members_a[Role.OWNER])
    upload = reverse("core:risk:import_upload", args=[org_a.slug, "assets"])
    bad = [["name", "confidentiality"], ["Payroll", 9]]
    client.post(upload, {"file": SimpleUploadedFile("bad.xlsx", xlsx(bad)), "dry_run": "on"})
    assert ImportJob.unscoped.get().status == ImportStatus.FAILED


def test_api_lists_needs_mapping_with_token_and_session(org_a, members_a):
    owner = members_a[Role.OWNER]
    session = login(owner)
    upload = reverse("core:risk:import_upload", args=[org_a.slug, "assets"])
    session.post(upload, {"file": SimpleUploadedFile("old.xlsx", xlsx(OLD_REGISTER)),
                          "dry_run": "on"})  # fmt: skip
    job = ImportJob.unscoped.get()
    _, raw = issue_token(owner, org_a, "imports")
    token = Client(headers={"Authorization": f"Bearer {raw}"})
    for client in (token, session):
        listed = client.get("/api/v1/risk/imports?kind=assets")
        assert listed.status_code == 200, listed.content
        item = listed.json()["items"][0]
        assert (item["status"], item["status_label"], item["needs_mapping"]) == (
            "unmapped", "Needs mapping", True,
        )  # fmt: skip
        assert item["unmapped"] == [h for h in OLD_REGISTER[0]]
        assert item["suggested"] == {
            "asset name": "name", "asset owner": "owner", "confidentiality (1-5)": "confidentiality"
        }  # fmt: skip
        detail = client.get(f"/api/v1/risk/imports/{job.pk}")
        assert detail.status_code == 200 and detail.json()["errors"][0]["row"] == 1
    viewer = login(members_a[Role.VIEWER])
    answer = viewer.get("/api/v1/risk/imports", headers={"X-Organisation": org_a.slug})
    assert answer.status_code == 403


def test_cli_uses_suggestions_without_map_and_says_needs_mapping(org_a, members_a, tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(xlsx(OLD_REGISTER))
    with pytest.raises(CommandError, match="Needs mapping: 1 column"):
        call_command("import", "assets", str(path), "--org", org_a.slug, stdout=io.StringIO())
    clean = [OLD_REGISTER[0][:3], OLD_REGISTER[1][:3]]
    path.write_bytes(xlsx(clean))
    out = io.StringIO()
    call_command("import", "assets", str(path), "--org", org_a.slug, stdout=out)
    assert "Reading “Asset Owner” as owner (suggested" in out.getvalue()
    assert "1 created" in out.getvalue()
    with org_context(org_a):
        asset = Asset.objects.get()
    assert (asset.name, asset.confidentiality) == ("Payroll", 4)


# --- getting started -------------------------------------------------------------------------


def _steps(client: Client, slug: str) -> str:
    return client.get(f"/o/{slug}/").content.decode()


def test_new_organisation_opens_on_the_path_not_on_findings(org_a, members_a):
    owner = login(members_a[Role.OWNER])
    page = _steps(owner, org_a.slug)
    assert 'id="getting-started"' in page and "0 of 6 steps done" in page
    assert "validation finding" not in page
    keys = [s.key for s in getting_started.steps()]
    assert keys == ["scope", "policy", "method", "assets", "risks", "soa"]
    assert 'data-step="scope" aria-current="step"' in page
    assert reverse("core:risk:asset_create", args=[org_a.slug]) in page
    # A viewer sees the path but no link it may not follow.
    viewer_page = _steps(login(members_a[Role.VIEWER]), org_a.slug)
    assert 'id="getting-started"' in viewer_page
    assert reverse("core:risk:asset_create", args=[org_a.slug]) not in viewer_page
    assert reverse("core:documents:create", args=[org_a.slug]) not in viewer_page


def test_steps_are_ticked_from_real_records(org_a, members_a):
    from openisms.context.services import scope
    from openisms.risk.models import Methodology
    from openisms.risk.services import methodology
    from openisms.risk.services.assets import create_asset
    from openisms.risk.services.risks import create_risk

    manager, approver = members_a[Role.ISMS_MANAGER], members_a[Role.APPROVER]
    with org_context(org_a):
        assert not any(getting_started.ticks(org_a).values())
        with acting_as(manager):
            asset = create_asset({"name": "Mail", "type": "service"})
            create_risk({"title": "Unscored", "assets": [asset]})
        assert getting_started.ticks(org_a)["assets"] and not getting_started.ticks(org_a)["risks"]
        with acting_as(manager):
            create_risk({"title": "Phishing", "assets": [asset], "inherent_likelihood": 3,
                         "inherent_impact": 4})  # fmt: skip
            draft = scope.start_draft(user=manager)
            data = {"statement": "The ISMS covers everything.", "locations": ["HQ"]}
            draft = scope.update_draft(draft, {**data, "processes": "All"})
        with acting_as(approver):
            scope.approve(draft, approver=approver, role=Role.APPROVER)
            methodology.approve(Methodology.objects.get(), approver=approver, role=Role.APPROVER)
        done = getting_started.ticks(org_a)
    assert done == {"scope": True, "policy": False, "method": True, "assets": True,
                    "risks": True, "soa": False}  # fmt: skip
    page = _steps(login(members_a[Role.OWNER]), org_a.slug)
    assert "4 of 6 steps done" in page and 'data-step="policy" aria-current="step"' in page


def test_getting_started_costs_constant_queries(org_a, members_a):
    from openisms.risk.services.assets import create_asset

    client = login(members_a[Role.OWNER])
    url = f"/o/{org_a.slug}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    small = len(ctx)
    with org_context(org_a), acting_as(members_a[Role.OWNER]):
        for i in range(20):
            create_asset({"name": f"Laptop {i}", "type": "hardware"})
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx) <= small


def test_demo_organisation_has_done_every_step():
    from openisms.core.demo import ensure_demo

    org = ensure_demo().organisation
    with org_context(org):
        assert all(getting_started.ticks(org).values()), getting_started.ticks(org)
    user = make_member(org, "demo-viewer-words", Role.VIEWER)
    page = _steps(login(user), org.slug)
    assert 'id="getting-started"' not in page
    assert "validation finding" in page  # the demo has decided controls: the count is back
