"""notes of a case (being written)."""
