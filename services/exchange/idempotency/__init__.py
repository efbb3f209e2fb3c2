"""Idempotency keys: a retried POST replays its first answer."""
