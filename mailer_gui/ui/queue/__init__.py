"""The queue panel, the campaign list and notifications."""
