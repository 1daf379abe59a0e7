"""meetings of a case (being written)."""
