"""Members: organisations, users, API keys, service clients, and the token endpoint."""
