"""po6-tui: supervise AI agents' email on PO6 Mailbox and Postern from a terminal.

Kept empty on purpose: importing the package must stay cheap (start-up time), so nothing
heavy (textual, the MCP SDK, uvicorn) is imported here.
"""

__version__ = "0.1.0"
APP_NAME = "po6-tui"  # the name of our folders under the platform's config and data dirs
