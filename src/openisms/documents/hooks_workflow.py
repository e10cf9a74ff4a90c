"""Registers the workflow part of the documents module: navigation, dashboard panel, demo data.

The demo builder runs after the people and context builders, so the policies carry the approved
scope and the acknowledgement requests reach the people register. It writes through the same
services a user would, acting as the demo users, so the trail and the sign-offs are real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DEMO_OWNER = "manager"
DEMO_APPROVER = "approver"
DEMO_ACK_TEMPLATE = "information-security-policy"
# Demo users whose Person has already acknowledged the information security policy; the
# "viewer" is left out on purpose so that the browser path has something to acknowledge.
DEMO_ACKNOWLEDGED = ("owner", "manager", "approver")
DEMO_PROCEDURES = [
    {
        "title": "User access provisioning procedure",
        "status": "draft",
        "controls": ["A.5.15", "A.5.18", "A.8.2"],
        "content": (
            "# User access provisioning procedure\n\n"
            "## Purpose\n\nHow access to systems is requested, approved, granted, reviewed "
            "and removed.\n\n## Steps\n\n1. The line manager requests access in the service "
            "desk, naming the role.\n2. The system owner approves the request.\n3. IT grants "
            "the access and records it.\n4. Access is reviewed every quarter and removed on "
            "the last working day.\n"
        ),
    },
    {
        "title": "Backup restore test procedure",
        "status": "in_review",
        "controls": ["A.8.13"],
        "content": (
            "# Backup restore test procedure\n\n"
            "Every month IT restores one randomly chosen system from backup into the test "
            "environment, checks the data with its owner and records the result and the time "
            "the restore took.\n"
        ),
    },
]
DEMO_OVERDUE = {
    "title": "Clear desk and clear screen standard",
    "kind": "standard",
    "controls": ["A.7.7"],
    "content": (
        "# Clear desk and clear screen standard\n\n"
        "- Lock your screen (Win+L / Ctrl+Cmd+Q) whenever you leave your desk.\n"
        "- Leave no confidential paper on desks overnight; use the locked cabinets.\n"
        "- Collect prints at once; use secure print release.\n"
    ),
}


def register() -> None:
    from openisms.core import dashboard, demo, navigation
    from openisms.core.navigation import NavItem

    navigation.register("support", NavItem("Documents", "core:documents:register", "records.view"))
    navigation.register(
        "support", NavItem("To read & acknowledge", "core:documents:to_read", "records.view")
    )
    dashboard.register(dashboard_panel)
    demo.DEMO_BUILDERS.append(build_demo)


def dashboard_panel(access: Any) -> dict[str, Any] | None:
    """Reviews due within 30 days or overdue, and the user's own reading list."""
    from openisms.documents import selectors

    if not access.can("records.view"):
        return None
    data = selectors.dashboard(access.membership.user)
    if not data["due_count"] and not data["pending_count"]:
        return None
    return {"template": "documents/_dashboard.html", "context": data}


def build_demo(org: Any) -> None:
    """The demo's policy set (every template, approved and published), reading requests, a
    draft and an in-review procedure, and one document whose review is overdue. Idempotent."""
    from django.contrib.auth import get_user_model

    from openisms.documents.models import Document

    if Document.objects.exists():
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[DEMO_OWNER, DEMO_APPROVER])
    }
    manager, approver = users.get(DEMO_OWNER), users.get(DEMO_APPROVER)
    if manager is None or approver is None:
        return
    _policy_set(manager, approver)
    _procedures(manager)
    _overdue(manager, approver)


def _publish(document: Any, manager: Any, approver: Any) -> Any:
    from openisms.core.context import acting_as
    from openisms.core.permissions import Role
    from openisms.documents.services import versions

    version = document.latest_version
    with acting_as(manager):
        versions.submit(version, user=manager)
    with acting_as(approver):
        versions.approve(
            version, user=approver, role=Role.APPROVER,
            comment="Approved at the management review.",
        )  # fmt: skip
    with acting_as(manager):
        versions.publish(version, user=manager)
    version.refresh_from_db()
    return version


def _policy_set(manager: Any, approver: Any) -> None:
    from openisms.core.context import acting_as
    from openisms.documents import policy_templates
    from openisms.documents.models import Acknowledgement
    from openisms.documents.services import acknowledgements as acks
    from openisms.documents.services.documents import create_from_template
    from openisms.people.models import Person

    for template in policy_templates.all_templates():
        with acting_as(manager):
            document = create_from_template(template.key, manager, user=manager)
        version = _publish(document, manager, approver)
        if template.key != DEMO_ACK_TEMPLATE:
            continue
        everyone = Person.objects.filter(is_active=True)
        if not everyone.exists():
            continue  # no people register yet: nobody to ask
        with acting_as(manager):
            document.distribution.set(everyone)
            acks.request_acknowledgements(version, everyone, user=manager)
        done = Acknowledgement.objects.filter(
            version=version, person__user__username__in=DEMO_ACKNOWLEDGED
        ).select_related("person__user")
        # A few more staff without a login acknowledged on paper; the manager recorded it.
        paper = Acknowledgement.objects.filter(version=version, person__user__isnull=True)
        for ack in [*done, *paper.order_by("person__full_name")[:3]]:
            user = ack.person.user or manager
            with acting_as(user):
                acks.acknowledge(ack, user=user, role=_role(user))


def _role(user: Any) -> str:
    from openisms.core.context import require_org
    from openisms.core.models import Membership

    membership = Membership.objects.filter(organisation=require_org(), user=user).first()
    return membership.role if membership else ""


def _procedures(manager: Any) -> None:
    from openisms.core.context import acting_as
    from openisms.documents.services import versions
    from openisms.documents.services.documents import create_document

    for item in DEMO_PROCEDURES:
        with acting_as(manager):
            document = create_document(
                {
                    "title": item["title"], "kind": "procedure", "owner": manager,
                    "controls": item["controls"], "content": item["content"],
                    "review_months": 12,
                },
                user=manager,
            )  # fmt: skip
            if item["status"] == "in_review":
                versions.submit(document.latest_version, user=manager)


def _overdue(manager: Any, approver: Any) -> None:
    """Published a little over a year ago, never reviewed since: its review is overdue."""
    from django.utils import timezone

    from openisms.core.context import acting_as
    from openisms.documents.models import Document, DocumentVersion
    from openisms.documents.services.documents import create_document

    with acting_as(manager):
        document = create_document(
            {**DEMO_OVERDUE, "owner": manager, "review_months": 12}, user=manager
        )
    version = _publish(document, manager, approver)
    today = timezone.localdate()
    published = timezone.now() - dt.timedelta(days=386)
    with acting_as(manager):
        DocumentVersion.objects.filter(pk=version.pk).update(published_at=published)
        Document.objects.filter(pk=document.pk).update(next_review=today - dt.timedelta(days=21))
