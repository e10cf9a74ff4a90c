"""API routes of the controls module, under /api/v1/controls/ (same permissions as the pages).

``api_records`` (control implementation records, validation, progress), ``api_evidence``
(evidence and evidence requests), ``api_evidence_export`` (the evidence register as a file),
``api_soa`` (SoA versions, diff, approval, exports).
"""

from ninja import Router

from openisms.controls import api_evidence, api_evidence_export, api_records, api_soa

router = Router(tags=["controls"])
for part in (api_records, api_evidence, api_evidence_export, api_soa):
    router.add_router("", part.router)
