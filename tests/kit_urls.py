"""A URLconf for tests/test_record_kit.py: the app's URLs plus one record type declared with
the kit's generic templates only (the shape a new module starts from)."""

from django.urls import include, path

from openisms.core.records import RecordType
from openisms.core.records.views import urls
from openisms.leadership.forms import CommitmentForm
from openisms.leadership.models import Commitment
from openisms.leadership.services import commitments as svc
from openisms.urls import urlpatterns as app_patterns

DECISIONS = RecordType(
    model=Commitment, name="decision", list_name="decisions", id_kwarg="decision_id",
    namespace="kit", change_action="leadership.change",
    create=lambda data, request: svc.create_commitment(data, user=request.user),
    update=svc.update_commitment, delete=svc.delete_commitment,
    selector=lambda f: Commitment.objects.filter(title__icontains=f.get("q", "")).order_by("title"),
    form=CommitmentForm, form_data=lambda form: form.cleaned_data,
    columns=(("Title", "title"), ("Kind", "kind"), ("Decided by", "decided_by")),
    title="Decisions",
)  # fmt: skip

urlpatterns = [
    path("o/<slug:org_slug>/kit/", include((urls(DECISIONS), "kit"))),
    *app_patterns,
]
