"""Placeholder: being built."""

from django.http import Http404

from openisms.core.access import org_view


@org_view("records.view")
def register(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def risk_create(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def risk_detail(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def risk_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def risk_delete(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def risk_accept(request, *args, **kwargs):
    raise Http404("Not built yet.")


@org_view("records.view")
def mine(request, *args, **kwargs):
    raise Http404("Not built yet.")
