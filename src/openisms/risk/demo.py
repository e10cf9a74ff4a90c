"""Demo inventory and register for the demo organisation (filled in by the demo builder)."""

from __future__ import annotations

from openisms.core.models import Organisation


def build_demo(org: Organisation) -> None:
    from openisms.risk.services.setup import seed_organisation

    seed_organisation(org)
