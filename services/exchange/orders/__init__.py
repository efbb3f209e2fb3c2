"""Orders: the state machine, contracts, payment, delivery, settlement, expiry."""
