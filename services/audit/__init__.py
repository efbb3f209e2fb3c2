"""The audit service: the signed, hash-chained, Merkle-logged ledger of every trade."""
