"""REST API v1: one NinjaAPI, each domain app contributes a router."""

from openisms.api.setup import api

__all__ = ["api"]
