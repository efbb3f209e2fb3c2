"""The theme vocabulary datasets are classified by."""
