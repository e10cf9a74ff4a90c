from openisms.people.models.communication import CommunicationItem
from openisms.people.models.staff import Competence, Person, PersonCompetence
from openisms.people.models.training import (
    AssignmentStatus,
    Campaign,
    CampaignStatus,
    Course,
    CourseKind,
    Effectiveness,
    TrainingAssignment,
)

__all__ = [
    "AssignmentStatus",
    "Campaign",
    "CampaignStatus",
    "CommunicationItem",
    "Competence",
    "Course",
    "CourseKind",
    "Effectiveness",
    "Person",
    "PersonCompetence",
    "TrainingAssignment",
]
