"""Payouts: members' bank accounts on file, payout requests, the operator's decisions."""
