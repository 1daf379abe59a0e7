"""The staff hierarchy from ESR: `import employees` and its upload page (being written)."""
