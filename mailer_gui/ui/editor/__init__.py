"""The campaign editor."""
