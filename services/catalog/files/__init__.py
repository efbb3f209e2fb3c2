"""A dataset's files as a resource: upload, stored blobs, rows, downloads under grants.

The analysis an upload goes through lives in ``services.catalog.analysis``.
"""
