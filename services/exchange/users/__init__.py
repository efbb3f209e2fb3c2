"""An organisation's users: invitations, roles, disabling, passwords, token revocation."""
