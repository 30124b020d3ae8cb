"""The local audit log of writes."""
