"""Placeholder: being built."""

from django.http import Http404

from openisms.core.access import org_view


@org_view("records.view")
def methodology(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def methodology_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def methodology_decide(request, *args, **kwargs):
    raise Http404("Not built yet.")
