"""Forms of the control pages; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms

from openisms.catalogue.models import Requirement
from openisms.context.models import Obligation
from openisms.controls.models import Control, ImplementationStatus
from openisms.controls.services.setup import annex_a
from openisms.core.forms import DateInput, searchable
from openisms.documents.models import Document
from openisms.people.owner_fields import OwnerChoiceField, offer_owners

APPLICABLE_CHOICES = [("", "Undecided"), ("yes", "Applicable"), ("no", "Not applicable")]
DATE = DateInput()


class DecisionForm(forms.Form):
    applicable = forms.ChoiceField(choices=APPLICABLE_CHOICES, required=False)
    exclusion_justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000,
        help_text="Required when the control is not applicable.",
    )  # fmt: skip
    business_need = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000,
        help_text="Why the control is needed beyond the risks and requirements.",
    )  # fmt: skip
    obligations = forms.ModelMultipleChoiceField(
        queryset=Obligation.unscoped.none(), required=False,
        label="Requirements of the register",
        help_text="Laws, contracts and other requirements that require the control.",
    )  # fmt: skip

    def __init__(self, *args: Any, control: Control | None = None, **kwargs: Any) -> None:
        if control is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "applicable": {True: "yes", False: "no"}.get(control.applicable, ""),
                "exclusion_justification": control.exclusion_justification,
                "business_need": control.business_need,
                "obligations": list(control.obligations.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["obligations"].queryset = Obligation.objects.order_by("ref")
        searchable(self, "obligations")

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "applicable": {"yes": True, "no": False}.get(d["applicable"]),
            "exclusion_justification": d["exclusion_justification"],
            "business_need": d["business_need"],
            "obligations": list(d["obligations"]),
        }


class ImplementationForm(forms.Form):
    status = forms.ChoiceField(choices=ImplementationStatus.choices)
    owner = OwnerChoiceField()
    target_date = forms.DateField(required=False, widget=DATE)
    implementation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20_000,
        label="How it is implemented",
    )  # fmt: skip
    documents = forms.ModelMultipleChoiceField(queryset=Document.unscoped.none(), required=False)

    def __init__(
        self, *args: Any, control: Control | None = None, may_change_owner: bool = True,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        if control is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "status": control.status,
                "owner": control.owner_id,
                "target_date": control.target_date,
                "implementation": control.implementation,
                "documents": list(control.documents.all()),
            }
        super().__init__(*args, **kwargs)
        offer_owners(self, "owner", instance=control)
        self.fields["documents"].queryset = Document.objects.order_by("ref")
        self.may_change_owner = may_change_owner
        if not may_change_owner:
            del self.fields["owner"]
            self.fields["status"].choices = [
                c for c in ImplementationStatus.choices
                if c[0] != ImplementationStatus.NOT_APPLICABLE
            ]  # fmt: skip
        searchable(self, "owner", "documents")

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["documents"] = list(d["documents"])
        return d


class OwnControlForm(forms.Form):
    ref = forms.CharField(
        max_length=30, required=False,
        help_text="Leave empty for the next free reference (CTRL-001).",
    )  # fmt: skip
    title = forms.CharField(max_length=300)
    maps_to = forms.ModelMultipleChoiceField(
        queryset=Requirement.objects.none(), to_field_name="ref", label="Maps to Annex A",
    )  # fmt: skip

    def __init__(self, *args: Any, control: Control | None = None, **kwargs: Any) -> None:
        if control is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "ref": control.ref,
                "title": control.title,
                "maps_to": [r.ref for r in control.maps_to.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["maps_to"].queryset = annex_a()
        self.fields["maps_to"].label_from_instance = lambda r: f"{r.ref} {r.title}"
        searchable(self, "maps_to")

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["maps_to"] = list(d["maps_to"])
        return d
