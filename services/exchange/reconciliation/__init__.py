"""The daily reconciliation: a day's bank deposits and payouts against the journal."""
