"""Template filters for the download links: may this member download that version?"""

from __future__ import annotations

from typing import Any

from django import template

from openisms.documents.exports import required_action

register = template.Library()


@register.filter
def may_download(access: Any, version: Any) -> bool:
    """``{% if access|may_download:version %}``: published needs view, anything else export."""
    if access is None or version is None:
        return False
    return access.can(required_action(version))


@register.filter
def may_export(access: Any) -> bool:
    return access is not None and access.can("records.export")
