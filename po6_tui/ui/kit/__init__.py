"""The building blocks every feature uses, each exactly once."""
