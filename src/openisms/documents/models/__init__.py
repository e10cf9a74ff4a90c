from openisms.documents.models.acknowledgement import Acknowledgement
from openisms.documents.models.checklist import ChecklistLink
from openisms.documents.models.document import (
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)

__all__ = [
    "Acknowledgement",
    "ChecklistLink",
    "Document",
    "DocumentKind",
    "DocumentStatus",
    "DocumentVersion",
    "VersionStatus",
]
