"""Party signatures: organisations' public keys and the statements they sign."""
