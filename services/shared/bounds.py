"""Bounds of integer inputs, declared in the schemas so that an out-of-range number is a
422 naming the field rather than an overflow in the database (a 500)."""

from __future__ import annotations

MAX_INTEGER = 2**53 - 1
"""The largest integer a query, a path or a body takes (unless a tighter bound of its
own applies): well inside a 64-bit database column, and exact in every JSON reader
(JavaScript's largest safe integer), so the bound the OpenAPI documents is the bound
enforced."""
