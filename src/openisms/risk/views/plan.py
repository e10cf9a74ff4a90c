"""Placeholder: being built."""

from django.http import Http404

from openisms.core.access import org_view


@org_view("records.view")
def action_create(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def action_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def plan(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def plan_sign(request, *args, **kwargs):
    raise Http404("Not built yet.")
