"""The exchange fee: its schedule, set by operators, and the fee in effect at a time."""
