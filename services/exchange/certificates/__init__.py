"""Documents the exchange signs (certificates, acceptances, vouchers) and their offline check."""
