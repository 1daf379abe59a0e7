"""Charts as server-rendered SVG (no JavaScript), readable by screen readers and printable."""
from __future__ import annotations
