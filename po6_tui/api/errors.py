"""The errors every API client raises: one small hierarchy, each with a sentence a person understands.

The UI shows `str(error)` as is (status line, notifications), so messages are written for a
reader, name the server's host where that helps, and never contain an API key. Both the PO6
(MCP) client and the Postern (REST) client raise these.
"""

from __future__ import annotations


class ApiError(Exception):
    """Any failure talking to a service.

    `request_id` is the server's id for the request when it sent one (Postern's
    `X-Postern-Request-Id`); it is appended to the message so a person can quote it.
    `retryable` tells the retry policy whether the same read may succeed if tried again.
    `tool` names the MCP tool (or REST operation) that failed, when known.
    """

    retryable = False

    def __init__(self, message: str, *, request_id: str | None = None, status: int | None = None,
                 code: str | None = None, tool: str | None = None) -> None:
        self.message = message
        self.tool = tool
        self.request_id = request_id
        self.status = status
        self.code = code
        super().__init__(message)

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id {self.request_id})"
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def maybe_applied(self, what: str, *, tool: str | None = None) -> OutcomeUnknownError:
        """This failure as it reads for a write (`what`) that may have reached the server (a
        transport fault, a 5xx, an unreadable reply): never repeated on our own, so the
        operator is told to check."""
        return OutcomeUnknownError(
            f"{self.message} {what} may or may not have taken effect; check before trying again.",
            tool=tool, request_id=self.request_id, status=self.status, code=self.code)


class AuthError(ApiError):
    """The key was rejected (bad, revoked, expired, or the client IP is not allowed)."""


class ScopeError(ApiError):
    """The key works but lacks the scope this action needs."""


class PlanError(ApiError):
    """The account's plan does not allow this, or a plan limit has been reached."""


class RateLimitedError(ApiError):
    """Too many requests; `retry_after` is the server's suggested wait in seconds, if it gave one."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class NotFoundError(ApiError):
    """The object does not exist, or is not visible to this key."""


class InvalidError(ApiError):
    """The request was refused as invalid (bad argument, wrong state, unsupported by this server)."""


class ConflictError(ApiError):
    """The request conflicts with the server's state (e.g. an idempotency key reused with another body)."""


class ConfirmationError(ApiError):
    """A two-step action's confirmation token was wrong, already used, or expired."""


class ReadOnlyError(ApiError):
    """A write was attempted in read-only mode; nothing was sent to the server."""


class TransportError(ApiError):
    """The server could not be reached or its reply could not be understood.

    Covers refused connections, connect/read time-outs, dropped connections and malformed
    replies. Reads may be retried; a write that failed this way may or may not have happened.
    """

    retryable = True


class OutcomeUnknownError(TransportError):
    """A write went out and no trustworthy answer came back (a transport fault, a 5xx, an
    unreadable reply): it may or may not have taken effect. Never "not sent"; never repeated
    on our own. A `TransportError`, so whoever checks a lost reply (the sent log) checks this."""

    retryable = False


class ServerError(ApiError):
    """The server failed (HTTP 5xx)."""

    retryable = True


__all__ = [
    "ApiError", "AuthError", "ScopeError", "PlanError", "RateLimitedError", "NotFoundError",
    "InvalidError", "ConflictError", "ConfirmationError", "ReadOnlyError", "TransportError",
    "OutcomeUnknownError", "ServerError",
]
