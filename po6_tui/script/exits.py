"""Exit codes (documented in the README and `po6-tui --help`), and which error gets which."""

from __future__ import annotations

import argparse

from po6_tui.api.errors import ApiError, AuthError, OutcomeUnknownError, ReadOnlyError, ScopeError, TransportError
from po6_tui.config import ConfigError
from po6_tui.ui.outbox.outbound import UnknownOutcomeError

OK = 0
FAILURE = 1  # a refusal by po6-tui itself (read-only), an outcome that is unknown, anything else
USAGE = 2  # bad arguments, a field that does not fit the tool's schema, a bad configuration
AUTH = 3  # the server rejected the key (or its scope)
UNREACHABLE = 4  # no answer from the server (connection refused, DNS, time-out)
SERVER_SAID_NO = 5  # the tool or endpoint returned an error
TIMED_OUT = 6  # `postern wait` saw nothing matching in time

HELP = """\
exit codes: 0 success · 1 failure (read-only refusal, an outcome that is unknown: "may have been
sent") · 2 usage error · 3 authentication · 4 server unreachable · 5 the tool or endpoint
returned an error · 6 timed out waiting (postern wait)"""

# Every command's parser ends its --help with the exit codes.
LEAF = {"epilog": HELP, "formatter_class": argparse.RawDescriptionHelpFormatter}


# A write whose outcome is unknown: "may have been sent", never "not sent", never retried.
UNKNOWN = (OutcomeUnknownError, UnknownOutcomeError)


class Stop(Exception):
    """End the command with `code` and one sentence for stderr."""

    def __init__(self, message: str, code: int = FAILURE) -> None:
        super().__init__(message)
        self.code = code


def code_for(error: BaseException) -> int:
    if isinstance(error, Stop):
        return error.code
    if isinstance(error, ConfigError):
        return USAGE
    if isinstance(error, (AuthError, ScopeError)):
        return AUTH
    if isinstance(error, ReadOnlyError):
        return FAILURE
    if isinstance(error, UNKNOWN):
        return FAILURE  # it may have happened: never "unreachable", which reads as "not done"
    if isinstance(error, TransportError):
        return UNREACHABLE
    if isinstance(error, ApiError):
        return SERVER_SAID_NO
    return FAILURE
