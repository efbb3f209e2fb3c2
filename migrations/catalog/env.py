"""Alembic environment of the catalog service."""

from services.catalog.metadata import load_metadata
from services.shared.migrations import run_environment

run_environment(load_metadata())
