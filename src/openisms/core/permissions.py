"""The one permission map: which role may do which action in an organisation.

Every view and API route asks :func:`can` (through ``openisms.core.access``); nothing else
decides. Unknown actions raise, so a typo fails loudly instead of silently denying or allowing.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ISMS_MANAGER = "isms_manager", "ISMS manager"
    CONTRIBUTOR = "contributor", "Contributor (risk/control owner)"
    APPROVER = "approver", "Approver (top management)"
    AUDITOR = "auditor", "Auditor (read-only)"
    VIEWER = "viewer", "Viewer"


ALL = frozenset(Role)
EDITORS = frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR})
MANAGERS = frozenset({Role.OWNER, Role.ISMS_MANAGER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the organisation itself
    "org.view": ALL,
    "org.change": frozenset({Role.OWNER}),
    "members.view": frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.AUDITOR}),
    "members.manage": frozenset({Role.OWNER}),
    # reference data
    "catalogue.view": ALL,
    # accountability
    "audit_trail.view": frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.AUDITOR}),
    "audit_trail.verify": frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.AUDITOR}),
    "audit_trail.anchor": MANAGERS,
    "approvals.view": ALL,
    "approvals.request": EDITORS,
    "approvals.decide": frozenset({Role.OWNER, Role.APPROVER}),
    # ISMS records in general (domains refine with their own actions below)
    "records.view": ALL,
    "records.create": EDITORS,
    "records.change": EDITORS,
    "records.delete": MANAGERS,
    "records.export": frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.AUDITOR, Role.APPROVER}),
    "records.import": MANAGERS,
    # risk management (clauses 6.1.2, 6.1.3, 8.2, 8.3)
    "risk.methodology.change": MANAGERS,
    "risk.methodology.approve": frozenset({Role.OWNER, Role.APPROVER}),
    "risk.classification.change": MANAGERS,
    # the method's acceptance criteria narrow this further, level by level
    "risk.accept": frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR, Role.APPROVER}),
    "risk.plan.signoff": EDITORS,
    "risk.plan.approve": frozenset({Role.OWNER, Role.APPROVER}),
    # context and scope (clauses 4.1-4.3)
    "context.change": MANAGERS,
    "scope.change": MANAGERS,
    "scope.approve": frozenset({Role.OWNER, Role.APPROVER}),
    # leadership: roles, RACI, commitment records (5.1-5.3)
    "leadership.change": MANAGERS,
    # document control (7.5): authors draft and submit, top management approves, managers publish
    "documents.create": EDITORS,
    "documents.change": EDITORS,
    "documents.approve": frozenset({Role.OWNER, Role.APPROVER}),
    "documents.publish": MANAGERS,
    "documents.request_ack": MANAGERS,
    # staff read and acknowledge what they were asked to; auditors only read
    "documents.acknowledge": frozenset(
        {Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR, Role.APPROVER, Role.VIEWER}
    ),
    # people, competence, awareness and communication (7.2-7.4)
    "people.change": MANAGERS,
    "training.record": MANAGERS,
    # a line manager's confirmation that training was effective
    "training.confirm": EDITORS,
    # controls, evidence and the Statement of Applicability (6.1.3 d-e)
    "controls.change": MANAGERS,
    # control owners update the implementation of the controls they own (checked per record)
    "controls.implement": EDITORS,
    "evidence.upload": EDITORS,
    # evidence files show weaknesses: staff (viewers) see that evidence exists, not its content
    "evidence.download": frozenset(
        {Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR, Role.APPROVER, Role.AUDITOR}
    ),
    "evidence.request": MANAGERS,
    "soa.freeze": MANAGERS,
    "soa.approve": frozenset({Role.OWNER, Role.APPROVER}),
    # personal API tokens scoped to the organisation
    "api_tokens.manage_own": ALL,
}

# Roles that may never change anything, whatever a future entry in the map says.
READ_ONLY_ROLES = frozenset({Role.AUDITOR, Role.VIEWER})
READ_ACTIONS_SUFFIXES = (".view", ".verify", ".export", ".manage_own", ".acknowledge")


class UnknownAction(KeyError):
    pass


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may perform ``action``. ``None`` (no membership) may do nothing."""
    try:
        allowed = PERMISSIONS[action]
    except KeyError:
        raise UnknownAction(action) from None
    if role is None:
        return False
    return Role(role) in allowed


def actions_for(role: str) -> list[str]:
    return sorted(action for action, roles in PERMISSIONS.items() if Role(role) in roles)
