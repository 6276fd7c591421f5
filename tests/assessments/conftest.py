"""Fixtures for self-assessment tests live in tests/conftest.py (shared with the appraisal tests)."""
