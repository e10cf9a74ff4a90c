"""Placeholder: being built."""

from django.http import Http404

from openisms.core.access import org_view


@org_view("records.view")
def assets(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def asset_create(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def asset_detail(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def asset_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def asset_delete(request, *args, **kwargs):
    raise Http404("Not built yet.")
