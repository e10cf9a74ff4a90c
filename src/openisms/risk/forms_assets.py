"""Forms for the asset inventory and the threat/vulnerability libraries (input only: the
services validate and write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from openisms.catalogue.models import Requirement
from openisms.core.context import require_org
from openisms.core.forms import searchable
from openisms.leadership.models import IsmsRole
from openisms.people.owner_fields import OwnerChoiceField, offer_owners
from openisms.risk.models import Asset, AssetType, ClassificationLevel, Lifecycle

CIA_HELP = "1 (low) to 5 (very high)"


def pick_url(kind: str) -> str:
    """The search address of the picker of ``kind`` ("assets" or "risks") in this organisation."""
    return reverse(f"core:risk:pick_{kind}", args=[require_org().slug])


class AssetChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Asset) -> str:
        return f"{obj.ref} {obj.name}"


def _cia(label: str) -> forms.IntegerField:
    # No bounds here: the service says what is allowed, in one place.
    return forms.IntegerField(
        label=label, help_text=CIA_HELP, initial=3,
        widget=forms.NumberInput(attrs={"min": 1, "max": 5}),
    )  # fmt: skip


class AssetForm(forms.Form):
    name = forms.CharField(max_length=200)
    type = forms.ChoiceField(choices=AssetType.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = OwnerChoiceField(
        label="Owner", help_text="Accountable for the asset and its protection (A.5.9)."
    )
    owner_role = forms.ModelChoiceField(
        queryset=IsmsRole.unscoped.none(), required=False, label="…or an ISMS role as owner",
        empty_label="— no role —",
        help_text="A role may stand as owner instead of a person (e.g. Head of IT).",
    )  # fmt: skip
    custodian = OwnerChoiceField(
        label="Custodian", help_text="Looks after it day to day, if not the owner."
    )
    location = forms.CharField(max_length=200, required=False)
    classification = forms.ModelChoiceField(
        queryset=None, required=False,
        help_text="The organisation's classification scheme (A.5.12).",
    )  # fmt: skip
    confidentiality = _cia("Confidentiality")
    integrity = _cia("Integrity")
    availability = _cia("Availability")
    depends_on = AssetChoiceField(
        queryset=None, required=False, label="Depends on",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Other assets this one needs to work.",
    )  # fmt: skip
    lifecycle = forms.ChoiceField(
        choices=Lifecycle.choices, initial=Lifecycle.IN_USE,
        help_text="“Returned” records the return of assets when people leave (A.5.11).",
    )  # fmt: skip
    tags = forms.CharField(
        required=False, max_length=1000, help_text="Comma-separated, e.g. “crm, customer data”."
    )

    def __init__(self, *args: Any, instance: Asset | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {
                "name": instance.name, "type": instance.type,
                "description": instance.description, "owner": instance.owner_id,
                "owner_role": instance.owner_role_id, "custodian": instance.custodian_id,
                "location": instance.location,
                "classification": instance.classification_id,
                "confidentiality": instance.confidentiality, "integrity": instance.integrity,
                "availability": instance.availability,
                "depends_on": list(instance.depends_on.values_list("pk", flat=True)),
                "lifecycle": instance.lifecycle, "tags": ", ".join(instance.tags),
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        offer_owners(self, "owner", "custodian", instance=instance)
        self.fields["owner_role"].queryset = IsmsRole.objects.order_by("order", "name")
        self.fields["classification"].queryset = ClassificationLevel.objects.order_by("order")
        others = Asset.objects.order_by("ref")
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        self.fields["depends_on"].queryset = others
        searchable(self, "owner", "custodian")
        searchable(self, "depends_on", search_url=pick_url("assets"))

    def service_data(self) -> dict[str, Any]:
        cd = self.cleaned_data
        return {**cd, "depends_on": list(cd["depends_on"])}

    def clean(self) -> dict[str, Any]:
        cd = super().clean()
        if cd.get("owner") and cd.get("owner_role"):
            self.add_error("owner_role", "Name a person or an ISMS role as owner, not both.")
        return cd


class LibraryEntryForm(forms.Form):
    code = forms.CharField(max_length=20, help_text="Unique in this library, e.g. T-ORG-01.")
    name = forms.CharField(max_length=120)
    category = forms.CharField(
        max_length=60, widget=forms.TextInput(attrs={"list": "library-categories"})
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    controls = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Annex A controls",
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Controls that address it.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["controls"].queryset = Requirement.objects.filter(
            framework__slug="iso27001-2022", kind="control"
        ).order_by("order")
        searchable(self, "controls")
