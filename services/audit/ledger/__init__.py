"""The audit ledger: entries, the Merkle log over them, and signed checkpoints."""
