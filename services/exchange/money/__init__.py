"""Money: the double-entry journal, member accounts, deposits, escrow and settlement."""
