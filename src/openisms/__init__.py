"""OpenISMS: run an ISO/IEC 27001:2022 information security management system."""

__version__ = "0.1.0"
