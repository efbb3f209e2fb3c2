"""Offers: price plans, usage policies and the offers providers publish."""
