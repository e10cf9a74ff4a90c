from openisms.context.models.issues import ContextIssue, IssueCategory, IssueKind
from openisms.context.models.parties import (
    InterestedParty,
    Obligation,
    ObligationSource,
    PartyKind,
)
from openisms.context.models.scope import ScopeStatus, ScopeVersion

__all__ = [
    "ContextIssue",
    "InterestedParty",
    "IssueCategory",
    "IssueKind",
    "Obligation",
    "ObligationSource",
    "PartyKind",
    "ScopeStatus",
    "ScopeVersion",
]
