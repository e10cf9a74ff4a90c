"""Training and awareness (7.2, 7.3): courses, campaigns to an audience, assignments, results."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import LiveManager, SoftDeleteModel
from openisms.core.validation import reject_nul


class CourseKind(models.TextChoices):
    COURSE = "course", "Training course"
    AWARENESS = "awareness", "Awareness module"


class Effectiveness(models.TextChoices):
    """How the organisation shows the training worked (7.2 c asks for it)."""

    QUIZ = "quiz", "Quiz score"
    MANAGER = "manager", "Manager confirmation"
    NONE = "none", "Completion only"


class Course(SoftDeleteModel):
    title = models.CharField(max_length=200, validators=[reject_nul])
    kind = models.CharField(max_length=12, choices=CourseKind.choices, default=CourseKind.COURSE)
    description = models.TextField(blank=True, validators=[reject_nul])
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    effectiveness = models.CharField(
        max_length=10, choices=Effectiveness.choices, default=Effectiveness.QUIZ
    )
    pass_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text="minimum quiz score in percent",
    )  # fmt: skip
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="refresh after this many months (empty: never)"
    )
    competences = models.ManyToManyField(
        "people.Competence", blank=True, related_name="courses",
        help_text="competences a passed completion gives",
    )  # fmt: skip
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


class Campaign(SoftDeleteModel):
    """A course sent to an audience with a due date; launching it creates the assignments."""

    name = models.CharField(max_length=200, validators=[reject_nul])
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="campaigns")
    audience_all = models.BooleanField(default=False, help_text="every active member of staff")
    audience_departments = models.JSONField(default=list, blank=True)
    audience_people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    starts_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    EXCUSED = "excused", "Excused"


class TrainingAssignment(OrgScopedModel):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assignments")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    assigned_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    completed_on = models.DateField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    confirmed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, validators=[reject_nul])

    objects = LiveManager()
    soft_delete_parents = ("person", "campaign")

    class Meta:
        ordering = ["due_on", "assigned_on"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="training_due"),
            models.Index(fields=["organisation", "person"], name="training_person"),
            models.Index(fields=["organisation", "campaign", "status"], name="training_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.course} – {self.person}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == AssignmentStatus.ASSIGNED
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )
