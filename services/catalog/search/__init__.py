"""Full-text search of the catalog, in Chinese and English, on SQLite and PostgreSQL."""
