"""Registers the records part of the controls module (navigation, dashboard, demo)."""

from __future__ import annotations


def register() -> None:
    from openisms.controls.services.setup import seed_organisation
    from openisms.core.services.organisations import ORGANISATION_CREATED

    ORGANISATION_CREATED.append(seed_organisation)
