"""Forms for evidence and evidence requests (input only: the services validate and write)."""

from __future__ import annotations

from typing import Any

from django import forms

from openisms.controls.models import Control
from openisms.controls.services.evidence import ALLOWED_TEXT, max_bytes
from openisms.core.forms import DateInput, searchable
from openisms.people.owner_fields import OwnerChoiceField, offer_owners


class ControlChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Control) -> str:
        return f"{obj.ref} {obj.title}"


DATE = DateInput()


class EvidenceForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(required=False, help_text="")
    url = forms.CharField(
        required=False, max_length=1000, label="Web address",
        help_text="https://… where the evidence can be seen (a ticket, a report, a dashboard).",
    )  # fmt: skip
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was observed, when and by whom.",
    )  # fmt: skip
    owner = OwnerChoiceField()
    collected_on = forms.DateField(required=False, widget=DATE, label="Collected on")
    valid_until = forms.DateField(
        required=False, widget=DATE, label="Valid until",
        help_text="After this date the evidence no longer proves the control works.",
    )  # fmt: skip
    controls = forms.CharField(
        required=False, max_length=2000, label="Controls",
        help_text="Control references, separated by commas (A.5.15, A.8.13).",
    )  # fmt: skip
    risks = forms.CharField(
        required=False, max_length=2000, label="Risks",
        help_text="Risk references, separated by commas (R-0001).",
    )  # fmt: skip

    def __init__(self, *args: Any, kind: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        offer_owners(self, "owner")
        searchable(self, "owner")
        self.fields["file"].help_text = (
            f"{ALLOWED_TEXT}; at most {max_bytes() // 1024 // 1024} MB. Its content must match "
            "its name."
        )
        for name, needed in (("file", "file"), ("url", "link"), ("note", "note")):
            if kind != needed or (editing and name == "file"):
                del self.fields[name]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("file", None)
        data["kind"] = self.kind
        if not data.get("collected_on"):
            data.pop("collected_on")
        return data


class RequestForm(forms.Form):
    control = ControlChoiceField(queryset=None)
    requested_from = OwnerChoiceField(label="Ask", required=True, empty_label=None)
    due_on = forms.DateField(widget=DATE, label="Due on")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What is needed"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["control"].queryset = Control.objects.order_by("order", "ref")
        offer_owners(self, "requested_from")
        searchable(self, "control", "requested_from")


class FulfilForm(forms.Form):
    evidence = forms.CharField(
        max_length=40, label="Evidence reference", help_text="EV-0001 of evidence already uploaded"
    )
