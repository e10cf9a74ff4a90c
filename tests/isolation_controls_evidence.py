"""Isolation samples of evidence (see test_isolation): a file, and an evidence request, in B."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from openisms.core.context import acting_as

API_BODY = {"control": "A.5.1", "due_on": "2099-01-01", "evidence": "EV-0001"}


def b_objects(org_b, owner) -> dict[str, str]:
    from openisms.controls.models import Control
    from openisms.controls.services import evidence, requests
    from openisms.controls.services.setup import ensure_controls

    with acting_as(owner):
        ensure_controls()
        control = Control.objects.get(ref="A.5.1")
        ev = evidence.create_evidence(
            {"kind": "file", "title": "B secret evidence", "controls": ["A.5.1"]},
            ContentFile(b"%PDF-1.4\nB secret\n%%EOF\n", name="b-secret.pdf"),
            user=owner,
        )
        req = requests.create_request(
            {"control": control, "requested_from": owner,
             "due_on": dt.date.today() + dt.timedelta(days=7)},
            user=owner,
        )  # fmt: skip
    return {"evidence_id": str(ev.pk), "request_id": str(req.pk)}
