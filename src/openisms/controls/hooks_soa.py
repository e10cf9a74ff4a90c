"""Registers the SoA part of the controls module: navigation, ``openisms export soa`` and the
checklist item "Statement of Applicability"."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError


def _export(org: Any, fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
    from openisms.controls import soa_exports

    try:
        data = soa_exports.pick(options.get("version"))
    except soa_exports.ExportError as exc:
        raise CommandError(str(exc))
    content = soa_exports.render(data, fmt)
    return content, f"SoA {data.version_label} ({data.status}, {len(data.rows)} controls) as {fmt}"


def checklist_soa(facts: Any) -> Any:
    """The approved SoA satisfies 6.1.3 d; a frozen, unapproved one is a draft."""
    from openisms.controls.models import SoaStatus, SoaVersion
    from openisms.core.dates import human_day
    from openisms.documents.checklist import APPROVED, DRAFT, Evidence

    # "approved" < "frozen": the approved version sorts first.
    rows = list(
        SoaVersion.objects.filter(status__in=[SoaStatus.APPROVED, SoaStatus.FROZEN])
        .only("id", "number", "status", "approved_at")
        .order_by("status", "-number")[:2]
    )
    if not rows:
        return None
    best = rows[0]
    url = facts.url(("core:controls:soa_version",), best.pk)
    if best.status == SoaStatus.APPROVED:
        pending = [r for r in rows[1:] if r.status == SoaStatus.FROZEN and r.number > best.number]
        more = f"; v{pending[0].number} awaits approval" if pending else ""
        when = f" on {human_day(best.approved_at)}" if best.approved_at else ""
        return Evidence(APPROVED, f"SoA v{best.number}", url, f"Approved{when}{more}.")
    return Evidence(
        DRAFT, f"SoA v{best.number}", url, "Frozen: awaiting approval by top management.",
        f"Have top management approve SoA v{best.number}.",
    )  # fmt: skip


def approved_soa() -> Any:
    """Getting started, step 6: an approved Statement of Applicability."""
    from openisms.controls.models import SoaStatus, SoaVersion

    return SoaVersion.objects.filter(status=SoaStatus.APPROVED)


def register() -> None:
    from openisms.core import getting_started as gs
    from openisms.core import navigation
    from openisms.core.exports import CliExport, register_cli_export
    from openisms.core.navigation import NavItem
    from openisms.documents.checklist import register_provider

    navigation.register(
        "planning", NavItem("Statement of Applicability", "core:controls:soa", "records.view")
    )
    register_cli_export(
        CliExport(
            "soa",
            ("xlsx", "docx", "pdf"),
            _export,
            "the Statement of Applicability (--version N; default: the approved version, else "
            "the latest frozen one)",
        )
    )
    register_provider("soa", checklist_soa)
    gs.register(
        gs.Step(
            60, "soa", "Approve the Statement of Applicability",
            "Decide each control, freeze a version and have top management approve it.",
            "core:controls:soa", "records.view", approved_soa, "Open the SoA",
        )
    )  # fmt: skip
    from openisms.controls.demo import build_demo
    from openisms.core import demo

    demo.DEMO_BUILDERS.append(build_demo)
