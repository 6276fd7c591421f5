"""Domain errors raised by services: a clear Vietnamese message for the person, nothing saved."""


class DomainError(Exception):
    def __init__(self, message: str, *, errors: list[str] | None = None):
        self.message = str(message)
        self.errors = list(errors or [self.message])
        super().__init__(self.message)


class NotAllowed(DomainError):
    """The person may not do this (a permission problem, shown as 403)."""
