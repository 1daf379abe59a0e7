"""Splitting long lists into pages."""
from __future__ import annotations

import dataclasses
import math


@dataclasses.dataclass
class Page:
    items: list
    number: int
    size: int
    total: int

    @classmethod
    def of(cls, queryset, args, size: int) -> "Page":
        """Page `?page=N` of `queryset` (N out of range gives the nearest page)."""
        total = queryset.count()
        last = max(1, math.ceil(total / size))
        try:
            number = min(max(1, int(args.get("page", 1))), last)
        except ValueError:
            number = 1
        return cls(list(queryset.skip((number - 1) * size).limit(size)), number, size, total)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
