"""The organisation's classification scheme (A.5.12) can be changed in the UI and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from openisms.core.context import org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.risk.models import ClassificationLevel
from openisms.risk.services.assets import create_asset
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db
URL = "/o/alpha/risk/classification/"


def names(org) -> list[str]:
    with org_context(org):
        return list(ClassificationLevel.objects.order_by("order").values_list("name", flat=True))


def test_manager_adds_renames_and_deletes_levels(members_a, org_a):
    client = login(members_a[Role.ISMS_MANAGER])
    page = client.get(URL).content.decode()
    assert "Confidential" in page and "Add a level" in page
    assert client.post(URL, {"name": "Secret", "description": "Board only"}).status_code == 302
    assert names(org_a)[-1] == "Secret"
    duplicate = client.post(URL, {"name": "secret"})
    assert "already a level called" in duplicate.content.decode()
    with org_context(org_a):
        secret = ClassificationLevel.objects.get(name="Secret")
    edit = client.post(f"{URL}{secret.pk}/", {"name": "Top secret", "order": 9})
    assert edit.status_code == 302 and names(org_a)[-1] == "Top secret"
    client.post(f"{URL}{secret.pk}/delete/")
    assert "Top secret" not in names(org_a)


def test_a_level_in_use_cannot_be_deleted(members_a, org_a):
    with org_context(org_a):
        level = ClassificationLevel.objects.get(name="Internal")
        create_asset({"name": "Wiki", "type": "software", "classification": level})
    client = login(members_a[Role.OWNER])
    response = client.post(f"{URL}{level.pk}/delete/", follow=True)
    assert "reclassify them" in response.content.decode()
    assert "Internal" in names(org_a)


def test_a_level_classifying_a_document_cannot_be_deleted(members_a, org_a):
    from openisms.documents.models import Document

    with org_context(org_a):
        level = ClassificationLevel.objects.get(name="Confidential")
        Document.objects.create(
            ref="DOC-0001", title="HR procedure", kind="procedure",
            owner=person_of(members_a[Role.OWNER]), classification=level,
        )  # fmt: skip
    client = login(members_a[Role.OWNER])
    response = client.post(f"{URL}{level.pk}/delete/", follow=True)
    assert "reclassify them" in response.content.decode()
    assert "Confidential" in names(org_a)


def test_roles(members_a, org_a):
    with org_context(org_a):
        level = ClassificationLevel.objects.first()
    for role in (Role.VIEWER, Role.CONTRIBUTOR, Role.AUDITOR, Role.APPROVER):
        client = login(members_a[role])
        page = client.get(URL).content.decode()
        assert "Confidential" in page and "Add a level" not in page
        assert client.post(URL, {"name": "X"}).status_code == 403
        assert client.post(f"{URL}{level.pk}/", {"name": "X"}).status_code == 403


def test_empty_scheme_has_an_empty_state(members_a, org_a):
    with org_context(org_a):
        ClassificationLevel.objects.all().delete()
    page = login(members_a[Role.OWNER]).get(URL).content.decode()
    assert "No levels yet" in page


def test_api_crud(members_a, org_a):
    _, raw = issue_token(members_a[Role.ISMS_MANAGER], org_a, "scheme")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    base = "/api/v1/risk/classification-levels"
    made = api.post(base, {"name": "Secret"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["order"] == 5
    level_id = made.json()["id"]
    renamed = api.patch(
        f"{base}/{level_id}", {"name": "Top secret"}, content_type="application/json"
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Top secret"
    clash = api.post(base, {"name": "top SECRET"}, content_type="application/json")
    assert clash.status_code == 400 and "already" in str(clash.json()["detail"])
    assert api.delete(f"{base}/{level_id}").status_code == 204
    _, viewer = issue_token(members_a[Role.VIEWER], org_a, "read")
    read_only = Client(headers={"Authorization": f"Bearer {viewer}"})
    assert read_only.get(base).json()["count"] == 4
    assert read_only.post(base, {"name": "X"}, content_type="application/json").status_code == 403
