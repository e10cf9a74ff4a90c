"""Forms of the context pages (input only: the services validate and write)."""

from __future__ import annotations

from typing import Any

from django import forms

from openisms.context.models import (
    ContextIssue,
    InterestedParty,
    IssueCategory,
    IssueKind,
    Obligation,
    ObligationSource,
    PartyKind,
    ScopeVersion,
)
from openisms.context.models.scope import BOUNDARY_FIELDS
from openisms.context.services.scope import BOUNDARY_LABELS
from openisms.controls import links
from openisms.core.forms import searchable
from openisms.people.owner_fields import OwnerChoiceField, offer_owners
from openisms.risk.forms_assets import pick_url
from openisms.risk.models import Risk

MULTI_HINT = "Choose as many as apply."
BOUNDARY_HELP = {
    "processes": "Business processes and activities the ISMS covers, one per line.",
    "locations": "Sites, offices, data centres, cloud regions, one per line.",
    "units": "Departments, teams or legal entities, one per line.",
    "technology": "Systems, networks, platforms and services, one per line.",
    "interfaces": (
        "Where the scope meets the outside: outsourced services, partners, shared systems, "
        "one per line."
    ),
}


class RefChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.ref} {obj.title}"


def _multi(label: str, help_text: str, size: int = 8) -> Any:
    return {
        "queryset": None, "required": False, "label": label, "help_text": help_text,
        "widget": forms.SelectMultiple(attrs={"size": size}),
    }  # fmt: skip


class IssueForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(
        choices=IssueKind.choices, help_text="Internal (within the organisation) or external."
    )
    category = forms.ChoiceField(choices=IssueCategory.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    effect = forms.CharField(
        required=False, label="Effect on the ISMS",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How it helps or hinders the ISMS in achieving its intended outcomes.",
    )  # fmt: skip
    risks = RefChoiceField(
        **_multi("Linked risks", "Risks this issue gives rise to. " + MULTI_HINT)
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label="Active",
        help_text="Clear it when the issue no longer applies (it stays on record).",
    )  # fmt: skip

    def __init__(self, *args: Any, instance: ContextIssue | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                "title": instance.title, "kind": instance.kind, "category": instance.category,
                "description": instance.description, "effect": instance.effect,
                "risks": list(instance.risks.values_list("pk", flat=True)),
                "is_active": instance.is_active,
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["risks"].queryset = Risk.objects.only("id", "ref", "title").order_by("ref")
        searchable(self, "risks", search_url=pick_url("risks"))

    def service_data(self) -> dict[str, Any]:
        return {**self.cleaned_data, "risks": list(self.cleaned_data["risks"])}


class PartyForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=PartyKind.choices)
    is_internal = forms.BooleanField(
        required=False, label="Internal party", help_text="e.g. employees, top management."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expectations = forms.CharField(
        required=False, label="Needs and expectations",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What they expect of the organisation's information security, in brief. "
        "Record each binding requirement in the requirements register.",
    )  # fmt: skip

    def __init__(self, *args: Any, instance: InterestedParty | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                "name": instance.name, "kind": instance.kind,
                "is_internal": instance.is_internal, "description": instance.description,
                "expectations": instance.expectations,
            })  # fmt: skip
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ObligationForm(forms.Form):
    title = forms.CharField(max_length=200)
    source = forms.ChoiceField(choices=ObligationSource.choices)
    reference = forms.CharField(
        max_length=200, required=False, help_text="Where it is written, e.g. “GDPR Art. 32”."
    )
    description = forms.CharField(
        required=False, label="What it requires", widget=forms.Textarea(attrs={"rows": 3})
    )
    how_addressed = forms.CharField(
        required=False, label="How the ISMS addresses it",
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    owner = OwnerChoiceField(help_text="Who keeps track of it and of changes to it.")
    parties = forms.ModelMultipleChoiceField(
        **_multi("Interested parties", "Who requires it. " + MULTI_HINT)
    )
    controls = RefChoiceField(
        **_multi(
            "Controls",
            "Controls that address it (Annex A and your own); the SoA cites it as the reason "
            "to include them. " + MULTI_HINT,
            12,
        ),
        to_field_name="ref",
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label="Active",
        help_text="Clear it when the requirement no longer applies (it stays on record).",
    )  # fmt: skip

    def __init__(self, *args: Any, instance: Obligation | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                "title": instance.title, "source": instance.source,
                "reference": instance.reference, "description": instance.description,
                "how_addressed": instance.how_addressed, "owner": instance.owner_id,
                "parties": list(instance.parties.values_list("pk", flat=True)),
                "controls": list(instance.controls.values_list("ref", flat=True)),
                "is_active": instance.is_active,
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        offer_owners(self, "owner", instance=instance)
        self.fields["parties"].queryset = InterestedParty.objects.order_by("name")
        self.fields["controls"].queryset = links.choices()
        searchable(self, "owner", "parties", "controls")

    def service_data(self) -> dict[str, Any]:
        cd = self.cleaned_data
        return {**cd, "parties": list(cd["parties"]), "controls": list(cd["controls"])}


class ScopeForm(forms.Form):
    statement = forms.CharField(
        label="Scope statement", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the ISMS covers, in a few sentences a certificate could carry.",
    )  # fmt: skip
    processes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    locations = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    units = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    technology = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    interfaces = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    # Rendered as rows of item/justification inputs; errors of the service land here.
    exclusions = forms.Field(required=False, widget=forms.HiddenInput)
    justification = forms.CharField(
        required=False, label="Why the scope is drawn here",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The issues (4.1), requirements (4.2) and interfaces that shaped it.",
    )  # fmt: skip
    change_summary = forms.CharField(
        max_length=300, required=False, label="What changed in this version",
        help_text="Shown in the version history.",
    )  # fmt: skip

    BLANK_ROWS = 3

    def __init__(self, *args: Any, instance: ScopeVersion, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "statement": instance.statement, "justification": instance.justification,
            "change_summary": instance.change_summary,
            **{name: "\n".join(getattr(instance, name)) for name in BOUNDARY_FIELDS},
        })  # fmt: skip
        super().__init__(*args, **kwargs)
        for name in BOUNDARY_FIELDS:
            self.fields[name].label = BOUNDARY_LABELS[name]
            self.fields[name].help_text = BOUNDARY_HELP[name]
        if self.is_bound:
            items = self.data.getlist("exclusion_item")
            reasons = self.data.getlist("exclusion_justification")
            rows = [
                {"item": i, "justification": r}
                for i, r in zip(items, reasons + [""] * (len(items) - len(reasons)), strict=False)
            ]
        else:
            rows = [dict(e) for e in instance.exclusions]
        self.exclusion_rows = rows + [{"item": "", "justification": ""}] * self.BLANK_ROWS

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "exclusions"}
        data["exclusions"] = [
            r for r in self.exclusion_rows if r["item"].strip() or r["justification"].strip()
        ]
        return data


class DecisionForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
