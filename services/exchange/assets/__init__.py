"""Data-asset registration over listed catalog datasets, review and revocation."""
