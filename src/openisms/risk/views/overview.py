"""Placeholder: being built."""

from django.http import Http404

from openisms.core.access import org_view


@org_view("records.view")
def overview(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def heatmap_svg(request, *args, **kwargs):
    raise Http404("Not built yet.")
