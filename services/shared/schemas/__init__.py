"""Request and response bodies that a service and the clients calling it share.

A body is defined here, once, when :mod:`services.clients` sends or reads it; the
service's routes import it from here too (``shared`` imports no service, so the client
cannot reach a service's own ``schemas.py``).
"""
