"""Postern inboxes, threads, messages and the wait watcher."""
