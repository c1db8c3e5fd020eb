"""The send engine: queue, limits, lease, claims and outcomes, SMTP, snapshot."""
