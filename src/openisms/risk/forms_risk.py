"""Forms of the risk register and the treatment plan.

They only collect and shape input; the services validate it (and say why) and write it. Every
queryset is built in ``__init__``, i.e. inside the request's organisation context.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import QuerySet

from openisms.catalogue.models import Requirement
from openisms.core.forms import DateInput, searchable
from openisms.people.owner_fields import OwnerChoiceField, offer_owners
from openisms.risk.forms_assets import pick_url
from openisms.risk.models import (
    ActionStatus,
    Asset,
    Risk,
    RiskKind,
    RiskStatus,
    Threat,
    Treatment,
    TreatmentAction,
    Vulnerability,
)
from openisms.risk.scoring import Method

ANNEX_A = "iso27001-2022"


def annex_a_controls() -> QuerySet[Requirement]:
    return Requirement.objects.filter(framework__slug=ANNEX_A, kind="control").order_by("order")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class ControlChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Requirement) -> str:
        return f"{obj.ref} {obj.title}"


class ControlsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Requirement) -> str:
        return f"{obj.ref} {obj.title}"


def score_field(label: str, points: Any, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "— not scored —")] + [(p.value, f"{p.value} · {p.label}") for p in points],
        help_text=help_text,
    )


def date_input() -> forms.DateInput:
    return DateInput()


class RiskForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=RiskKind.choices, initial=RiskKind.RISK)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assets = forms.ModelMultipleChoiceField(
        queryset=None, required=False, help_text="Type to search; choose as many as apply."
    )
    threat = forms.ModelChoiceField(queryset=None, required=False, empty_label="— none —")
    vulnerability = forms.ModelChoiceField(queryset=None, required=False, empty_label="— none —")
    owner = OwnerChoiceField()
    existing_controls = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text="What already reduces the risk before any treatment.",
    )  # fmt: skip
    treatment = forms.ChoiceField(
        choices=[("", "— not decided —"), *Treatment.choices], required=False
    )
    treatment_rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    controls = ControlsField(
        queryset=None, required=False, label="Annex A controls", to_field_name="ref",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="The controls chosen to treat the risk.",
    )  # fmt: skip
    other_controls = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text="Controls of your own beyond Annex A.",
    )  # fmt: skip
    status = forms.ChoiceField(choices=())
    next_review = forms.DateField(required=False, widget=date_input())

    field_order = [
        "title", "kind", "description", "assets", "threat", "vulnerability", "owner",
        "existing_controls", "inherent_likelihood", "inherent_impact", "treatment",
        "treatment_rationale", "controls", "other_controls", "residual_likelihood",
        "residual_impact", "status", "next_review",
    ]  # fmt: skip

    def __init__(self, *args: Any, method: Method, instance: Risk | None = None, **kwargs: Any):
        self.instance = instance
        self.method = method
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = Asset.objects.order_by("ref")
        self.fields["threat"].queryset = Threat.objects.order_by("code")
        self.fields["vulnerability"].queryset = Vulnerability.objects.order_by("code")
        offer_owners(self, "owner", instance=instance)
        self.fields["controls"].queryset = annex_a_controls()
        self.fields["inherent_likelihood"] = score_field("Inherent likelihood", method.likelihood)
        self.fields["inherent_impact"] = score_field("Inherent impact", method.impact)
        self.fields["residual_likelihood"] = score_field(
            "Residual likelihood", method.likelihood, "After the planned treatment."
        )
        self.fields["residual_impact"] = score_field("Residual impact", method.impact)
        # "Accepted" is reached only through a sign-off; an accepted risk keeps it while edited.
        keep = instance is not None and instance.status == RiskStatus.ACCEPTED
        self.fields["status"].choices = [
            (value, label)
            for value, label in RiskStatus.choices
            if value != RiskStatus.ACCEPTED or keep
        ]
        self.fields["status"].initial = RiskStatus.IDENTIFIED
        self.order_fields(self.field_order)
        searchable(self, "assets", search_url=pick_url("assets"))
        searchable(self, "threat", "vulnerability", "owner", "controls")

    FIELDSETS = (
        ("The risk", ("title", "kind", "description", "owner", "next_review", "status")),
        ("Source", ("assets", "threat", "vulnerability", "existing_controls")),
        ("Before treatment (inherent)", ("inherent_likelihood", "inherent_impact")),
        ("Treatment (6.1.3)", ("treatment", "treatment_rationale", "controls", "other_controls")),
        ("After treatment (residual)", ("residual_likelihood", "residual_impact")),
    )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField], dict[str, str] | None]]:
        """Legend, fields and, for a scoring fieldset, what its live level preview reads."""
        sets = []
        for legend, names in self.FIELDSETS:
            preview = None
            if names[0].endswith("_likelihood"):
                stage = names[0].removesuffix("_likelihood")
                preview = {
                    "stage": stage,
                    "likelihood": self[names[0]].auto_id,
                    "impact": self[f"{stage}_impact"].auto_id,
                }
            sets.append((legend, [self[name] for name in names], preview))
        return sets

    def level_data(self) -> str:
        """The method's matrix and levels for the live preview (read by app.js, no request)."""
        return json.dumps({
            "matrix": [list(row) for row in self.method.matrix],
            "levels": {lv.key: {"name": lv.name, "colour": lv.colour} for lv in self.method.levels},
        })  # fmt: skip

    @staticmethod
    def initial_from(risk: Risk) -> dict[str, Any]:
        return {
            "title": risk.title, "kind": risk.kind, "description": risk.description,
            "assets": list(risk.assets.all()), "threat": risk.threat_id,
            "vulnerability": risk.vulnerability_id, "owner": risk.owner_id,
            "existing_controls": risk.existing_controls,
            "inherent_likelihood": risk.inherent_likelihood,
            "inherent_impact": risk.inherent_impact, "treatment": risk.treatment,
            "treatment_rationale": risk.treatment_rationale, "controls": list(risk.controls.all()),
            "other_controls": risk.other_controls,
            "residual_likelihood": risk.residual_likelihood,
            "residual_impact": risk.residual_impact, "status": risk.status,
            "next_review": risk.next_review,
        }  # fmt: skip

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape services.risks expects."""
        data = dict(self.cleaned_data)
        data["assets"] = list(data["assets"])
        data["controls"] = list(data["controls"])
        return data


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200, label="What will be done")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = OwnerChoiceField()
    due_date = forms.DateField(required=False, widget=date_input())
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    control = ControlChoiceField(
        queryset=None,
        required=False,
        label="Annex A control implemented",
        to_field_name="ref",
        empty_label="— none —",
    )

    def __init__(self, *args: Any, instance: TreatmentAction | None = None, **kwargs: Any):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title, "description": instance.description,
                "owner": instance.owner_id, "due_date": instance.due_date,
                "status": instance.status,
                "control": instance.control.ref if instance.control else None,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        offer_owners(self, "owner", instance=instance)
        self.fields["control"].queryset = annex_a_controls()
        searchable(self, "owner", "control")

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
