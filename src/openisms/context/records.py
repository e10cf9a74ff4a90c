"""Issues (4.1) and interested parties (4.2) as record types of the kit (``core.records``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openisms.api.shared import patch_data
from openisms.context import api_issues, api_parties, selectors
from openisms.context.forms import IssueForm, PartyForm
from openisms.context.models import (
    ContextIssue,
    InterestedParty,
    IssueCategory,
    IssueKind,
    PartyKind,
)
from openisms.context.services import issues, parties
from openisms.core.records import RecordType, register

ISSUES = register(
    RecordType(
        model=ContextIssue, name="issue", list_name="issues", id_kwarg="issue_id",
        namespace="core:context", change_action="context.change",
        create=lambda data, request: issues.create_issue(data),
        update=issues.update_issue, delete=issues.delete_issue,
        selector=selectors.issues, filters=selectors.ISSUE_FILTERS,
        form=IssueForm,
        list_template="context/issues.html", rows_template="context/_issue_rows.html",
        detail_template="context/issue_detail.html", form_template="context/issue_form.html",
        context_name="issue",
        list_context=lambda request, ctx: {
            "kinds": IssueKind.choices, "categories": IssueCategory.choices,
        },
        detail_context=lambda request, issue: {
            "risks": issue.risks.select_related("owner").order_by("ref"),
        },
        saved_message=lambda i: f"{i.ref} {i.title} saved.",
        delete_consequence="Its links to risks are hidden with it; the risks stay. If the issue "
        "simply no longer applies, you can mark it inactive instead.",
        export="issues",
        api_path="/issues", api_out=api_issues.IssueOut, api_in=api_issues.IssueIn,
        api_patch=api_issues.IssuePatch, api_filters=api_issues.IssueFilters,
        to_out=api_issues.issue_out, api_queryset=selectors.issues,
        patch_data=lambda p: api_issues.clean_patch(patch_data(p, api_issues.TEXT)),
    )
)  # fmt: skip


def _party_detail(request: HttpRequest, party: InterestedParty) -> dict[str, Any]:
    linked = party.obligations.select_related("owner").order_by("ref")
    return {"requirements": selectors.with_links(linked)}


PARTIES = register(
    RecordType(
        model=InterestedParty, name="party", label="interested party", list_name="parties",
        id_kwarg="party_id",
        namespace="core:context", change_action="context.change",
        create=lambda data, request: parties.create_party(data),
        update=parties.update_party, delete=parties.delete_party,
        selector=selectors.parties, filters=selectors.PARTY_FILTERS,
        form=PartyForm,
        list_template="context/parties.html", rows_template="context/_party_rows.html",
        detail_template="context/party_detail.html", form_template="context/party_form.html",
        context_name="party",
        list_context=lambda request, ctx: {"kinds": PartyKind.choices},
        detail_context=_party_detail,
        saved_message=lambda p: f"{p.name} saved.",
        delete_consequence="Its requirements stay in the requirements register; only their "
        "link to this party is hidden.",
        export="interested-parties",
        api_path="/parties", api_out=api_parties.PartyOut, api_in=api_parties.PartyIn,
        api_patch=api_parties.PartyPatch, api_filters=api_parties.PartyFilters,
        to_out=api_parties.party_out,
        api_queryset=lambda filters: api_parties.with_requirements(selectors.parties(filters)),
        patch_data=lambda p: api_parties.drop_null(
            patch_data(p, api_parties.PARTY_TEXT), ("kind", "is_internal")
        ),
    )
)  # fmt: skip
