"""API routes of document control, under /api/v1/documents/ (same permissions as the pages).

``api_workflow`` (documents, versions, review/approval/publication, acknowledgements),
``api_exports`` (DOCX/PDF/XLSX downloads), ``api_checklist`` (mandatory documented information).
"""

from ninja import Router

from openisms.documents import api_checklist, api_exports, api_workflow

router = Router(tags=["documents"])
for part in (api_workflow, api_exports, api_checklist):
    router.add_router("", part.router)
