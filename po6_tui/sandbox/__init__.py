"""The local sandbox: a server for the PO6 MCP API and the Postern REST API, backed by SQLite.

Never imports textual. Keep this file empty: `sandbox.process` and `sandbox.admin` are
imported by the app and must stay light.
"""
