"""The catalog service: datasets, listing review, search, files, quality, DCAT."""
