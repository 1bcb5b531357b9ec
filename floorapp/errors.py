"""The domain's one error vocabulary.

Services raise these; the web and API layers render them (an HTML page or the JSON
`{"error": {"code", "message"}}`) with the status each carries.
"""


class DomainError(Exception):
    """A request the domain refuses, with a stable code and a message for people."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None,
                 details: dict | None = None):
        super().__init__(message)
        self.message = message
        # Extra JSON fields of the API's error object (e.g. the requests a break is held by)
        self.details = details or {}
        if code:
            self.code = code


class InvalidInput(DomainError):
    """The input is malformed or out of range; nothing was changed."""

    status = 400
    code = "invalid_input"


class Unauthorized(DomainError):
    """The caller is not authenticated."""

    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """The thing does not exist, or is not visible to the caller."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The move is not allowed from the current state (or someone else made it first)."""

    status = 409
    code = "conflict"
