"""A GET never writes (house habit): every GET page of the authorization matrix, as every role,
leaves every table of the project exactly as it was — not a row more, not a value changed."""

import pytest
from django.apps import apps

from tests.web.test_authorization_matrix import MATRIX, ROLES, _request

# Django's own bookkeeping of a visit (the session of the logged-in client, axes' access log) is not
# the project's data; everything else is compared value by value.
IGNORED = {"sessions", "axes", "contenttypes", "admin"}


def _everything():
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in IGNORED:
            continue
        state[model._meta.label] = sorted(map(repr, model.objects.order_by().values_list()))
    return state


@pytest.mark.parametrize("role", ROLES)
def test_no_get_page_changes_anything_for_any_role(client, world, persona, role):
    if role != "anon":
        client.force_login(persona(role))
    before = _everything()
    opened = 0
    for name, (method, kwargs, query, _answers) in MATRIX.items():
        if method != "get":
            continue
        _request(client, method, name, kwargs, query)
        opened += 1
    after = _everything()
    assert opened > 40
    changed = {label: (len(before[label]), len(after[label])) for label in before if before[label] != after[label]}
    assert changed == {}
