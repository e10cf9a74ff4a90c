"""Downloads: a document version as DOCX or PDF, the document register as XLSX.

Staff may download what is in force (a published version) with ``records.view``, as they may
read it; drafts, older versions and the register are exports (``records.export``).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from openisms.core.access import org_view
from openisms.documents import exports

READ_METHODS = ("GET", "HEAD")


def attachment(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _version_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("version", "").strip().lstrip("v")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise Http404("No such version.")
    return int(raw)


@org_view("records.view")
def export_document(request: HttpRequest, document_id: str, fmt: str) -> HttpResponse:
    if fmt not in exports.DOCUMENT_FORMATS:
        raise Http404("Documents download as DOCX or PDF.")
    # Look the record up before anything else: a foreign id is a 404 whatever the method.
    document = get_object_or_404(exports.documents_for_export(), pk=document_id)
    try:
        version = exports.pick_version(document, _version_number(request))
    except exports.ExportError as exc:
        raise Http404(str(exc))
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    request.org_access.require(exports.required_action(version))
    content = exports.render_document(document, version, fmt)
    return attachment(content, exports.filename(document, version, fmt), fmt)


@org_view("records.export")
def export_register(request: HttpRequest) -> HttpResponse:
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    content, _ = exports.register_xlsx()
    return attachment(content, exports.register_filename(), "xlsx")
