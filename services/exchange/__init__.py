"""The exchange service: members and identity, assets, offers, orders and settlement."""
