"""Leadership pages: who sees and who changes what, the forms, the htmx RACI cell, exports."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from openisms.core.context import org_context
from openisms.core.permissions import Role, can
from openisms.leadership.models import Commitment, IsmsProcess, IsmsRole, RaciAssignment
from openisms.people.models import Competence, Person
from tests.conftest import login

pytestmark = pytest.mark.django_db
BASE = "/o/alpha/leadership"


@pytest.fixture
def records(org_a, system_actor):
    with org_context(org_a):
        role = IsmsRole.objects.get(name="ISMS manager")
        process = IsmsProcess.objects.get(name="Risk assessment")
        person = Person.objects.create(organisation=org_a, full_name="Petra Person",
                                       job_title="Quality lead")  # fmt: skip
        competence = Competence.objects.create(organisation=org_a, name="Risk assessment")
        item = Commitment.objects.create(organisation=org_a, kind="resource", title="Budget",
                                         amount=1000)  # fmt: skip
    return {"role": role, "process": process, "person": person, "competence": competence,
            "commitment": item}  # fmt: skip


def test_pages_render_for_every_role_and_edit_links_follow_the_map(members_a, records):
    role, item = records["role"], records["commitment"]
    for member_role, user in members_a.items():
        client = login(user)
        manager = can(member_role, "leadership.change")
        for url in (f"{BASE}/roles/", f"{BASE}/roles/{role.pk}/", f"{BASE}/raci/",
                    f"{BASE}/commitments/", f"{BASE}/competence-gaps/"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 200, (member_role, url)
        raci = client.get(f"{BASE}/raci/").content.decode()
        assert ('name="letter"' in raci) is manager, member_role
        assert ("Download XLSX" in raci) is can(member_role, "records.export"), member_role
        for url in (f"{BASE}/roles/new/", f"{BASE}/roles/{role.pk}/edit/",
                    f"{BASE}/processes/new/", f"{BASE}/processes/{records['process'].pk}/edit/",
                    f"{BASE}/commitments/new/", f"{BASE}/commitments/{item.pk}/edit/",
                    f"{BASE}/roles/people/?person_q=pet"):  # fmt: skip
            assert client.get(url).status_code == (200 if manager else 403), (member_role, url)


def test_viewer_cannot_change_anything(members_a, records):
    viewer = login(members_a[Role.VIEWER])
    p, r = records["process"], records["role"]
    posts = {
        f"{BASE}/raci/{p.pk}/{r.pk}/": {"letter": "C"},
        f"{BASE}/roles/new/": {"name": "Sneaky"},
        f"{BASE}/roles/{r.pk}/edit/": {"name": "Renamed"},
        f"{BASE}/roles/{r.pk}/delete/": {},
        f"{BASE}/processes/{p.pk}/delete/": {},
        f"{BASE}/commitments/new/": {"title": "x", "kind": "decision", "date": "2025-01-01"},
        f"{BASE}/commitments/{records['commitment'].pk}/delete/": {},
        f"{BASE}/defaults/": {},
    }
    for url, data in posts.items():
        assert viewer.post(url, data, headers={"HX-Request": "true"}).status_code == 403, url
    with org_context(records["role"].organisation):
        assert RaciAssignment.objects.get(process=p, role=r).letter == "A"
        assert IsmsRole.objects.filter(name="ISMS manager").exists()
        assert Commitment.objects.count() == 1


def test_htmx_cell_update_saves_and_refreshes_the_warnings(members_a, records):
    client = login(members_a[Role.ISMS_MANAGER])
    p, r = records["process"], records["role"]
    url = f"{BASE}/raci/{p.pk}/{r.pk}/"
    response = client.post(url, {"letter": "R"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="R" selected>' in html
    assert 'id="raci-warnings"' in html and 'hx-swap-oob="true"' in html
    assert "Risk assessment</a>: nobody is accountable (A)" in html
    with org_context(p.organisation):
        assert RaciAssignment.objects.get(process=p, role=r).letter == "R"
    response = client.post(url, {"letter": "A"}, headers={"HX-Request": "true"})
    assert "Every process has exactly one accountable role" in response.content.decode()
    response = client.post(url, {"letter": "Z"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "R (responsible)" in response.content.decode()
    # Without htmx: back to the matrix; an empty letter clears the cell.
    response = client.post(url, {"letter": ""})
    assert response.status_code == 302 and response.url.endswith("/leadership/raci/")
    with org_context(p.organisation):
        assert not RaciAssignment.objects.filter(process=p, role=r).exists()
    assert client.get(url).status_code == 405


def test_role_form_creates_a_role_with_holders_and_competences(members_a, records):
    client = login(members_a[Role.ISMS_MANAGER])
    data = {
        "name": "Privacy champion",
        "responsibilities": "Answers staff questions on personal data.",
        "authorities": "Escalates to the DPO.",
        "holders": [str(records["person"].pk)],
        "required_competences": [str(records["competence"].pk)],
    }
    response = client.post(f"{BASE}/roles/new/", data)
    assert response.status_code == 302
    with org_context(records["role"].organisation):
        role = IsmsRole.objects.get(name="Privacy champion")
        assert list(role.holders.all()) == [records["person"]]
        assert list(role.required_competences.all()) == [records["competence"]]
    page = client.get(response.url).content.decode()
    assert "Petra Person" in page and "Risk assessment" in page
    assert "1 gap" in page  # Petra holds no recorded competence
    again = client.post(f"{BASE}/roles/new/", {**data, "name": "PRIVACY CHAMPION"})
    assert again.status_code == 200
    assert "There is already a role called" in again.content.decode()


def test_people_picker_keeps_ticked_people_and_finds_others(members_a, records, org_a):
    client = login(members_a[Role.ISMS_MANAGER])
    with org_context(org_a):
        other = Person.objects.create(organisation=org_a, full_name="Otto Other")
    picker = client.get(
        f"{BASE}/roles/people/", {"person_q": "otto", "holders": [str(records["person"].pk)]}
    ).content.decode()
    assert f'value="{records["person"].pk}" checked' in picker
    assert f'value="{other.pk}">' in picker and "Otto Other" in picker
    # Without JavaScript the edit page itself shows the matches.
    page = client.get(f"{BASE}/roles/{records['role'].pk}/edit/?person_q=quality").content
    assert b"Petra Person" in page and b"tick to add" in page


def test_process_form_validates_the_clause(members_a, records):
    client = login(members_a[Role.OWNER])
    response = client.post(f"{BASE}/processes/new/", {"name": "Supplier reviews", "clause": "8.9"})
    assert response.status_code == 200
    assert "Not a clause of ISO/IEC 27001:2022: 8.9" in response.content.decode()
    response = client.post(f"{BASE}/processes/new/", {"name": "Supplier reviews", "clause": "8.1"})
    assert response.status_code == 302
    matrix = client.get(f"{BASE}/raci/").content.decode()
    assert "Supplier reviews" in matrix and "Supplier reviews</a>: nobody is accountable" in matrix


def test_commitments_list_filters_and_totals(members_a, records):
    client = login(members_a[Role.ISMS_MANAGER])
    response = client.post(f"{BASE}/commitments/new/", {
        "date": "2024-05-02", "kind": "resource", "title": "Awareness budget",
        "amount": "2500.50", "effort_days": "4",
    })  # fmt: skip
    assert response.status_code == 302
    with org_context(records["role"].organisation):
        assert (
            Commitment.objects.get(title="Awareness budget").recorded_by.username
            == "a-isms_manager"
        )
    page = client.get(f"{BASE}/commitments/").content.decode()
    assert "Awareness budget" in page and 'id="total-amount">3,500.50<' in page
    page = client.get(f"{BASE}/commitments/?year=2024").content.decode()
    assert "Awareness budget" in page and "<strong>Budget</strong>" not in page
    page = client.get(f"{BASE}/commitments/?kind=decision").content.decode()
    assert "Nothing matches these filters" in page
    bad = client.post(f"{BASE}/commitments/new/", {"date": "2024-05-02", "kind": "resource",
                                                    "title": "x", "amount": "-5"})  # fmt: skip
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_raci_exports_parse_and_follow_the_export_permission(members_a, records):
    auditor = login(members_a[Role.AUDITOR])
    response = auditor.get(f"{BASE}/raci/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Process", "Clause", "Top management"]
    assert rows[3][:2] == ["Risk assessment", "6.1.2"] and "A" in rows[3]
    response = auditor.get(f"{BASE}/raci/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[:2] == ["Process", "Clause"])
    assert values[0][:2] == ["Organisation", "Alpha Ltd"] and len(values) == header + 1 + 14
    assert login(members_a[Role.VIEWER]).get(f"{BASE}/raci/export.csv").status_code == 403
    assert auditor.get(f"{BASE}/raci/export.pdf").status_code == 404


def test_defaults_fill_an_empty_module_from_the_page(members_a, org_a):
    with org_context(org_a):
        RaciAssignment.objects.all().delete()
        IsmsProcess.objects.all().delete()
        IsmsRole.objects.all().delete()
    client = login(members_a[Role.OWNER])
    assert b"Start from the default roles" in client.get(f"{BASE}/roles/").content
    assert client.post(f"{BASE}/defaults/").status_code == 302
    with org_context(org_a):
        assert IsmsRole.objects.count() == 8
    client.post(f"{BASE}/defaults/")
    with org_context(org_a):
        assert IsmsRole.objects.count() == 8


def test_role_delete_and_gap_filter(members_a, records):
    client = login(members_a[Role.ISMS_MANAGER])
    role = records["role"]
    page = client.get(f"{BASE}/competence-gaps/?role={role.pk}").content.decode()
    assert page.count('class="card role-gaps"') == 1
    assert client.get(f"{BASE}/competence-gaps/?role=nonsense").status_code == 200
    assert client.post(f"{BASE}/roles/{role.pk}/delete/").status_code == 302
    with org_context(role.organisation):
        assert not IsmsRole.objects.filter(pk=role.pk).exists()
