"""The web portal: server-rendered pages over the catalog, exchange and audit APIs."""
