"""Headless-ish services of the app (no widgets): run_io, the connection watch, sessions."""
