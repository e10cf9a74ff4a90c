from openisms.risk.models.asset import Asset, AssetType, ClassificationLevel, Lifecycle
from openisms.risk.models.imports import ImportJob, ImportStatus
from openisms.risk.models.library import Threat, Vulnerability
from openisms.risk.models.methodology import Methodology, MethodologyStatus
from openisms.risk.models.risk import Risk, RiskKind, RiskScoreHistory, RiskStatus, Treatment
from openisms.risk.models.treatment import (
    ActionStatus,
    ImportMapping,
    TreatmentAction,
    TreatmentPlan,
)

__all__ = [
    "ActionStatus",
    "Asset",
    "AssetType",
    "ClassificationLevel",
    "ImportJob",
    "ImportMapping",
    "ImportStatus",
    "Lifecycle",
    "Methodology",
    "MethodologyStatus",
    "Risk",
    "RiskKind",
    "RiskScoreHistory",
    "RiskStatus",
    "Threat",
    "Treatment",
    "TreatmentAction",
    "TreatmentPlan",
    "Vulnerability",
]
