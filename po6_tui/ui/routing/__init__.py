"""Aliases, custom domains and catch-all forwarding."""
