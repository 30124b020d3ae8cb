"""Which writes the running job attempted: `run_io` starts a fresh list for each job, the
clients' audit hook adds to it (`AccountSession`), and the connection watch reads it, so a
failed job that attempted a write is never run again on our own (a write happens at most once).
"""

from __future__ import annotations

import contextvars

# Set by `run_io` for each job: the write attempts (tool names) the job's clients recorded.
_writes_in_job: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("po6_writes_in_job", default=None)


def start_job() -> contextvars.Token:
    """Called by run_io at the start of a job (inside its task): a fresh list of writes."""
    return _writes_in_job.set([])


def note_write(tool: str) -> None:
    """Called for every write attempt the clients record (see AccountSession.po6_client)."""
    writes = _writes_in_job.get()
    if writes is not None:
        writes.append(tool)


def job_wrote() -> bool:
    return bool(_writes_in_job.get())
