"""Pages of document control under /o/<slug>/documents/, assembled from the parts' url lists."""

from openisms.documents.urls_checklist import urlpatterns as checklist_patterns
from openisms.documents.urls_exports import urlpatterns as export_patterns
from openisms.documents.urls_workflow import urlpatterns as workflow_patterns

app_name = "documents"
urlpatterns = [*workflow_patterns, *export_patterns, *checklist_patterns]
