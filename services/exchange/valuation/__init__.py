"""Valuation of data assets by the cost, income and market methods."""
