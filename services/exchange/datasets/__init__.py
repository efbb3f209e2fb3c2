"""The catalog as the exchange sees it: datasets, their owners and content hashes."""
