"""Alembic environment of the exchange service."""

from services.exchange.metadata import load_metadata
from services.shared.migrations import run_environment

run_environment(load_metadata())
