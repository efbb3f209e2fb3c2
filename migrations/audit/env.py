"""Alembic environment of the audit service."""

from services.audit.metadata import load_metadata
from services.shared.migrations import run_environment

run_environment(load_metadata())
