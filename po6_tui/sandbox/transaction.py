"""`transaction(conn)`: the one way the sandbox groups writes, for the PO6 and Postern tables alike.

A module of its own because both `store.py` (PO6) and `postern_store.py` use it, and the
store creates the Postern tables: neither may import the other for it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception.

    Nested use joins the outer transaction, so a tool that delivers mail locally while
    recording a send stores both or neither.
    """
    outer = not conn.in_transaction
    if outer:
        conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if outer:
            conn.execute("ROLLBACK")
        raise
    if outer:
        conn.execute("COMMIT")
