"""The demo's documents: every policy template drafted by the ISMS manager once the scope is
approved, approved by top management, then published; the information security policy sent to
all staff to acknowledge; a standard whose review is overdue; two procedures still in the works.

Written through the services a user would, acting as the demo users, so the trail and the
sign-offs are real; each part is a dated step (:class:`openisms.core.demo.DemoStep`), so a
version's approval always precedes its publication. Every document has an owner, a reviewer and
a classification. Idempotent: nothing is added once the register holds a document.
"""

from __future__ import annotations

from typing import Any

from openisms.core.demo import DemoStep, When, schedule

DEMO_OWNER = "manager"
DEMO_APPROVER = "approver"
DEMO_ACK_TEMPLATE = "information-security-policy"
# Demo users whose Person has already acknowledged the information security policy; the
# "viewer" is left out on purpose so that the browser path has something to acknowledge.
DEMO_ACKNOWLEDGED = ("owner", "manager", "approver")
# Who reviews a policy before it goes to top management: the managing director for the
# top-level and people policies, the control owner for the technical ones.
BUSINESS_REVIEWED = {"information-security-policy", "hr-security", "business-continuity",
                     "acceptable-use", "supplier-security"}  # fmt: skip
# Classification levels (by name): the top-level policy is shared with customers on request;
# key management and the secure development rules describe defences in detail.
CLASSIFICATION = {"information-security-policy": "Public", "cryptography": "Confidential",
                  "secure-development": "Confidential"}  # fmt: skip
DEFAULT_CLASSIFICATION = "Internal"
APPROVAL_COMMENT = (
    "Approved for publication: consistent with the approved ISMS scope and with how we work; "
    "owner and reviewer agreed the text."
)
DEMO_PROCEDURES = [
    {
        "title": "User access provisioning procedure",
        "status": "draft",
        "days_ago": 6,
        "controls": ["A.5.15", "A.5.18", "A.8.2"],
        "classification": "Internal",
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
        "days_ago": 7,
        "controls": ["A.8.13"],
        "classification": "Internal",
        "content": (
            "# Backup restore test procedure\n\n"
            "Every month IT restores one randomly chosen system from backup into the test "
            "environment, checks the data with its owner and records the result and the time "
            "the restore took.\n"
        ),
    },
]
# Published with a nine-month review cycle and not reviewed since: its review is overdue.
DEMO_OVERDUE = {
    "title": "Clear desk and clear screen standard",
    "kind": "standard",
    "controls": ["A.7.7"],
    "review_months": 9,
    "content": (
        "# Clear desk and clear screen standard\n\n"
        "- Lock your screen (Win+L / Ctrl+Cmd+Q) whenever you leave your desk.\n"
        "- Leave no confidential paper on desks overnight; use the locked cabinets.\n"
        "- Collect prints at once; use secure print release.\n"
    ),
}
OVERDUE_CREATED = When.POLICIES_DRAFTED - 10


def build_demo(org: Any) -> list[DemoStep]:
    """The documents module's steps for the demo organisation (none once a document exists)."""
    from django.contrib.auth import get_user_model

    from openisms.documents.models import Document

    if Document.objects.exists():
        return []
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[DEMO_OWNER, DEMO_APPROVER, "owner", "contributor"]
        )
    }
    manager, approver = users.get(DEMO_OWNER), users.get(DEMO_APPROVER)
    if manager is None or approver is None:
        return []
    ctx = {"manager": manager, "approver": approver, "users": users, "docs": []}
    steps = [
        DemoStep(When.POLICIES_DRAFTED, lambda: _draft_policies(ctx), "policies drafted"),
        DemoStep(When.POLICIES_SUBMITTED, lambda: _submit(ctx), "policies submitted"),
        DemoStep(When.POLICIES_APPROVED, lambda: _approve(ctx), "policies approved"),
        DemoStep(When.POLICIES_PUBLISHED, lambda: _publish(ctx), "policies published"),
        *_acknowledgement_steps(ctx),
        DemoStep(OVERDUE_CREATED, lambda: _overdue(ctx), "standard drafted"),
        DemoStep(OVERDUE_CREATED - 0.5, lambda: _submit(ctx, "overdue"), "standard submitted"),
        DemoStep(OVERDUE_CREATED - 1, lambda: _approve(ctx, "overdue"), "standard approved"),
        DemoStep(OVERDUE_CREATED - 2, lambda: _publish(ctx, "overdue"), "standard published"),
    ]
    for item in DEMO_PROCEDURES:
        steps.append(DemoStep(item["days_ago"], _procedure(ctx, item), "procedure drafted"))
        if item["status"] == "in_review":
            steps.append(
                DemoStep(item["days_ago"] - 3, _procedure_submit(ctx, item), "procedure sent")
            )
    return schedule(steps)


def _levels() -> dict[str, Any]:
    from openisms.risk.models import ClassificationLevel

    return {c.name.casefold(): c for c in ClassificationLevel.objects.all()}


def _control_data(key: str, users: dict[str, Any], levels: dict[str, Any]) -> dict[str, Any]:
    reviewer = users.get("owner" if key in BUSINESS_REVIEWED else "contributor")
    level = CLASSIFICATION.get(key, DEFAULT_CLASSIFICATION).casefold()
    return {"reviewer": reviewer, "classification": levels.get(level)}


def _draft_policies(ctx: dict[str, Any]) -> None:
    from openisms.core.context import acting_as
    from openisms.documents import policy_templates
    from openisms.documents.services.documents import create_from_template

    manager, levels = ctx["manager"], _levels()
    for template in policy_templates.all_templates():
        with acting_as(manager):
            document = create_from_template(
                template.key, manager, user=manager,
                data=_control_data(template.key, ctx["users"], levels),
            )  # fmt: skip
        ctx["docs"].append(document)


def _documents(ctx: dict[str, Any], which: str) -> list[Any]:
    return [ctx["overdue"]] if which == "overdue" else ctx["docs"]


def _submit(ctx: dict[str, Any], which: str = "policies") -> None:
    from openisms.core.context import acting_as
    from openisms.documents.services import versions

    manager = ctx["manager"]
    for document in _documents(ctx, which):
        document.refresh_from_db()
        with acting_as(manager):
            versions.submit(document.latest_version, user=manager)


def _approve(ctx: dict[str, Any], which: str = "policies") -> None:
    from openisms.core.context import acting_as
    from openisms.core.permissions import Role
    from openisms.documents.services import versions

    approver = ctx["approver"]
    for document in _documents(ctx, which):
        document.refresh_from_db()
        with acting_as(approver):
            versions.approve(
                document.latest_version, user=approver, role=Role.APPROVER,
                comment=APPROVAL_COMMENT,
            )  # fmt: skip


def _publish(ctx: dict[str, Any], which: str = "policies") -> None:
    from openisms.core.context import acting_as
    from openisms.documents.services import acknowledgements as acks
    from openisms.documents.services import versions
    from openisms.people.models import Person

    manager = ctx["manager"]
    for document in _documents(ctx, which):
        document.refresh_from_db()
        version = document.latest_version
        with acting_as(manager):
            versions.publish(version, user=manager)
        if document.template_key != DEMO_ACK_TEMPLATE:
            continue
        everyone = Person.objects.filter(is_active=True)
        if not everyone.exists():
            continue  # no people register yet: nobody to ask
        with acting_as(manager):
            document.distribution.set(everyone)
            acks.request_acknowledgements(version, everyone, user=manager)
        ctx["ack_version"] = version


def _acknowledgement_steps(ctx: dict[str, Any]) -> list[DemoStep]:
    """The demo users with a Person acknowledge over the following days; three staff without
    a login acknowledged on paper, recorded by the ISMS manager a week later."""
    steps = [
        DemoStep(When.POLICIES_PUBLISHED - 1 - i, _acknowledger(ctx, username), "acknowledged")
        for i, username in enumerate(DEMO_ACKNOWLEDGED)
    ]
    steps.append(DemoStep(When.POLICIES_PUBLISHED - 7, _paper(ctx), "paper acknowledgements"))
    return steps


def _acknowledger(ctx: dict[str, Any], username: str) -> Any:
    def run() -> None:
        from openisms.documents.models import Acknowledgement

        version = ctx.get("ack_version")
        if version is None:
            return
        for ack in Acknowledgement.objects.filter(
            version=version, person__user__username=username
        ).select_related("person__user"):
            _acknowledge(ack, ack.person.user)

    return run


def _paper(ctx: dict[str, Any]) -> Any:
    def run() -> None:
        from openisms.documents.models import Acknowledgement

        version = ctx.get("ack_version")
        if version is None:
            return
        paper = Acknowledgement.objects.filter(version=version, person__user__isnull=True)
        for ack in paper.order_by("person__full_name")[:3]:
            _acknowledge(ack, ctx["manager"])

    return run


def _acknowledge(ack: Any, user: Any) -> None:
    from openisms.core.context import acting_as
    from openisms.documents.services import acknowledgements as acks

    with acting_as(user):
        acks.acknowledge(ack, user=user, role=_role(user))


def _role(user: Any) -> str:
    from openisms.core.context import require_org
    from openisms.core.models import Membership

    membership = Membership.objects.filter(organisation=require_org(), user=user).first()
    return membership.role if membership else ""


def _procedure(ctx: dict[str, Any], item: dict[str, Any]) -> Any:
    def run() -> None:
        from openisms.core.context import acting_as
        from openisms.documents.services.documents import create_document

        manager, levels = ctx["manager"], _levels()
        with acting_as(manager):
            ctx[item["title"]] = create_document(
                {
                    "title": item["title"], "kind": "procedure", "owner": manager,
                    "controls": item["controls"], "content": item["content"],
                    "review_months": 12, "reviewer": ctx["users"].get("contributor"),
                    "classification": levels.get(item["classification"].casefold()),
                },
                user=manager,
            )  # fmt: skip

    return run


def _procedure_submit(ctx: dict[str, Any], item: dict[str, Any]) -> Any:
    def run() -> None:
        from openisms.core.context import acting_as
        from openisms.documents.services import versions

        manager = ctx["manager"]
        document = ctx[item["title"]]
        document.refresh_from_db()
        with acting_as(manager):
            versions.submit(document.latest_version, user=manager)

    return run


def _overdue(ctx: dict[str, Any]) -> None:
    from openisms.core.context import acting_as
    from openisms.documents.services.documents import create_document

    manager, levels = ctx["manager"], _levels()
    with acting_as(manager):
        ctx["overdue"] = create_document(
            {
                **DEMO_OVERDUE, "owner": manager, "reviewer": ctx["users"].get("owner"),
                "classification": levels.get(DEFAULT_CLASSIFICATION.casefold()),
            },
            user=manager,
        )  # fmt: skip
