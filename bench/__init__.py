"""Benchmarks, run by hand (not in the test suite): `python -m bench.generate` writes a trust's feed files,
`python -m bench.run DIR` loads them into a fresh embedded database and prints the figures against their budgets
(README, Sizing). The older scripts (`bench/report.py`, `bench/hierarchy.py`…) run as files."""
