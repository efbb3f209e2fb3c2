"""Alembic environment of the audit service."""

from services.audit.db import load_metadata
from services.shared.migrations import run_environment

run_environment(load_metadata())
