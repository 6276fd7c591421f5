"""Four tabs submitting one link at once, with real threads, on a database shared like a deployment's
(run by test_collect.py::test_two_tabs_submitting_at_once_in_a_child_run in a child pytest: SQLite in a
file, or PostgreSQL). Not collected by the suite itself: its name does not start with ``test_``."""

import pytest

from parindex.core.errors import Conflict, DomainError
from parindex.survey import collect
from parindex.survey.models import Answer, Invitation, Response
from tests.survey.test_collect import DESIGN, submit, survey_on_the_test_design


@pytest.mark.django_db(transaction=True)
def test_tabs_submitting_at_once_store_one_response(transactional_db, world, persona, unit_of):
    from tests.security.concurrent_cases import run_threads

    survey = survey_on_the_test_design(world)
    [link] = collect.create_invitations(survey, "hdnd", unit_of("SYT"), 1, actor=persona("snv.dieuphoi"),
                                        design=DESIGN)

    def tab(option):
        def work():
            try:
                return [("sent", submit(link.token, {"C1": option, "C2": option}))]
            except Conflict:
                return [("busy", None)]
            except DomainError as exc:
                return [("refused", exc.message)]
        return work

    outcomes = run_threads([tab(option) for option in ("1", "2", "3", "4")])
    assert len(outcomes) == 4
    assert sorted(kind for kind, _ in outcomes).count("sent") == 1
    assert all(message.startswith("Phiếu này đã được gửi ngày") for kind, message in outcomes if kind == "refused")
    assert Response.objects.count() == 1 and Answer.objects.count() == 2
    assert Invitation.objects.get().completed_on is not None
