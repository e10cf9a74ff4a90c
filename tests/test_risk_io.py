"""Spreadsheet import and export of assets, risks and the treatment plan (web UI and CLI)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models import AuditEntry
from openisms.core.permissions import Role
from openisms.risk.io import exporter
from openisms.risk.io.importer import run_import
from openisms.risk.io.reader import FileRejected, read_table
from openisms.risk.models import Asset, ImportJob, ImportMapping, Risk
from openisms.risk.services.actions import create_action
from openisms.risk.services.assets import create_asset, update_asset
from openisms.risk.services.risks import create_risk
from tests.conftest import login, make_member, make_org

pytestmark = pytest.mark.django_db
USERS = ("ann", "-bob")  # a username a spreadsheet would read as a formula, too
ASSET_HEADERS = exporter.headers("assets")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Web imports of big files go through django-tasks: run them at once, in the test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def as_tests():
    return acting_as(Actor(user_id=None, label="tests"))


def members(org, role=Role.CONTRIBUTOR):
    """The same people in every organisation (users are install-wide, memberships are not)."""
    from django.contrib.auth import get_user_model

    from openisms.core.services.organisations import set_membership

    found = {}
    for name in USERS:
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            found[name] = make_member(org, name, role)
        else:
            with as_tests():
                set_membership(org, user, role)
            found[name] = user
    return found


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def imp(org, kind: str, name: str, data: bytes, **kw):
    with as_tests(), org_context(org):
        return run_import(kind, read_table(name, data), **kw)


def export(org, kind: str, fmt: str) -> bytes:
    with org_context(org):
        return exporter.to_xlsx(kind) if fmt == "xlsx" else exporter.to_csv(kind)


def cells(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def table(data: bytes) -> list[tuple]:
    """The table of an XLSX export, below the header block the register and plan open with."""
    rows = cells(data)
    if rows and rows[0][0] == "Organisation":
        rows = rows[rows.index(next(r for r in rows if not any(r))) + 1 :]
    return rows


def counts() -> tuple[int, ...]:
    return Asset.unscoped.count(), Risk.unscoped.count(), AuditEntry.unscoped.count()


def seed(org):
    """Assets and risks exercising every column (forward depends_on, escapes, Annex A refs)."""
    users = members(org)
    with as_tests(), org_context(org):
        from openisms.risk.models import ClassificationLevel, Threat, Vulnerability

        confidential = ClassificationLevel.objects.get(name="Confidential")
        crm = create_asset(
            {"name": "CRM", "type": "software", "owner": users["ann"], "custodian": users["-bob"],
             "classification": confidential, "confidentiality": 5, "integrity": 4,
             "availability": 2, "tags": ["customers", "@SUM(A1)"], "location": "+1 cloud",
             "description": "=HYPERLINK(\"http://evil.example\",\"x\")"}
        )  # fmt: skip
        db = create_asset(
            {"name": "Customer database", "type": "information", "lifecycle": "planned",
             "description": "-2 copies\nsecond line; with, commas \"quoted\""}
        )  # fmt: skip
        create_asset({"name": "Laptop fleet", "type": "hardware", "depends_on": [crm]})
        update_asset(crm, {"depends_on": [db]})
        risk = create_risk(
            {"title": "Ransomware encrypts the CRM", "assets": [crm, db], "owner": users["ann"],
             "threat": Threat.objects.get(code="T01"),
             "vulnerability": Vulnerability.objects.get(code="V01"),
             "inherent_likelihood": 4, "inherent_impact": 5, "treatment": "mitigate",
             "treatment_rationale": "Backups", "controls": ["A.8.13", "A.5.15"],
             "residual_likelihood": 2, "residual_impact": 3, "next_review": dt.date(2027, 1, 31)}
        )  # fmt: skip
        create_risk({"title": "New market", "kind": "opportunity", "description": "Ünïcode ✓"})
        create_action(risk, {"title": "Offline backups", "owner": users["-bob"],
                             "due_date": dt.date(2020, 1, 1), "control": "A.8.13"})  # fmt: skip
    return users


# --- round trip --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_into_another_organisation(org_a, org_b, fmt):
    seed(org_a)
    members(org_b)
    files = {kind: export(org_a, kind, fmt) for kind in ("assets", "risks")}
    for kind in ("assets", "risks"):  # assets first: risks refer to them
        report = imp(org_b, kind, f"{kind}.{fmt}", files[kind], dry_run=False)
        assert report.ok, report.errors
        assert report.created == {"assets": 3, "risks": 2}[kind]
    for kind in ("assets", "risks"):
        assert export(org_b, kind, "csv") == export(org_a, kind, "csv")
        assert table(export(org_b, kind, "xlsx")) == table(export(org_a, kind, "xlsx"))
    with org_context(org_b):
        crm = Asset.objects.get(name="CRM")
        assert crm.description.startswith("=HYPERLINK")  # the export's quote was undone
        assert crm.location == "+1 cloud" and crm.owner.user.username == "ann"
        assert [d.name for d in crm.depends_on.all()] == ["Customer database"]
        risk = Risk.objects.get(ref="R-0001")
        assert risk.inherent_level == "critical" and risk.next_review == dt.date(2027, 1, 31)
        assert sorted(c.ref for c in risk.controls.all()) == ["A.5.15", "A.8.13"]
    again = imp(org_b, "assets", f"assets.{fmt}", files["assets"], dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_exports_are_deterministic_and_well_formed(org_a):
    seed(org_a)
    # The register's and the plan's header block say when they were generated: at one moment,
    # two exports of the same records are byte-identical.
    moment = dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC)
    with mock.patch("openisms.risk.io.header_block.timezone.now", return_value=moment):
        for kind in ("assets", "risks", "treatment-plan"):
            assert export(org_a, kind, "csv") == export(org_a, kind, "csv")
            assert export(org_a, kind, "xlsx") == export(org_a, kind, "xlsx")
    data = export(org_a, "assets", "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # nothing in the bytes depends on the clock
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.properties.modified == book.properties.created == dt.datetime(2000, 1, 1)
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N4"
    assert all(c.font.bold for c in sheet[1]) and sheet.column_dimensions["B"].width >= 30
    assert [c.value for c in sheet[1]] == ASSET_HEADERS
    plan = table(export(org_a, "treatment-plan", "xlsx"))
    assert plan[0] == ("Risk ref", "Risk title", "Risk owner", "Action", "Action owner",
                       "Due date", "Status", "Control", "Overdue")  # fmt: skip
    assert plan[1][:5] == (
        "R-0001", "Ransomware encrypts the CRM", "ann", "Offline backups", "'-bob"
    )  # fmt: skip
    assert plan[1][6:] == ("Planned", "A.8.13 Information backup", "yes")
    text = export(org_a, "risks", "csv")
    assert text.startswith("\ufeff".encode()) and b"\r\n" in text


def test_export_neutralises_formula_injection(org_a):
    seed(org_a)
    data = export(org_a, "assets", "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    crm = next(r for r in rows if r[1] == "CRM")
    assert crm[3].startswith("'=HYPERLINK(") and crm[6] == "'+1 cloud" and crm[5] == "'-bob"
    assert crm[12] == "'@SUM(A1), customers"
    db = next(r for r in rows if r[1] == "Customer database")
    assert db[3].startswith("'-2 copies")
    book = openpyxl.load_workbook(io.BytesIO(export(org_a, "assets", "xlsx")))
    for row in book.active.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))


# --- import rules ------------------------------------------------------------------------


def test_refs_update_create_and_reserve(org_a):
    with as_tests(), org_context(org_a):
        create_asset({"name": "Old name"})  # A-0001
    rows = [["Ref", " NAME ", "type"], ["A-0001", "New name", "service"],
            ["A-0042", "Kept ref", ""], ["", "Next free", "site"]]  # fmt: skip
    report = imp(org_a, "assets", "a.xlsx", xlsx(rows), dry_run=False)
    assert report.ok and (report.created, report.updated) == (2, 1), report.errors
    with as_tests(), org_context(org_a):
        by_ref = dict(Asset.objects.values_list("ref", "name"))
        assert by_ref == {"A-0001": "New name", "A-0042": "Kept ref", "A-0043": "Next free"}
        assert create_asset({"name": "Later"}).ref == "A-0044"


def test_dry_run_reports_every_bad_row_and_writes_nothing(org_a):
    members(org_a)
    with as_tests(), org_context(org_a):
        create_asset({"name": "Existing server"})
    rows = [
        ASSET_HEADERS,
        ["", "Fine", "software", "", "ann", "", "", "Internal", 3, 3, 3, "in use", "a, b", ""],
        ["", "", "hardware", "", "", "", "", "", "", "", "", "", "", ""],
        ["", "Bad", "spaceship", "", "nobody", "", "", "Top secret", 9, "x", 0, "", "", "A-9"],
        ["A-0500", "Self", "", "", "", "", "", "", "", "", "", "", "", "A-0500"],
        ["a-0500", "Dup ref", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["", "existing SERVER", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["", "Nul", "", "nul\x00byte", "", "", "", "", "", "", "", "", "", ""],
        ["", "Twin", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["", "twin", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    before = counts()
    report = imp(org_a, "assets", "a.csv", csv_bytes(rows), dry_run=True)
    assert counts() == before
    found = {(e["row"], e["column"]) for e in report.errors}
    # An owner name nobody has is listed once for the whole file, not per row.
    assert found == {(0, ""), (3, "name"), (4, "type"), (4, "classification"),
                     (4, "confidentiality"), (4, "integrity"), (4, "availability"),
                     (4, "depends_on"), (5, "depends_on"), (6, "ref"), (7, "name"),
                     (8, "description"), (9, "name"), (10, "name")}  # fmt: skip
    messages = {(e["row"], e["column"]): e["message"] for e in report.errors}
    assert "match nobody in the people register: nobody." in messages[(0, "")]
    assert report.unknown_owners == ["nobody"]
    assert "cannot depend on itself" in messages[(5, "depends_on")]
    assert "also on row 5" in messages[(6, "ref")]
    assert "Another asset is called" in messages[(7, "name")]
    assert "NUL" in messages[(8, "description")]
    assert "row 10" in messages[(9, "name")] and "row 9" in messages[(10, "name")]
    assert report.created == 2  # rows 2 and 5 pass the checks made before writing


def test_clean_dry_run_counts_but_writes_nothing(org_a):
    before = counts()
    report = imp(org_a, "assets", "a.csv", csv_bytes([["name"], ["One"], ["Two"]]), dry_run=True)
    assert report.ok and report.created == 2 and not report.done
    assert counts() == before


BAD_FILES = {
    "unknown header": ("a.csv", csv_bytes([["name", "Colour"], ["x", "red"]]), "Unknown column"),
    "bad value": ("a.csv", csv_bytes([["name", "type"], ["x", "boat"]]), "Use one of"),
    "duplicate": ("a.csv", csv_bytes([["ref", "name"], ["A-1", "x"], ["A-1", "y"]]), "also on row"),
    "empty": ("a.csv", b"", "empty"),
    "headers only": ("a.xlsx", xlsx([["name", "type"]]), "no rows"),
    "formula": (
        "a.xlsx",
        xlsx([["name", "integrity"], ["x", "=1+2"]]),
        "Formulas are not accepted",
    ),
    "pdf": ("a.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "Upload an .xlsx or .csv file"),
    "fake xlsx": ("a.xlsx", b"name\nreally text\n", "Upload an .xlsx or .csv file"),
    "zip not xlsx": ("a.xlsx", b"PK\x03\x04garbage", "Upload an .xlsx or .csv file"),
    "not utf-8": ("a.csv", "name\nCafé\n".encode("latin-1"), "not UTF-8"),
    "too big": ("a.csv", b"name\n" + b"x" * (10 * 1024 * 1024), "the limit is 5 MB"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_change_nothing_in_the_ui(org_a, members_a, case):
    name, data, message = BAD_FILES[case]
    client = login(members_a[Role.ISMS_MANAGER])
    url = reverse("core:risk:import_upload", args=["alpha", "assets"])
    before = counts()[:2]
    response = client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)
    assert counts()[:2] == before
    assert message in response.content.decode()
    if case in ("pdf", "fake xlsx", "zip not xlsx", "not utf-8", "too big", "empty"):
        assert ImportJob.unscoped.count() == 0  # refused files are not kept


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_fail_the_cli(org_a, tmp_path, case):
    name, data, message = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = counts()
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("import", "assets", str(path), "--org", "alpha", stdout=io.StringIO())
    assert counts() == before


def test_csv_with_bom_and_semicolons(org_a):
    data = csv_bytes([["Name", "Confidentiality"], ["Büro", "2"]], delimiter=";", bom=True)
    report = imp(org_a, "assets", "a.csv", data, dry_run=False)
    assert report.ok, report.errors
    with org_context(org_a):
        assert Asset.objects.get().name == "Büro"


def test_risks_refer_to_existing_assets_only(org_a):
    with as_tests(), org_context(org_a):
        create_asset({"name": "Mail"})
    rows = [["title", "assets", "controls", "threat"], ["Phishing", "A-0001", "5.15, a.8.7", "t01"],
            ["Other", "A-0099", "A.99.1", "T999"]]  # fmt: skip
    report = imp(org_a, "risks", "r.xlsx", xlsx(rows), dry_run=True)
    assert {(e["row"], e["column"]) for e in report.errors} == {(3, "assets"), (3, "controls"),
                                                                (3, "threat")}  # fmt: skip
    report = imp(org_a, "risks", "r.xlsx", xlsx(rows[:2]), dry_run=False)
    assert report.ok
    with org_context(org_a):
        risk = Risk.objects.get()
        assert [a.name for a in risk.assets.all()] == ["Mail"] and risk.threat.code == "T01"
        assert sorted(c.ref for c in risk.controls.all()) == ["A.5.15", "A.8.7"]


def test_service_errors_are_reported_per_row(org_a):
    rows = [["title", "inherent_likelihood", "inherent_impact", "residual_likelihood",
             "residual_impact", "status"], ["Too high", 1, 1, 5, 5, ""],
            ["Accepted", "", "", "", "", "accepted"], ["Fine", 2, 2, 1, 1, ""]]  # fmt: skip
    before = counts()
    report = imp(org_a, "risks", "r.xlsx", xlsx(rows), dry_run=False)
    assert counts() == before and not report.done
    assert {e["row"] for e in report.errors} == {2, 3}
    # An accepted risk may now be imported (as an imported acceptance), but only with the
    # residual risk it accepts.
    assert any("needs its residual likelihood" in e["message"] for e in report.errors)


# --- mapping -----------------------------------------------------------------------------

OLD_REGISTER = [["Asset name", "Asset Owner", "Notes", "CIA-C"], ["Payroll", "ann", "x", 4]]


def test_cli_mapping(org_a, tmp_path):
    members(org_a)
    path = tmp_path / "old.xlsx"
    path.write_bytes(xlsx(OLD_REGISTER))
    with pytest.raises(CommandError, match="Unknown column"):
        call_command("import", "assets", str(path), "--org", "alpha", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "import", "assets", str(path), "--org", "alpha", "--map", "asset name=name",
        "--map", " ASSET OWNER =owner", "--map", "Notes=ignore", "--map", "CIA-C=confidentiality",
        stdout=out,
    )  # fmt: skip
    assert "1 created" in out.getvalue()
    with org_context(org_a):
        asset = Asset.objects.get()
        assert (asset.name, asset.owner.user.username, asset.confidentiality) == (
            "Payroll",
            "ann",
            4,
        )
    with pytest.raises(CommandError, match="not a column"):
        call_command("import", "assets", str(path), "--org", "alpha", "--map", "Notes=colour")


def test_ui_mapping_is_remembered(org_a, members_a):
    members(org_a)
    client = login(members_a[Role.OWNER])
    upload = reverse("core:risk:import_upload", args=["alpha", "assets"])
    response = client.post(upload, {"file": SimpleUploadedFile("old.xlsx", xlsx(OLD_REGISTER)),
                                    "dry_run": "on"})  # fmt: skip
    job = ImportJob.unscoped.get()
    review = reverse("core:risk:import_review", args=["alpha", "assets", job.pk])
    assert response.status_code == 302 and response["Location"] == review
    page = client.get(review).content.decode()
    assert '<select id="map-0" name="map-0">' in page and "Import 1 row" not in page
    client.post(review, {"action": "map", "map-0": "name", "map-1": "owner", "map-2": "ignore",
                         "map-3": "confidentiality"})  # fmt: skip
    page = client.get(review).content.decode()
    assert "Import 1 row" in page and '<option value="owner" selected>' in page
    assert Asset.unscoped.count() == 0
    response = client.post(review, {"action": "import"}, follow=True)
    body = response.content.decode()
    assert "Imported 1 row: 1 created" in body and '<a href="/o/alpha/risk/assets/">' in body
    assert Asset.unscoped.get().owner.user.username == "ann"
    with org_context(org_a):
        assert ImportMapping.objects.get(kind="assets").mapping["asset owner"] == "owner"
    second = [OLD_REGISTER[0], ["Pensions", "-bob", "", 2]]
    client.post(upload, {"file": SimpleUploadedFile("old2.xlsx", xlsx(second)), "dry_run": "on"})
    job = ImportJob.unscoped.order_by("-created_at").first()
    page = client.get(reverse("core:risk:import_review", args=["alpha", "assets", job.pk]))
    assert "Import 1 row" in page.content.decode()  # the remembered mapping applied


def test_ui_upload_dry_run_then_import(org_a, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    upload = reverse("core:risk:import_upload", args=["alpha", "assets"])
    page = client.get(upload).content.decode()
    assert 'name="dry_run"' in page and "checked" in page
    data = csv_bytes([["name", "type"], ["Router", "hardware"], ["Wiki", "software"]])
    response = client.post(upload, {"file": SimpleUploadedFile("a.csv", data), "dry_run": "on"},
                           follow=True)  # fmt: skip
    body = response.content.decode()
    assert "Import 2 rows" in body and Asset.unscoped.count() == 0
    job = ImportJob.unscoped.get()
    assert job.size == len(data) and len(job.sha256) == 64 and job.file.name.startswith("imports/")
    assert job.file.read() == data
    response = client.post(response.request["PATH_INFO"], {"action": "import"}, follow=True)
    assert "2 created" in response.content.decode()
    assert Asset.unscoped.count() == 2 and ImportJob.unscoped.get().status == "imported"
    direct = csv_bytes([["name"], ["Printer"]])
    response = client.post(upload, {"file": SimpleUploadedFile("b.csv", direct)})
    assert response.status_code == 302 and Asset.unscoped.count() == 3  # dry run unticked


# --- export endpoint, permissions, CLI ---------------------------------------------------


def test_export_download(org_a, members_a):
    seed(org_a)
    client = login(members_a[Role.AUDITOR])
    today = dt.date.today().isoformat()
    for kind in ("assets", "risks", "treatment-plan"):
        for fmt in ("xlsx", "csv"):
            response = client.get(reverse("core:risk:export", args=["alpha", kind, fmt]))
            assert response.status_code == 200
            assert f'filename="{kind}-alpha-{today}.{fmt}"' in response["Content-Disposition"]
            body = b"".join(response.streaming_content)
            assert body == export(org_a, kind, fmt)
    bad = client.get(reverse("core:risk:export", args=["alpha", "secrets", "csv"]))
    assert bad.status_code == 404


def test_permissions(org_a, members_a):
    upload = reverse("core:risk:import_upload", args=["alpha", "assets"])
    export_url = reverse("core:risk:export", args=["alpha", "assets", "csv"])
    data = csv_bytes([["name"], ["x"]])
    for role in (Role.VIEWER, Role.CONTRIBUTOR, Role.AUDITOR, Role.APPROVER):
        client = login(members_a[role])
        assert client.get(upload).status_code == 403
        assert client.post(upload, {"file": SimpleUploadedFile("a.csv", data)}).status_code == 403
    assert login(members_a[Role.VIEWER]).get(export_url).status_code == 403
    assert login(members_a[Role.CONTRIBUTOR]).get(export_url).status_code == 403
    assert login(members_a[Role.AUDITOR]).get(export_url).status_code == 200
    assert login(members_a[Role.OWNER]).get(upload).status_code == 200
    assert Asset.unscoped.count() == 0 and ImportJob.unscoped.count() == 0


def test_cli_export_and_import(org_a, tmp_path):
    seed(org_a)
    other = make_org("charlie")
    members(other)
    for fmt in ("xlsx", "csv"):
        out = io.StringIO()
        path = tmp_path / f"assets.{fmt}"
        call_command("export", "assets", "--org", "alpha", "--format", fmt, "--output", str(path),
                     stdout=out)  # fmt: skip
        assert "Wrote 3 assets" in out.getvalue() and path.read_bytes() == export(
            org_a, "assets", fmt
        )
    out = io.StringIO()
    call_command("import", "assets", str(tmp_path / "assets.csv"), "--org", "charlie",
                 "--dry-run", stdout=out)  # fmt: skip
    assert (
        "3 to create" in out.getvalue() and Asset.unscoped.filter(organisation=other).count() == 0
    )
    call_command("import", "assets", str(tmp_path / "assets.xlsx"), "--org", "charlie",
                 stdout=io.StringIO())  # fmt: skip
    entry = AuditEntry.unscoped.filter(organisation=other, object_type="risk.asset").first()
    assert entry.actor_label.startswith("cli:")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["name", "owner"], ["x", "nobody"], ["", ""], ["y", "", "z"]]))
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["openisms", "import", "assets", str(bad), "--org", "charlie"]).execute()
    assert exit_info.value.code != 0


class QueryCounter:
    """Counts every statement (CaptureQueriesContext stops counting at 9,000)."""

    def __init__(self) -> None:
        self.queries = self.savepoints = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            self.savepoints += 1
        else:
            self.queries += 1
        return execute(sql, params, many, context)


def test_import_of_2000_assets_is_bounded(org_a):
    members(org_a)
    rows = [["name", "type", "owner", "classification", "confidentiality", "tags"]]
    rows += [[f"Asset {i}", "hardware", "ann", "Internal", 4, "fleet"] for i in range(2000)]
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        report = imp(org_a, "assets", "a.csv", csv_bytes(rows), dry_run=False)
    assert report.ok and report.created == 2000
    # What remains per row is the services' own work: membership and foreign-key checks, the
    # insert and the audit chain (plus their savepoints); references were resolved in bulk.
    assert counter.queries < 2000 * 10
    assert counter.savepoints < 2000 * 7
    again, counter = export(org_a, "assets", "csv"), QueryCounter()
    with connection.execute_wrapper(counter):  # re-import: all unchanged, nothing written
        assert imp(org_a, "assets", "a.csv", again).unchanged == 2000
    assert counter.queries + counter.savepoints < 20


def test_read_table_refuses_other_types():
    with pytest.raises(FileRejected, match="Upload an .xlsx or .csv file"):
        read_table("x.docx", b"PK\x03\x04")
