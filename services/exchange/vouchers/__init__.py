"""Trade vouchers (交易凭证): signed proof of a settled trade."""
