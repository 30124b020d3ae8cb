"""The tool console: call any server tool by hand."""
