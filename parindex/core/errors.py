"""Domain errors raised by services: a clear message for the person, nothing saved.

Views do not catch them one by one: ``parindex.core.middleware.DomainErrorMiddleware`` maps
them for every view — ``NotAllowed`` → the 403 page (or JSON 403), any other ``DomainError`` →
JSON 400 for scripts, else each message flashed and a redirect back (``back`` if the service or
the view set it, else the page the request came from on this site). A view that re-displays a
form catches ``DomainError`` itself and adds the messages to the form.
"""

from contextlib import contextmanager


class DomainError(Exception):
    def __init__(self, message, *, errors: list | None = None, back: str | None = None):
        self.message = str(message)
        self.errors = [str(e) for e in (errors or [self.message])]
        self.back = back
        super().__init__(self.message)


class NotAllowed(DomainError):
    """The person may not do this (a permission problem, shown as 403)."""


class Conflict(DomainError):
    """Someone else changed the same thing at the same time: nothing saved, try again (HTTP 409)."""


class Outcome:
    """What ``refusals_shown`` tells the view: ``ok``, else the refusal's ``message`` and ``errors``."""

    def __init__(self):
        self.ok, self.message, self.errors = True, "", []


@contextmanager
def refusals_shown(show=None):
    """For a view that re-displays its own page (a form): each message of a service's DomainError goes
    to ``show`` (e.g. ``lambda m: form.add_error(None, m)``) and the view renders the page again with
    the data as it was; a NotAllowed still goes on to DomainErrorMiddleware (the 403 page).

        with refusals_shown(lambda m: form.add_error("rows", m)) as outcome:
            services.set_participants(...)
        if outcome.ok:
            ...
    """
    outcome = Outcome()
    try:
        yield outcome
    except NotAllowed:
        raise
    except DomainError as exc:
        outcome.ok, outcome.message, outcome.errors = False, exc.message, exc.errors
        for message in exc.errors:
            if show is not None:
                show(message)


@contextmanager
def refusals_go_back(url: str):
    """A refused step goes back to ``url`` (with its messages, or as JSON) through the middleware."""
    try:
        yield
    except DomainError as exc:
        if not exc.back:
            exc.back = url
        raise
