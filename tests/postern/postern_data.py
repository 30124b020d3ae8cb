"""Postern demo-data names and test helpers shared by the Postern test modules.

A module of its own (not conftest.py) so that importing it never collides with the other
test folders' conftest modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

AGENT, READONLY, ENROLL, ENROLL_REVOKED, OTHER = (
    "postern-agent", "postern-readonly", "postern-enroll", "postern-enroll-revoked", "postern-other")
SIGNUP, SUPPORT, OUTREACH, GLOBEX_INBOX = (
    "signup-bot@postern.test", "support@postern.test", "outreach@postern.test", "scout@postern.test")


def make_email(to: str, *, subject: str, text: str, sender: str = "robot@service.example",
               in_reply_to: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"Service Robot <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    message.set_content(text)
    return bytes(message)


def cli_deliver(db: Path, to: str, raw: bytes) -> dict:
    """`po6-tui sandbox deliver --db DB --to ADDRESS -`: another process writing into the sandbox."""
    done = subprocess.run([sys.executable, "-m", "po6_tui", "sandbox", "deliver", "--db", str(db), "--to", to, "-"],
                          input=raw, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


