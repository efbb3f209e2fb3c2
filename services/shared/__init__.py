"""What every dataex service needs and nothing more.

- ``settings``: the settings base (environment with a per-service prefix);
- ``database``: engines, sessions and the unit of work per request;
- ``migrations``: each service's Alembic environment, driven from code;
- ``problems``: domain errors and their RFC 9457 ``application/problem+json`` form;
- ``tokens``: the one module that speaks JWT (issuing and verifying);
- ``jwks``: where verification keys come from (a local key ring or a remote JWKS);
- ``auth``: the FastAPI dependencies that turn a bearer token into a ``Principal``;
- ``keyring``: signing keys on disk (created on first start, owner-readable only);
- ``canonical``: RFC 8785 canonical JSON;
- ``logs``: structured logs and the request id passed between services;
- ``app``: the parts every service's app factory adds (health, readiness, errors).
"""
