"""Downloads of the context registers as XLSX or CSV (``records.export``; see
``context.exports``)."""

from __future__ import annotations

from openisms.core.register_exports import export_view

requirements_export = export_view("requirements")
