"""Sign-in sessions: rotating refresh tokens, revoked access tokens, sign-out."""
