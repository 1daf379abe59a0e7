"""Reading a policy's tables and values with messages that name the offending key.

A `Reader` collects every problem it finds instead of stopping at the first, so an
admin fixing a policy file sees all of them at once. Each getter returns a usable
stand-in after reporting a problem, so reading can carry on to the end.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence, overload


class PolicyError(Exception):
    """A policy that cannot be used, with every problem found, each naming its key."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


def where(path: str, key: str | int) -> str:
    """The name of `key` inside `path`, as an admin reads it: `sts.stages[1].notice_days`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Typed getters over plain dicts (parsed TOML) that note a problem per offending key."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        """Note that the value at `path` is wrong, in words."""
        self.problems.append(f"{path}: {message}")

    def table(self, value: Any, path: str, allowed: Iterable[str]) -> dict:
        """`value` as a table whose keys are all in `allowed`; unknown keys are problems."""
        if not isinstance(value, dict):
            self.problem(path or "policy", "must be a table of settings")
            return {}
        names = tuple(allowed)
        for key in value:
            if key not in names:
                self.problem(where(path, key), f"unknown key (expected one of: {', '.join(names)})")
        return value

    def missing(self, data: dict, path: str, key: str, required: bool) -> bool:
        """Whether `key` is absent from `data`, noting a problem when it is required."""
        if key in data:
            return False
        if required:
            self.problem(where(path, key), "missing")
        return True

    @overload
    def number(self, data: dict, path: str, key: str, default: float, *,
               whole: bool = False, zero: bool = False, required: bool = True) -> float: ...

    @overload
    def number(self, data: dict, path: str, key: str, default: None = None, *,
               whole: bool = False, zero: bool = False, required: bool = True) -> float | None: ...

    def number(self, data: dict, path: str, key: str, default: float | None = None, *,
               whole: bool = False, zero: bool = False, required: bool = True) -> float | None:
        """A positive number (or 0 when `zero` is allowed); a whole number when `whole`."""
        if self.missing(data, path, key, required and default is None):
            return default
        value = data[key]
        wanted = f"must be a positive {'whole number' if whole else 'number'}{' or 0' if zero else ''}"
        wrong_kind = isinstance(value, bool) or not isinstance(value, int if whole else (int, float))
        if wrong_kind or value < 0 or (value == 0 and not zero):
            self.problem(where(path, key), wanted)
            return default
        return value

    def text(self, data: dict, path: str, key: str, default: str | None = None, *,
             choices: Sequence[str] = (), required: bool = True) -> str | None:
        """A non-empty string, one of `choices` when they are given."""
        if self.missing(data, path, key, required and default is None):
            return default
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(where(path, key), "must be some text")
            return default
        if choices and value not in choices:
            self.problem(where(path, key), f"must be one of: {', '.join(choices)} (not {value!r})")
            return default
        return value

    def texts(self, data: dict, path: str, key: str, *, choices: Sequence[str] = ()) -> tuple[str, ...]:
        """A list of strings (empty when absent), each one of `choices` when they are given."""
        if key not in data:
            return ()
        value = data[key]
        if not isinstance(value, list):
            self.problem(where(path, key), "must be a list of text")
            return ()
        found = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(where(where(path, key), index), "must be some text")
            elif choices and item not in choices:
                self.problem(where(where(path, key), index), f"must be one of: {', '.join(choices)} (not {item!r})")
            else:
                found.append(item)
        return tuple(found)

    def flag(self, data: dict, path: str, key: str, default: bool = False) -> bool:
        """true or false (`default` when absent)."""
        if key not in data:
            return default
        if not isinstance(data[key], bool):
            self.problem(where(path, key), "must be true or false")
            return default
        return data[key]

    def tables(self, data: dict, path: str, key: str, *, required: bool = True) -> list[tuple[str, Any]]:
        """A list of tables as (path of each, table); a problem when missing (if required) or empty."""
        if self.missing(data, path, key, required):
            return []
        value = data[key]
        if not isinstance(value, list) or (required and not value):
            self.problem(where(path, key), "must be a list of one or more tables")
            return []
        return [(where(where(path, key), index), item) for index, item in enumerate(value)]
