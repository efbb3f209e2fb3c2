"""A second factor (TOTP, RFC 6238) with recovery codes, required for operators and regulators."""
