"""Placeholder: being built."""

from django.http import Http404

from openisms.core.access import org_view


@org_view("records.view")
def library(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def library_add(request, *args, **kwargs):
    raise Http404("Not built yet.")
