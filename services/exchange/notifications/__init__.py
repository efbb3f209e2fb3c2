"""Organisations' webhooks: signed notifications of their trades, delivered from an outbox."""
