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
    more: bool = False      # more than `total` (a count bounded by `of_counted_to`)

    @classmethod
    def of(cls, queryset, args, size: int) -> "Page":
        """Page `?page=N` of `queryset` (N out of range gives the nearest page)."""
        total = queryset.count()
        number = cls._number(args, total, size)
        return cls(list(queryset.skip((number - 1) * size).limit(size)), number, size, total)

    @classmethod
    def of_list(cls, items: list, args, size: int) -> "Page":
        """Page `?page=N` of a list already in memory."""
        number = cls._number(args, len(items), size)
        return cls(items[(number - 1) * size:number * size], number, size, len(items))

    @classmethod
    def of_counted_to(cls, queryset, args, size: int, most: int) -> "Page":
        """Page `?page=N` of `queryset`, counting no further than `most` rows or the end of page N, whichever is
        further (`more` when there are more): the count and the page are bounded reads, never the whole list."""
        bound = max(most, cls._number(args, most * size, size) * size)
        counted = queryset.limit(bound + 1).count(with_limit_and_skip=True)
        total = min(counted, bound)
        number = cls._number(args, total, size)
        return cls(list(queryset.skip((number - 1) * size).limit(size)), number, size, total, counted > bound)

    @staticmethod
    def _number(args, total: int, size: int) -> int:
        last = max(1, math.ceil(total / size))
        try:
            return min(max(1, int(args.get("page", 1))), last)
        except ValueError:
            return 1

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
