from openisms.leadership.models.commitment import Commitment, CommitmentKind
from openisms.leadership.models.roles import IsmsProcess, IsmsRole, Raci, RaciAssignment

__all__ = ["Commitment", "CommitmentKind", "IsmsProcess", "IsmsRole", "Raci", "RaciAssignment"]
