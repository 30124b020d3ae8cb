"""The frame around the views: view and command registries, top bar, status line, help."""
