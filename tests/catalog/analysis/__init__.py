"""Tests of the catalog file-analysis engine."""
