"""Storage: the database, its models and migrations, and the send step's raw SQL."""
