"""The API against its own OpenAPI document, property-based (schemathesis over WSGI: no server).

Every operation gets generated parameters, valid and invalid: no answer is a 500, every status, header and body
is the one the document promises, invalid parameters are refused with a 4xx, other methods answer 405.
The examples are bounded (``MAX_EXAMPLES`` per operation and phase) so the whole runs in seconds.
"""

import schemathesis
from hypothesis import HealthCheck, settings

from parindex.wsgi import application

MAX_EXAMPLES = 8


# Loaded at import through the application itself: the document's view reads no database. (The lazy
# ``schemathesis.pytest.from_fixture`` would fit better, but with pytest 9.2 it fails on node ids: 4.32.5 sets
# ``request.node._nodeid``, which pytest no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])
def test_the_api_keeps_to_its_own_schema(case, published):
    case.call_and_validate()
