"""Tests of the catalog's file resource helpers."""
