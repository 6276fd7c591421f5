"""The API against its own OpenAPI document, property-based (schemathesis over WSGI: no server).

Every operation gets generated parameters, valid and invalid: no answer is a 500, every status, header and body
is the one the document promises, invalid parameters are refused with a 4xx, other methods answer 405.
The examples are bounded (``MAX_EXAMPLES`` per operation and phase) so the whole runs in seconds.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from parindex.wsgi import application

MAX_EXAMPLES = 8


# Loaded at import through the application itself: the document's view reads no database. (The lazy
# ``schemathesis.pytest.from_fixture`` would fit better, but with pytest 9.2 it fails on node ids: 4.32.5 sets
# ``request.node._nodeid``, which pytest no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def wsgi_keeps_the_connection():
    """The application is called as WSGI, not through Django's test client, so it would close the test's
    database connection at the end of each request (``close_old_connections``) — on PostgreSQL, the connection
    holding the test's transaction. As the test client does, keep it open for the test's duration."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])
def test_the_api_keeps_to_its_own_schema(case, published, wsgi_keeps_the_connection):
    case.call_and_validate()
