"""Failed-sign-in handling: exponential delays and locks per account and per source."""
