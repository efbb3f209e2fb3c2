"""Datasets: bilingual metadata, revisions and the listing review."""
