"""Domain errors raised by services: a clear message for the person, nothing saved.

Views do not catch them one by one: ``parindex.core.middleware.DomainErrorMiddleware`` maps
them for every view — ``NotAllowed`` → the 403 page (or JSON 403), any other ``DomainError`` →
JSON 400 for scripts, else each message flashed and a redirect back (``back`` if the service or
the view set it, else the page the request came from on this site). A view that re-displays a
form catches ``DomainError`` itself and adds the messages to the form.
"""


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
