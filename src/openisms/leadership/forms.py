"""Forms of the leadership pages (input only: the services validate and write)."""

from __future__ import annotations

from typing import Any

from django import forms

from openisms.core.forms import DateInput
from openisms.leadership.models import Commitment, CommitmentKind, IsmsProcess, IsmsRole
from openisms.people.models import Competence, Person

# Each holder is one form field; past Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) a form
# cannot carry them all, so such roles keep their holders as they are (the API sets any number).
MAX_HOLDERS_IN_FORM = 500


class RoleForm(forms.Form):
    name = forms.CharField(max_length=200)
    responsibilities = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the role does for the ISMS (5.3).",
    )  # fmt: skip
    authorities = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the role may decide or approve on its own.",
    )  # fmt: skip
    order = forms.IntegerField(
        required=False, min_value=0, max_value=32767,
        help_text="Position in lists and as a column of the RACI matrix (lower first).",
    )  # fmt: skip
    holders = forms.ModelMultipleChoiceField(
        queryset=None, required=False,
        error_messages={"invalid_choice": "Choose people from the people register."},
    )  # fmt: skip
    required_competences = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Required competences",
        widget=forms.CheckboxSelectMultiple,
        help_text="What a holder must be able to do (7.2); the competence-gap view compares it "
        "with what each holder has.",
    )  # fmt: skip

    def __init__(self, *args: Any, instance: IsmsRole | None = None, **kwargs: Any) -> None:
        self.instance = instance
        self.holder_count = instance.holders.count() if instance is not None else 0
        if instance is not None:
            kwargs.setdefault("initial", {
                "name": instance.name, "responsibilities": instance.responsibilities,
                "authorities": instance.authorities, "order": instance.order,
                "required_competences": list(
                    instance.required_competences.values_list("pk", flat=True)
                ),
            })  # fmt: skip
            if self.holder_count <= MAX_HOLDERS_IN_FORM:
                kwargs["initial"]["holders"] = list(instance.holders.values_list("pk", flat=True))
        super().__init__(*args, **kwargs)
        if self.holder_count > MAX_HOLDERS_IN_FORM:
            del self.fields["holders"]
        else:
            self.fields["holders"].queryset = Person.objects.all()
        self.fields["required_competences"].queryset = Competence.objects.order_by("name")

    @property
    def picks_holders(self) -> bool:
        return "holders" in self.fields

    def holder_ids(self) -> list[str]:
        if not self.picks_holders:
            return []
        return [str(v) for v in self["holders"].value() or []]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data.pop("order")
        if "holders" in data:
            data["holders"] = list(data["holders"])
        data["required_competences"] = list(data["required_competences"])
        return data


class ProcessForm(forms.Form):
    name = forms.CharField(max_length=200)
    clause = forms.CharField(
        max_length=60, required=False, label="Clause(s)",
        help_text="ISO/IEC 27001:2022 clause it serves, e.g. 6.1.2; several as 7.2/7.3.",
    )  # fmt: skip
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(
        required=False, min_value=0, max_value=32767, help_text="Row position (lower first)."
    )

    def __init__(self, *args: Any, instance: IsmsProcess | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                "name": instance.name, "clause": instance.clause,
                "description": instance.description, "order": instance.order,
            })  # fmt: skip
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data.pop("order")
        return data


class CommitmentForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    kind = forms.ChoiceField(choices=CommitmentKind.choices)
    title = forms.CharField(max_length=200, help_text="What was decided, granted or said.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    decided_by = forms.CharField(
        max_length=200, required=False, label="Decided by",
        help_text="Who in top management, e.g. “Board of directors” or a name.",
    )  # fmt: skip
    amount = forms.DecimalField(
        required=False, label="Budget granted", min_value=0, max_digits=14, decimal_places=2,
        help_text="In the organisation's currency, if money was granted.",
    )  # fmt: skip
    effort_days = forms.DecimalField(
        required=False, label="Effort (person-days)", min_value=0, max_digits=8,
        decimal_places=1, help_text="People's time granted, if any.",
    )  # fmt: skip

    def __init__(self, *args: Any, instance: Commitment | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                "date": instance.date, "kind": instance.kind, "title": instance.title,
                "description": instance.description, "decided_by": instance.decided_by,
                "amount": instance.amount, "effort_days": instance.effort_days,
            })  # fmt: skip
        super().__init__(*args, **kwargs)
