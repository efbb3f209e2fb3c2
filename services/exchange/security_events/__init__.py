"""The security-event log: sign-ins, failures, lockouts and privileged decisions."""
