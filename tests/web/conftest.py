"""Fixtures shared from other test packages."""

from tests.publication.province_world import ready  # noqa: F401 - the province's results' world
