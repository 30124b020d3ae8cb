"""Talking to the services (PO6 over MCP, Postern over REST). Never imports textual.

Kept empty on purpose: the app imports `po6_tui.api.errors` early and the clients lazily,
so importing this package must not pull in httpx or pydantic.
"""
