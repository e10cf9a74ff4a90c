"""Pages of the controls module under /o/<slug>/controls/, assembled from its parts."""

from openisms.controls.urls_evidence import urlpatterns as evidence_patterns
from openisms.controls.urls_records import urlpatterns as record_patterns
from openisms.controls.urls_soa import urlpatterns as soa_patterns

app_name = "controls"
urlpatterns = [*record_patterns, *evidence_patterns, *soa_patterns]
