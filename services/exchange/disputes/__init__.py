"""Disputes over paid orders and regulators' rulings."""
