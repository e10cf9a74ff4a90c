from openisms.controls.models.control import Control, ImplementationStatus
from openisms.controls.models.evidence import (
    Evidence,
    EvidenceKind,
    EvidenceRequest,
    RequestStatus,
)
from openisms.controls.models.soa import SoaStatus, SoaVersion

__all__ = [
    "Control",
    "Evidence",
    "EvidenceKind",
    "EvidenceRequest",
    "ImplementationStatus",
    "RequestStatus",
    "SoaStatus",
    "SoaVersion",
]
