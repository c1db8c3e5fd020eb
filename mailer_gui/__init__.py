"""Mailer desktop: email campaigns from a laptop, within the provider's limits."""

__version__ = "0.1.0"
