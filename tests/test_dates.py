"""One date format: "7 Dec 2026" on pages, the time zone named, ISO in date inputs and files."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

import openisms
from openisms.core import dates
from openisms.core.context import Actor, acting_as, org_context
from openisms.core.permissions import Role
from tests.conftest import login, person_of

SRC = Path(openisms.__file__).parent
MOMENT = dt.datetime(2026, 12, 7, 14, 5, 31, tzinfo=dt.UTC)


def render(text: str, **context) -> str:
    return Template("{% load dates %}" + text).render(Context(context))


# -- the filters --------------------------------------------------------------------------------


def test_day_and_moment_filters():
    assert render("{{ d|day }}", d=dt.date(2026, 12, 7)) == "7 Dec 2026"
    assert render("{{ d|day }}", d=dt.date(2026, 1, 31)) == "31 Jan 2026"
    assert render("{{ d|day }}", d=MOMENT) == "7 Dec 2026"
    assert render("{{ d|moment }}", d=MOMENT) == "7 Dec 2026, 14:05 UTC"
    # A bare date has no time to show.
    assert render("{{ d|moment }}", d=dt.date(2026, 12, 7)) == "7 Dec 2026"
    # Nothing stays nothing, so |default still works.
    assert render('{{ d|day|default:"never" }} {{ d|moment|default:"—" }}', d=None) == "never —"
    assert render("{{ d|day }}", d="not a date") == ""


def test_iso_style_for_templates_shared_with_exports():
    assert render('{{ d|day:"iso" }}', d=dt.date(2026, 12, 7)) == "2026-12-07"
    assert render('{{ d|moment:"iso" }}', d=MOMENT) == "2026-12-07 14:05 UTC"
    assert dates.iso_moment(dt.datetime(2026, 12, 7, 15, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))) == "2026-12-07 14:05 UTC"  # fmt: skip  # noqa: E501


def test_moment_converts_to_the_display_time_zone_and_names_it(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert render("{{ d|moment }}", d=MOMENT) == "7 Dec 2026, 15:05 CET"
    summer = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)
    assert render("{{ d|moment }}", d=summer) == "2 Jul 2026, 00:30 CEST"
    # The calendar day is the display zone's too.
    assert render("{{ d|day }}", d=summer) == "2 Jul 2026"
    # Files stay in UTC whatever the display zone.
    assert dates.iso_moment(summer) == "2026-07-01 22:30 UTC"
    # A zone without a letter abbreviation is named by its offset.
    settings.TIME_ZONE = "Asia/Dubai"
    assert render("{{ d|moment }}", d=MOMENT) == "7 Dec 2026, 18:05 UTC+04:00"


def test_no_page_template_formats_dates_its_own_way():
    offenders = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text()
        for pattern in (r"\|date\b", r"naturaltime", r"\.isoformat"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(SRC)}: {pattern}")
    assert offenders == []


# -- pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_show_the_human_format(org_a, members_a):
    from openisms.documents.models import Document
    from openisms.leadership.services.commitments import create_commitment

    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        create_commitment({"date": dt.date(2026, 9, 8), "kind": "decision", "title": "Budget"})
        doc = Document.objects.create(
            organisation=org_a, ref="DOC-0001", title="Policy", kind="policy",
            owner=person_of(members_a[Role.OWNER]), next_review=dt.date(2026, 12, 7),
        )  # fmt: skip
    client = login(members_a[Role.OWNER])
    base = f"/o/{org_a.slug}"
    commitments = client.get(f"{base}/leadership/commitments/").content.decode()
    assert "8 Sep 2026" in commitments and "2026-09-08" not in commitments
    detail = client.get(f"{base}/documents/{doc.pk}/").content.decode()
    assert "7 Dec 2026" in detail and "07 Dec 2026" not in detail
    # Datetimes name their zone: the audit trail and the dashboard's recent changes.
    audit = client.get(f"{base}/audit-trail/").content.decode()
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", audit)
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", audit)
    dashboard = client.get(f"{base}/").content.decode()
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", dashboard)


# -- date inputs --------------------------------------------------------------------------------


def _form_classes():
    for module in pkgutil.walk_packages(openisms.__path__, "openisms."):
        if "forms" not in module.name:
            continue
        mod = importlib.import_module(module.name)
        for name, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ == mod.__name__ and issubclass(cls, forms.BaseForm):
                yield f"{module.name}.{name}", cls


def test_every_date_field_renders_an_iso_value():
    checked = 0
    for name, cls in _form_classes():
        for field_name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField):
                checked += 1
                html = field.widget.render(field_name, dt.date(2026, 9, 8))
                assert 'type="date"' in html, f"{name}.{field_name}"
                assert 'value="2026-09-08"' in html, f"{name}.{field_name}: {html}"
    assert checked >= 10


@pytest.mark.django_db
def test_commitment_edit_form_round_trips_its_date(org_a, members_a):
    from openisms.leadership.models import Commitment
    from openisms.leadership.services.commitments import create_commitment

    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        item = create_commitment({"date": dt.date(2026, 9, 8), "kind": "decision", "title": "Go"})
    client = login(members_a[Role.ISMS_MANAGER])
    url = f"/o/{org_a.slug}/leadership/commitments/{item.pk}/edit/"
    body = client.get(url).content.decode()
    assert 'value="2026-09-08"' in body and "08/09/2026" not in body
    # What the browser sends back from that field is what it was given.
    value = re.search(r'name="date" value="([^"]*)"', body) or re.search(
        r'value="([^"]*)"[^>]*name="date"', body
    )
    assert value is not None
    response = client.post(url, {"date": value.group(1), "kind": "decision", "title": "Go on"})
    assert response.status_code == 302
    with org_context(org_a):
        item = Commitment.objects.get(pk=item.pk)
    assert (item.date, item.title) == (dt.date(2026, 9, 8), "Go on")


def test_human_day_in_python_text_matches_the_filter():
    day = dt.date(2026, 12, 7)
    assert dates.human_day(day) == render("{{ d|day }}", d=day)
    assert dates.human_moment(MOMENT) == render("{{ d|moment }}", d=MOMENT)
    assert dates.human_day(timezone.make_aware(dt.datetime(2026, 12, 7, 23, 0))) == "7 Dec 2026"
