"""Qt table models."""
