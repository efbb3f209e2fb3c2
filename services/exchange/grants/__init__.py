"""Access grants: tokens the catalog accepts, their status, usage and revocation."""
