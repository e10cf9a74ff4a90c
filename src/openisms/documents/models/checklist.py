"""Links from the mandatory-documented-information checklist to the documents that satisfy it."""

from __future__ import annotations

from django.db import models

from openisms.core.scoping import OrgScopedModel


class ChecklistLink(OrgScopedModel):
    item_key = models.CharField(max_length=40, help_text="see documents.checklist.ITEMS")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="checklist_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "item_key", "document"], name="checklist_link_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.document}"
