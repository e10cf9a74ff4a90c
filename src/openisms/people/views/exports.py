"""Download of the competence and training records as XLSX or CSV (``records.export``; see
``people.exports``)."""

from __future__ import annotations

from openisms.core.register_exports import export_view

competence_export = export_view("competence")
