"""The scriptable face of po6-tui: `call`, `drafts`, `mail`, `sent`, `postern wait`.

Each command prints a table on a terminal (every server string through the sanitizer) or, with
`--json`, one JSON document on stdout; an error is one sentence on stderr (one JSON line with
`--json`) and an exit code (`exits.py`). They use the app's own code for everything that
matters: the accounts (`accounts.resolve_accounts`), the audit log and the at-most-once send
(`AccountSession`, `outbound.send_once`), approve and reject (`ui/drafts/decisions.py`, which
imports no textual), and the risk checks (`risks.py`). Nothing here imports textual.
"""
