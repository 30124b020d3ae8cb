"""Landing pages, their stats, templates and leads."""
