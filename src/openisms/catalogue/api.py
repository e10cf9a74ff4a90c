"""API routes of the catalogue (reference data: any authenticated user may read it)."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from openisms.api.common import ERRORS, PageParams, page_of, paginate
from openisms.catalogue import selectors
from openisms.catalogue.models import Framework, Mapping, Requirement

router = Router(tags=["catalogue"])


class FrameworkOut(Schema):
    slug: str
    name: str
    edition: str
    publisher: str
    description: str
    themes: list[str]
    data_version: int


class RequirementBase(Schema):
    ref: str
    title: str
    kind: str
    level: int
    theme: str | None
    parent: str | None
    attributes: dict[str, list[str]]


class RequirementOut(RequirementBase):
    @staticmethod
    def resolve_parent(obj: Requirement) -> str | None:
        return obj.parent.ref if obj.parent_id else None

    @staticmethod
    def resolve_theme(obj: Requirement) -> str | None:
        return obj.theme or None


class Guidance(Schema):
    summary: str = ""
    evidence: list[str] = []
    pitfalls: list[str] = []


class MappingOut(Schema):
    framework: str
    ref: str
    title: str
    relationship: str


class RequirementDetail(RequirementBase):
    framework: str
    guidance: Guidance
    children: list[str]
    maps_to: list[MappingOut]
    mapped_from: list[MappingOut]


class RequirementFilters(PageParams):
    limit: int = Field(100, ge=1, le=200)
    kind: str = Field("", max_length=10, description="clause or control")
    theme: str = Field("", max_length=100)
    q: str = Field("", max_length=100, description="words to search in ref, title and guidance")
    control_type: str = Field("", max_length=60)
    information_security_properties: str = Field("", max_length=60)
    cybersecurity_concepts: str = Field("", max_length=60)
    operational_capabilities: str = Field("", max_length=60)
    security_domains: str = Field("", max_length=60)


@router.get("/frameworks", response={200: page_of(FrameworkOut), **ERRORS})
def list_frameworks(request: HttpRequest, page: Query[PageParams]):
    return paginate(selectors.frameworks(), page)


@router.get("/frameworks/{slug}", response={200: FrameworkOut, **ERRORS})
def get_framework(request: HttpRequest, slug: str):
    return get_object_or_404(Framework, slug=slug)


@router.get(
    "/frameworks/{slug}/requirements",
    response={200: page_of(RequirementOut), **ERRORS},
    summary="Clauses and controls, filterable by kind, theme, ISO/IEC 27002 attributes and text",
)
def list_requirements(request: HttpRequest, slug: str, filters: Query[RequirementFilters]):
    fw = get_object_or_404(Framework, slug=slug)
    attrs = {
        name: getattr(filters, name)
        for name in selectors.ATTRIBUTE_LABELS
        if getattr(filters, name)
    }
    qs = selectors.requirements(
        fw, kind=filters.kind, theme=filters.theme, q=filters.q, attributes=attrs
    )
    return paginate(qs, filters)


@router.get("/frameworks/{slug}/requirements/{ref}", response={200: RequirementDetail, **ERRORS})
def get_requirement(request: HttpRequest, slug: str, ref: str):
    fw = get_object_or_404(Framework, slug=slug)
    try:
        req = selectors.requirement_with_mappings(fw, ref)
    except Requirement.DoesNotExist:
        raise Http404(f"{ref} is not part of {fw.name}.")

    def mapped(m: Mapping, other: Requirement) -> dict:
        return {
            "framework": other.framework.slug,
            "ref": other.ref,
            "title": other.title,
            "relationship": m.relationship,
        }

    return {
        "ref": req.ref,
        "title": req.title,
        "kind": req.kind,
        "level": req.level,
        "theme": req.theme or None,
        "parent": req.parent.ref if req.parent_id else None,
        "attributes": req.attributes,
        "framework": fw.slug,
        "guidance": req.guidance or {},
        "children": [c.ref for c in sorted(req.children.all(), key=lambda c: c.order)],
        "maps_to": [mapped(m, m.target) for m in req.mappings_out.all()],
        "mapped_from": [mapped(m, m.source) for m in req.mappings_in.all()],
    }
