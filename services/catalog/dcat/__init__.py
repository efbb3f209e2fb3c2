"""DCAT v3 export of the catalog as JSON-LD."""
