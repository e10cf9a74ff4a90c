"""Owners are people of the register (with or without a login), not logins (issue 10, item 1)."""

from __future__ import annotations

import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from openisms.controls.services import records
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import Actor, acting_as, org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.leadership.models import IsmsRole
from openisms.people.identity import display_name, owner_choices, person_for, resolve_owner
from openisms.people.migration_owners import people_for_logins
from openisms.people.models import Person
from openisms.people.services.staff import create_person, delete_person
from openisms.risk import selectors
from openisms.risk.io import exporter
from openisms.risk.models import Asset, ImportJob, Risk
from openisms.risk.services.actions import create_action
from openisms.risk.services.assets import create_asset, update_asset
from openisms.risk.services.risks import create_risk
from tests.conftest import login, person_of
from tests.test_risk_io import xlsx

pytestmark = pytest.mark.django_db
TITLES = ("CFO", "Head of IT", "Office Manager")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def as_tester():
    return acting_as(Actor(user_id=None, label="tests"))


def staff(org, name: str, **extra) -> Person:
    with as_tester(), org_context(org):
        return create_person({"full_name": name, **extra})


# --- the migration's mapping ----------------------------------------------------------------


def test_mapping_reuses_linked_people_and_creates_the_missing_once(org_a, org_b, members_a):
    User = get_user_model()
    named = User.objects.create_user("mia", email="mia@example.test", first_name="Mia",
                                     last_name="Müller")  # fmt: skip
    linked = person_of(members_a[Role.CONTRIBUTOR], org_a)
    pairs = {(org_a.pk, members_a[Role.CONTRIBUTOR].pk), (org_a.pk, named.pk),
             (org_b.pk, named.pk)}  # fmt: skip
    with as_tester():
        mapped = people_for_logins(apps, pairs)
        again = people_for_logins(apps, pairs)
    assert mapped == again  # nothing created twice
    assert mapped[(org_a.pk, members_a[Role.CONTRIBUTOR].pk)] == linked.pk
    mia = Person.unscoped.filter(user=named)
    assert mia.count() == 2  # one per organisation (unique per organisation and login)
    assert {(p.full_name, p.email) for p in mia} == {("Mia Müller", "mia@example.test")}
    assert {p.pk for p in mia} == {mapped[(org_a.pk, named.pk)], mapped[(org_b.pk, named.pk)]}


# --- people without a login own records ------------------------------------------------------


def test_a_person_without_login_owns_asset_risk_control_and_action(org_a, members_a):
    ben = staff(org_a, "Ben Carter", job_title="System Administrator")
    with as_tester(), org_context(org_a):
        asset = create_asset({"name": "ERP", "type": "software", "owner": ben, "custodian": ben})
        risk = create_risk({"title": "Ransomware", "owner": ben})
        action = create_action(risk, {"title": "Offline backups", "owner": "Ben Carter"})
        ensure_controls()
        control = records.update_control(
            records.Control.objects.get(ref="A.8.13"), {"owner": ben},
            user=members_a[Role.ISMS_MANAGER], role=Role.ISMS_MANAGER,
        )  # fmt: skip
        assert asset.owner == ben and risk.owner == ben and action.owner == ben
        assert control.owner == ben and ben.user is None
        # An ISMS role may stand as the asset's owner instead of a person, not beside one.
        role = IsmsRole.objects.get(name="ISMS manager")
        update_asset(asset, {"owner_role": role})
        asset.refresh_from_db()
        assert asset.owner is None and display_name(asset.owned_by) == "Role: ISMS manager"
        with pytest.raises(ValidationError, match="not both"):
            update_asset(asset, {"owner": ben, "owner_role": role})
        # Someone who owns records is not deleted (deactivate them instead).
        with pytest.raises(ValidationError, match="owns records"):
            delete_person(ben)
    page = login(members_a[Role.VIEWER]).get(f"/o/alpha/risk/assets/{asset.pk}/").content.decode()
    assert "Role: ISMS manager" in page


def test_pickers_offer_active_people_but_not_auditors_or_viewers(org_a, members_a):
    auditor = person_of(members_a[Role.AUDITOR], org_a)
    viewer = person_of(members_a[Role.VIEWER], org_a)
    ben = staff(org_a, "Ben Carter")
    gone = staff(org_a, "Gone Person", is_active=False)
    with org_context(org_a):
        offered = set(owner_choices())
        assert ben in offered and person_for(members_a[Role.CONTRIBUTOR]) in offered
        assert not offered & {auditor, viewer, gone}
        with pytest.raises(ValidationError, match="may not own"):
            resolve_owner(auditor)
    page = login(members_a[Role.ISMS_MANAGER]).get("/o/alpha/risk/register/new/").content.decode()
    assert f'value="{ben.pk}"' in page and f'value="{auditor.pk}"' not in page
    assert f'value="{viewer.pk}"' not in page and f'value="{gone.pk}"' not in page


# --- permissions and "my" pages go through the person linked to the login --------------------


def test_contributor_implements_the_controls_their_person_owns(org_a, members_a):
    contributor = members_a[Role.CONTRIBUTOR]
    with as_tester(), org_context(org_a):
        ensure_controls()
        mine, other = (records.Control.objects.get(ref=r) for r in ("A.8.13", "A.8.15"))
        manager = members_a[Role.ISMS_MANAGER]
        records.update_control(mine, {"owner": contributor}, user=manager, role=Role.ISMS_MANAGER)
        records.update_control(other, {"owner": staff(org_a, "Ben Carter")}, user=manager,
                               role=Role.ISMS_MANAGER)  # fmt: skip
        mine.refresh_from_db()
        assert mine.owner.user == contributor
        assert records.may_implement(mine, contributor, Role.CONTRIBUTOR)
        assert not records.may_implement(other, contributor, Role.CONTRIBUTOR)
    client = login(contributor)
    ok = client.post(f"/o/alpha/controls/{mine.pk}/implement/",
                     {"status": "partial", "implementation": "Nightly backups"})  # fmt: skip
    refused = client.post(f"/o/alpha/controls/{other.pk}/implement/",
                          {"status": "partial"})  # fmt: skip
    assert ok.status_code in (200, 302) and refused.status_code == 403
    mine.refresh_from_db()
    assert mine.implementation == "Nightly backups"


def test_my_risks_and_actions_through_the_person(org_a, members_a):
    contributor = members_a[Role.CONTRIBUTOR]
    with as_tester(), org_context(org_a):
        risk = create_risk({"title": "Mine", "owner": contributor})
        create_risk({"title": "Ben's", "owner": staff(org_a, "Ben Carter")})
        create_action(risk, {"title": "My action", "owner": person_for(contributor)})
        work = selectors.my_work(contributor)
        assert [r.title for r in work["risks"]] == ["Mine"]
        assert [a.title for a in work["actions"]] == ["My action"]
    page = login(contributor).get("/o/alpha/risk/mine/").content.decode()
    assert "Mine" in page and "Ben&#x27;s" not in page and "Ben's" not in page


# --- the API: owners by id, name, e-mail or username; names out ------------------------------


@pytest.mark.parametrize("auth", ["token", "session"])
def test_api_takes_an_owner_by_name_email_username_or_id(org_a, members_a, auth):
    user = members_a[Role.ISMS_MANAGER]
    client = (
        Client(headers={"Authorization": f"Bearer {issue_token(user, org_a, 'tests')[1]}"})
        if auth == "token"
        else login(user)
    )
    headers = {} if auth == "token" else {"HTTP_X_ORGANISATION": "alpha"}
    ben = staff(org_a, "Ben Carter", email="ben@example.test")

    def post(owner):
        body = json.dumps({"title": f"Risk for {owner}", "owner": owner})
        return client.post("/api/v1/risk/risks", body, content_type="application/json", **headers)

    for given in ("Ben Carter", "BEN@example.test", str(ben.pk)):
        response = post(given)
        assert response.status_code == 201, response.content
        assert (response.json()["owner"], response.json()["owner_id"]) == (
            "Ben Carter",
            str(ben.pk),
        )
    by_login = post("a-contributor").json()
    assert by_login["owner"] == "a-contributor"  # no full name: the username stands in
    unknown = post("Nobody Known")
    assert unknown.status_code in (400, 422) and "No person called" in unknown.content.decode()
    staff(org_a, "Ben Carter", email="other.ben@example.test")
    twice = post("Ben Carter")
    assert twice.status_code in (400, 422) and "Several people match" in twice.content.decode()
    asset = client.post(
        "/api/v1/risk/assets",
        json.dumps({"name": "Wiki", "owner_role": "ISMS manager"}),
        content_type="application/json", **headers,
    )  # fmt: skip
    assert asset.status_code == 201, asset.content
    assert asset.json()["owner_role"] == "ISMS manager" and asset.json()["owner"] is None


# --- imports: unknown owners listed once; created on request --------------------------------


def register_file(prefix: str = "Asset") -> bytes:
    rows = [["Asset name", "Asset Owner"]]
    rows += [[f"{prefix} {i}", TITLES[i % 3]] for i in range(6)]
    return xlsx(rows)


MAP = ["--map", "Asset name=name", "--map", "Asset Owner=owner"]


def test_cli_import_lists_unknown_owners_once_and_creates_them_on_request(
    org_a, members_a, tmp_path
):
    path = tmp_path / "register.xlsx"
    path.write_bytes(register_file())
    with pytest.raises(CommandError) as refused:
        call_command("import", "assets", str(path), "--org", "alpha", *MAP, "--dry-run")
    text = str(refused.value)
    assert all(text.count(title) == 1 for title in TITLES), text
    assert "1 problem(s)" in text and Asset.unscoped.count() == 0
    out = io.StringIO()
    call_command("import", "assets", str(path), "--org", "alpha", *MAP,
                 "--create-missing-owners", stdout=out)  # fmt: skip
    assert "6 created" in out.getvalue() and "CFO, Head of IT, Office Manager" in out.getvalue()
    with org_context(org_a):
        people = {p.full_name: p for p in Person.objects.filter(full_name__in=TITLES)}
        assert set(people) == set(TITLES) and all(p.user is None for p in people.values())
        assert {a.owner.full_name for a in Asset.objects.select_related("owner")} == set(TITLES)
    # Another file with the same owners: the names now resolve to those people.
    path.write_bytes(register_file("Laptop"))
    call_command("import", "assets", str(path), "--org", "alpha", *MAP, stdout=io.StringIO())
    assert Person.unscoped.filter(full_name__in=TITLES).count() == 3


def test_web_dry_run_lists_unknown_owners_once_with_create_or_map(org_a, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    cfo = staff(org_a, "Clara Finance", job_title="CFO")
    upload = reverse("core:risk:import_upload", args=["alpha", "assets"])
    client.post(upload, {"file": SimpleUploadedFile("r.xlsx", register_file()), "dry_run": "on"})
    job = ImportJob.unscoped.get()
    review = reverse("core:risk:import_review", args=["alpha", "assets", job.pk])
    client.post(review, {"action": "map", "map-0": "name", "map-1": "owner"})
    page = client.get(review).content.decode()
    section = page.split('id="unknown-owners"')[1].split("</section>")[0]
    for title in TITLES:
        assert section.count(f">{title}</label>") == 1
    names = {f"owner-name-{i}": t for i, t in enumerate(TITLES)}
    choice = {"owner-0": str(cfo.pk), "owner-1": "create", "owner-2": "create"}
    client.post(review, {"action": "owners", **names, **choice})
    page = client.get(review).content.decode()
    assert "Import 6 rows" in page and "Head of IT, Office Manager" in page
    response = client.post(review, {"action": "import"}, follow=True)
    assert "6 created" in response.content.decode()
    with org_context(org_a):
        owners = {a.owner.full_name for a in Asset.objects.select_related("owner")}
    assert owners == {"Clara Finance", "Head of IT", "Office Manager"}


# --- one display name everywhere -------------------------------------------------------------


def test_names_are_the_same_on_pages_exports_and_api(org_a, members_a):
    manager = members_a[Role.ISMS_MANAGER]
    manager.first_name, manager.last_name = "Max", "Manager"
    manager.save()
    Person.unscoped.filter(user=manager).update(full_name="Max Manager")
    with as_tester(), org_context(org_a):
        risk = create_risk({"title": "Phishing", "owner": manager})
        create_asset({"name": "Mail", "type": "service", "owner": manager})
        assert display_name(risk.owner) == display_name(manager) == "Max Manager"
        csv_text = exporter.to_csv("assets").decode("utf-8-sig")
    assert "Max Manager" in csv_text and ",a-isms_manager," not in csv_text
    client = login(manager)
    for url in ("/o/alpha/risk/register/", f"/o/alpha/risk/register/{risk.pk}/",
                "/o/alpha/risk/assets/"):  # fmt: skip
        page = client.get(url).content.decode()
        assert "Max Manager" in page, url
        assert ">a-isms_manager<" not in page, url
    api = client.get(f"/api/v1/risk/risks/{risk.pk}", HTTP_X_ORGANISATION="alpha").json()
    assert api["owner"] == "Max Manager"
    with org_context(org_a):
        assert Risk.objects.get().owner.user == manager
