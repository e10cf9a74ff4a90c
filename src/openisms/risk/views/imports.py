"""Placeholder: being built."""

from django.http import Http404

from openisms.core.access import org_view


@org_view("records.view")
def import_upload(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def import_review(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def export(request, *args, **kwargs):
    raise Http404("Not built yet.")
