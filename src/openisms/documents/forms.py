"""Forms of document control. They collect and shape input; the services check and write it.
Querysets are built in ``__init__``, inside the request's organisation context."""

from __future__ import annotations

from typing import Any

from django import forms

from openisms.controls import links
from openisms.controls.models import Control
from openisms.core.access import member_users
from openisms.core.forms import DateInput, searchable
from openisms.documents import policy_templates
from openisms.documents.models import Document, DocumentKind, DocumentVersion
from openisms.documents.services.files import MAX_FILE_BYTES
from openisms.people.owner_fields import OwnerChoiceField, offer_owners

ACCEPT = ".pdf,.docx,.xlsx,.odt,.png,.jpg,.jpeg,.txt,.md"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class ControlsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Control) -> str:
        return links.label(obj)


class PersonsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} — {obj.job_title}" if obj.job_title else obj.full_name


def date_input() -> forms.DateInput:
    return DateInput()


class DocumentForm(forms.Form):
    """The control data of a document; on creation also the first version's text."""

    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=DocumentKind.choices, initial=DocumentKind.POLICY)
    owner = OwnerChoiceField(
        required=True, empty_label=None, help_text="Accountable for the document (7.5.3)."
    )
    reviewer = OwnerChoiceField(
        empty_label="— nobody named —", help_text="Reviews it at each review date."
    )
    approver = UserChoiceField(
        queryset=None, required=False, empty_label="— any approver —",
        help_text="Designated approver: if set, only they may approve a version.",
    )  # fmt: skip
    classification = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="— not classified —"
    )
    review_months = forms.IntegerField(
        min_value=1, max_value=60, initial=12, label="Review every (months)"
    )
    controls = ControlsField(
        queryset=None, required=False, label="Controls", to_field_name="ref",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="The controls this document supports (Annex A and your own); they list it on "
        "their page and in the SoA.",
    )  # fmt: skip
    distribution = PersonsField(
        queryset=None, required=False, label="Distribution list",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Who must read it; they are asked to acknowledge each published version.",
    )  # fmt: skip
    content = forms.CharField(
        required=False, label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 18, "class": "markdown"}),
    )  # fmt: skip
    change_summary = forms.CharField(max_length=300, required=False, label="Change summary")

    def __init__(self, *args: Any, instance: Document | None = None, **kwargs: Any) -> None:
        from openisms.people.models import Person
        from openisms.risk.models import ClassificationLevel

        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title, "kind": instance.kind, "owner": instance.owner_id,
                "reviewer": instance.reviewer_id, "approver": instance.approver_id,
                "classification": instance.classification_id,
                "review_months": instance.review_months,
                "controls": [c.ref for c in instance.controls.all()],
                "distribution": [p.pk for p in instance.distribution.all()],
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        offer_owners(self, "owner", "reviewer", instance=instance)
        self.fields["approver"].queryset = member_users()  # a sign-off: a login
        self.fields["classification"].queryset = ClassificationLevel.objects.order_by("order")
        self.fields["controls"].queryset = links.choices()
        self.fields["distribution"].queryset = Person.objects.filter(is_active=True).order_by(
            "full_name"
        )
        searchable(self, "owner", "reviewer", "approver", "controls", "distribution")
        if instance is not None:
            # The first version's text is written with the document; later, on its draft.
            del self.fields["content"], self.fields["change_summary"]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["controls"] = list(data.get("controls") or [])
        data["distribution"] = list(data.get("distribution") or [])
        return data


class TemplateForm(forms.Form):
    template = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            (t.key, t.title) for t in policy_templates.all_templates()
        ]


class VersionForm(forms.Form):
    content = forms.CharField(
        required=False, label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 22, "class": "markdown"}),
        help_text="Headings with #, lists with -, links as [text](https://…). "
        "HTML is shown as text.",
    )  # fmt: skip
    change_summary = forms.CharField(
        max_length=300, required=False, label="What changed in this version"
    )
    file = forms.FileField(
        required=False,
        label=f"Attach a file (PDF, DOCX, XLSX, ODT, PNG, JPEG or text; at most "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    remove_file = forms.BooleanField(required=False, label="Remove the attached file")

    def __init__(self, *args: Any, instance: DocumentVersion, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"content": instance.content, "change_summary": instance.change_summary}
        )
        super().__init__(*args, **kwargs)
        if not instance.file:
            del self.fields["remove_file"]


class CommentForm(forms.Form):
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublishForm(forms.Form):
    audience = forms.ChoiceField(
        label="Ask to read and acknowledge",
        choices=[
            ("distribution", "the distribution list"),
            ("all", "all active staff"),
            ("none", "nobody (not now)"),
        ],
        initial="distribution",
    )
    due_on = forms.DateField(required=False, label="Acknowledge by", widget=date_input())


class RequestAckForm(forms.Form):
    audience = forms.ChoiceField(
        label="Ask",
        choices=[("distribution", "the distribution list"), ("all", "all active staff")],
        initial="distribution",
    )
    due_on = forms.DateField(required=False, label="Acknowledge by", widget=date_input())


class ReviewedForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=2000, label="Review note",
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
