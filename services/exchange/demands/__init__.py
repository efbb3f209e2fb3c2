"""Buyers' demands and the offers that match them."""
