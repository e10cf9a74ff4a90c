from openisms.core.models.approval import Approval, Decision
from openisms.core.models.audit import AuditChainHead, AuditEntry
from openisms.core.models.organisation import Invitation, Membership, Organisation
from openisms.core.models.sequence import Sequence
from openisms.core.models.token import ApiToken

__all__ = [
    "ApiToken",
    "Approval",
    "AuditChainHead",
    "AuditEntry",
    "Decision",
    "Invitation",
    "Membership",
    "Organisation",
    "Sequence",
]
