"""dataex: a public data-exchange trading platform (catalog, exchange, audit)."""
