"""What the trading domains share at run time: settings, signer, catalog client, jobs."""
