"""The operator suspends an organisation (its tokens, grants and offers stop) and reinstates it."""
