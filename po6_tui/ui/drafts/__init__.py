"""The review queue of agents' drafts: approve, edit, reject, diff."""
