"""outcomes of a case (being written)."""
