"""Forms of the people pages (input only: the services validate and write)."""

from __future__ import annotations

from typing import Any

from django import forms

from openisms.core.access import member_users
from openisms.core.forms import DateInput, searchable
from openisms.people import selectors
from openisms.people.models import (
    Campaign,
    CommunicationItem,
    Competence,
    Course,
    CourseKind,
    Effectiveness,
    Person,
)


def _date(label: str, help_text: str = "", required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{obj.username} ({full})" if full else obj.username


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.department})" if obj.department else obj.full_name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.department})" if obj.department else obj.full_name


def _initial(instance: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(instance, n) for n in names}


class PersonForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    email = forms.CharField(max_length=254, required=False, label="E-mail")
    job_title = forms.CharField(max_length=200, required=False, label="Job title")
    department = forms.CharField(
        max_length=100, required=False,
        widget=forms.TextInput(attrs={"list": "department-names"}),
    )  # fmt: skip
    manager = PersonChoiceField(
        queryset=None, required=False, label="Line manager",
        error_messages={"invalid_choice": "Choose a member of staff."},
    )  # fmt: skip
    start_date = _date("Start date")
    user = UserChoiceField(
        queryset=None, required=False, label="Login",
        help_text="Link a member of the organisation so they see their own training and "
        "acknowledge policies. One person per login.",
        error_messages={"invalid_choice": "Choose an active member of the organisation."},
    )  # fmt: skip
    is_active = forms.BooleanField(
        required=False, initial=True, label="Active",
        help_text="Clear it when the person leaves: their open training is then excused.",
    )  # fmt: skip

    FIELDS = ("full_name", "email", "job_title", "department", "start_date", "is_active")

    def __init__(self, *args: Any, instance: Person | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {
                **_initial(instance, self.FIELDS),
                "manager": instance.manager_id, "user": instance.user_id,
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        managers = selectors.active_people()
        if instance is not None:
            managers = managers.exclude(pk=instance.pk)
        self.fields["manager"].queryset = managers
        self.fields["user"].queryset = member_users()
        searchable(self, "manager", "user")


class CompetenceForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What someone with it can do, and how it is usually shown.",
    )  # fmt: skip


class HoldingForm(forms.Form):
    """A competence a person holds, with its dates and evidence."""

    competence = forms.ModelChoiceField(
        queryset=None, error_messages={"invalid_choice": "Choose a competence from the list."}
    )
    acquired_on = _date("Acquired on")
    expires_on = _date("Expires on", "Leave empty if it does not expire.")
    evidence = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Certificate number, degree, years of experience, where the proof is kept.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = Competence.objects.order_by("name")


class CourseForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=CourseKind.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(required=False, label="Duration (minutes)")
    effectiveness = forms.ChoiceField(
        choices=Effectiveness.choices, label="Effectiveness shown by",
        help_text="7.2 c asks how you know training worked: a quiz score, a manager's "
        "confirmation, or completion only.",
    )  # fmt: skip
    pass_score = forms.IntegerField(
        required=False, label="Pass score (%)", help_text="For quiz courses, e.g. 80."
    )
    validity_months = forms.IntegerField(
        required=False, label="Valid for (months)",
        help_text="Refresh after this many months; empty: never expires.",
    )  # fmt: skip
    competences = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Competences it grants",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Passing the course counts as holding these.",
    )  # fmt: skip
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    FIELDS = ("title", "kind", "description", "duration_minutes", "effectiveness",
              "pass_score", "validity_months", "is_active")  # fmt: skip

    def __init__(self, *args: Any, instance: Course | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                **_initial(instance, self.FIELDS),
                "competences": list(instance.competences.values_list("pk", flat=True)),
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = Competence.objects.order_by("name")
        searchable(self, "competences")

    def service_data(self) -> dict[str, Any]:
        return {**self.cleaned_data, "competences": list(self.cleaned_data["competences"])}


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    course = forms.ModelChoiceField(
        queryset=None, label="Course or awareness module",
        error_messages={"invalid_choice": "Choose an active course."},
    )  # fmt: skip
    audience_all = forms.BooleanField(required=False, label="All active staff")
    audience_departments = forms.MultipleChoiceField(
        required=False, label="Departments", widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Everyone active in these departments.",
    )  # fmt: skip
    audience_people = PeopleChoiceField(
        queryset=None, required=False, label="People",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="And these people, whatever their department.",
    )  # fmt: skip
    starts_on = _date("Starts on", required=True)
    due_on = _date("Due on", required=True)

    def __init__(self, *args: Any, instance: Campaign | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                "name": instance.name, "course": instance.course_id,
                "audience_all": instance.audience_all,
                "audience_departments": instance.audience_departments,
                "audience_people": list(instance.audience_people.values_list("pk", flat=True)),
                "starts_on": instance.starts_on, "due_on": instance.due_on,
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        courses = Course.objects.filter(is_active=True)
        if instance is not None:
            courses = Course.objects.filter(is_active=True) | Course.objects.filter(
                pk=instance.course_id
            )
        self.fields["course"].queryset = courses.order_by("title")
        names = selectors.departments()
        if instance is not None:
            names = sorted(set(names) | set(instance.audience_departments))
        self.fields["audience_departments"].choices = [(d, d) for d in names]
        self.fields["audience_people"].queryset = selectors.active_people()
        searchable(self, "audience_departments", "audience_people")

    def service_data(self) -> dict[str, Any]:
        return {**self.cleaned_data, "audience_people": list(self.cleaned_data["audience_people"])}


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=None, error_messages={"invalid_choice": "Choose an active course."}
    )
    due_on = _date("Due on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True).order_by("title")


class CompletionForm(forms.Form):
    completed_on = _date("Completed on", "Empty: today.")
    score = forms.IntegerField(
        required=False, label="Score (%)", widget=forms.NumberInput(attrs={"min": 0, "max": 100})
    )
    notes = forms.CharField(required=False, max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)


class ResetForm(forms.Form):
    due_on = _date("New due date", "Empty: keep the current one.")


class CommunicationForm(forms.Form):
    topic = forms.CharField(max_length=200, label="What", help_text="e.g. policy updates")
    audience = forms.CharField(max_length=200, label="With whom", help_text="e.g. all staff")
    timing = forms.CharField(
        max_length=200, label="When", help_text="e.g. quarterly, on each change, within 24 h"
    )
    responsible = PersonChoiceField(
        queryset=None, required=False, label="Who communicates",
        error_messages={"invalid_choice": "Choose a member of staff."},
    )  # fmt: skip
    channel = forms.CharField(max_length=200, label="How", help_text="e.g. intranet, e-mail")
    next_due = _date("Next due")
    last_done = _date("Last done")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = ("topic", "audience", "timing", "channel", "next_due", "last_done", "notes")

    def __init__(
        self, *args: Any, instance: CommunicationItem | None = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {**_initial(instance, self.FIELDS), "responsible": instance.responsible_id},
            )
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = selectors.active_people()


class DoneForm(forms.Form):
    done_on = _date("Done on", "Empty: today.")
    next_due = _date("Next due", "When it is due again, if it has a date.")
