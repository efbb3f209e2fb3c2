"""Public-data pricing: regulators' price caps and approved public-interest purposes."""
