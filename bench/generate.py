"""The feed files of an invented trust, at any size, for the benchmark (README, Sizing):

    python -m bench.generate --employees 25000 --years 3 --seed 1 --out DIR

writes DIR/employees.csv (a six-level hierarchy: the chief executive, 4 divisional directors, 12 directorate
heads, service managers, team leaders and their staff; full- and part-time, three-day and weekend patterns,
starters and leavers inside the years), DIR/absences.csv (about 8 spells a person over three years: mostly one to
three days, some people with many short spells, a few long-term spells, some still open today, reasons in the board
report's categories written as Casebook's keys, common words or ESR codes) and DIR/inflight.csv (one case in
progress for every fifth person). The columns are those the import commands read; the same seed and `--today`
give the same files.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import functools
import math
import operator
import random
import sys
from pathlib import Path

from casework.absence_feed import COLUMNS as ABSENCE_COLUMNS
from casework.absence_feed import REASON_SYNONYMS
from casework.calendar import add_months
from casework.hierarchy_feed import ADDRESS_COLUMNS
from casework.hierarchy_feed import COLUMNS as EMPLOYEE_COLUMNS
from casework.inflight_feed import COLUMNS as INFLIGHT_COLUMNS
from casework.policy import PRESETS, load_policy_file
from casework.reason_codes import DEFAULT_MAPPING
from services import clock

DIVISIONS = {
    "Acute Care": ("Medicine", "Surgery", "Women and Children"),
    "Community Care": ("Adult Community Services", "Children and Families", "Intermediate Care"),
    "Mental Health Care": ("Adult Mental Health", "Older People's Mental Health", "Learning Disabilities"),
    "Corporate Services": ("Finance and Estates", "Workforce", "Digital Services"),
}
DIRECTORATES = [(division, name) for division, names in DIVISIONS.items() for name in names]
DEPARTMENTS = ("Inpatients", "Outpatients", "Day Services", "Community Teams", "Support Services")
LEVEL_TITLES = ("Chief Executive", "Divisional Director", "Associate Director", "Service Manager", "Team Leader")
STAFF_TITLES = ("Staff Nurse", "Healthcare Assistant", "Senior Staff Nurse", "Physiotherapist", "Administrator",
                "Support Worker", "Occupational Therapist", "Porter", "Pharmacist", "Clerical Officer")
FIRST_NAMES = ("Aled", "Bryony", "Caspian", "Delyth", "Eamon", "Fenella", "Gethin", "Hollis", "Ilse", "Jory",
               "Kerensa", "Lowen", "Morwenna", "Nye", "Oriel", "Peregrine", "Quilla", "Rhoswen", "Talfryn", "Ysolde",
               "Wenna", "Zennor", "Bran", "Cadan", "Elowen", "Tamsin", "Idris", "Lowenna", "Merryn", "Sennen")
LAST_NAMES = ("Trevanion", "Polglase", "Quenby", "Ashcombe", "Brightwell", "Carnforth", "Dunmere", "Elmstead",
              "Fairholm", "Gorran", "Hembury", "Illogan", "Jewkes", "Kestle", "Lanyon", "Mabyn", "Nancekivell",
              "Ottery", "Penhallow", "Roskilly", "Sennett", "Tregothnan", "Ventonwyn", "Wheal", "Yelland", "Zelah",
              "Boswarva", "Chenoweth", "Dunstan", "Ennor", "Faull", "Gwennap", "Hocking", "Jago", "Kitto",
              "Luxulyan", "Menhenick", "Nankervis", "Pascoe", "Rescorla")
FULL_WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri")
WEEKDAYS = (*FULL_WEEK, "Sat", "Sun")      # in date.weekday() order
# (share, FTE, working days): full time, weekend rotas, four-day, three-day and short part-time patterns.
PATTERNS: tuple[tuple[float, float, tuple[str, ...]], ...] = (
    (0.62, 1.0, FULL_WEEK), (0.08, 1.0, ("Mon", "Tue", "Thu", "Sat", "Sun")), (0.10, 0.8, ("Mon", "Tue", "Wed", "Thu")),
    (0.06, 0.6, ("Mon", "Tue", "Wed")), (0.05, 0.6, ("Wed", "Thu", "Fri")), (0.04, 0.6, ("Mon", "Wed", "Fri")),
    (0.05, 0.4, ("Thu", "Fri")))
# Spell lengths in calendar days: (share, shortest, longest). Most are one to three days; a few run past 28.
LENGTHS = ((0.30, 1, 1), (0.18, 2, 2), (0.14, 3, 3), (0.18, 4, 7), (0.08, 8, 14), (0.06, 15, 28), (0.045, 29, 90),
           (0.015, 91, 250))
SHORT_LENGTHS = LENGTHS[:3]
# Spells a year: most people a few, some rarely, a tenth often (mostly short spells).
HABITS: tuple[tuple[float, float, tuple], ...] = (
    (0.65, 2.8, LENGTHS), (0.25, 0.8, LENGTHS), (0.10, 9.5, SHORT_LENGTHS))
# The reasons by length of spell (short ≤ 3 days, medium ≤ 28, long-term), as weights over the board report's
# categories.
REASONS: dict[str, dict[str, float]] = {
    "short": {"infections": 35, "digestive": 20, "neurological": 10, "respiratory": 8, "mental_health": 8,
              "back_neck": 5, "musculoskeletal": 4, "ent_dental": 4, "genito_urinary": 2, "other": 3,
              "heart_circulation": 0.5, "pregnancy": 0.5},
    "medium": {"mental_health": 25, "musculoskeletal": 15, "back_neck": 10, "infections": 12, "respiratory": 8,
               "digestive": 6, "genito_urinary": 5, "other": 8, "ent_dental": 3, "neurological": 3,
               "heart_circulation": 2, "pregnancy": 3},
    "long": {"mental_health": 40, "musculoskeletal": 20, "back_neck": 8, "other": 12, "heart_circulation": 5,
             "genito_urinary": 5, "pregnancy": 4, "neurological": 3, "respiratory": 3},
}
CODES = {category: sorted(code for code, mapped in DEFAULT_MAPPING.items() if mapped == category)
         for category in REASONS["medium"]}
WORDS = {category: sorted(word for word, mapped in REASON_SYNONYMS.items() if mapped == category)
         for category in REASONS["medium"]}
SPELLS_PER_PERSON = 8     # over three years: about 200,000 absences for 25,000 staff
CASE_EVERY = 5            # one case in progress for every fifth person
FEWEST = 1 + 4 + 12 + 12 + 12 + 12   # a chief executive, the directors and heads, and one team of each level below


@dataclasses.dataclass
class Person:
    """One invented employee and where they sit."""

    index: int
    level: int
    division: str
    directorate: str
    department: str
    supervisor: Person | None
    first_name: str
    last_name: str
    fte: float
    days: tuple[str, ...]
    start: dt.date
    end: dt.date | None = None
    open_spell: dt.date | None = None     # the first day of their absence still open today

    @property
    def number(self) -> str:
        return f"{30000001 + self.index}"


def organisation(count: int, years: int, today: dt.date, rng: random.Random) -> list[Person]:
    """`count` people in six levels: the chief executive, a director for each division, a head for each
    directorate, service managers, team leaders (about one for 16 people) and their staff, of whom about 12 %
    started and 8 % left within the `years` to `today`."""
    window = today - dt.timedelta(days=365 * years)
    people: list[Person] = []

    def add(level, division, directorate, department, supervisor, pattern=(1.0, FULL_WEEK), start=None, end=None):
        person = Person(len(people), level, division, directorate, department, supervisor, rng.choice(FIRST_NAMES),
                        rng.choice(LAST_NAMES), *pattern,
                        start or window - dt.timedelta(days=rng.randint(30, 9000)), end)
        people.append(person)
        return person

    chief = add(1, "Corporate Services", "", "", None)
    directors = {division: add(2, division, "", "", chief) for division in DIVISIONS}
    heads = [add(3, division, name, "Directorate office", directors[division]) for division, name in DIRECTORATES]
    managers = [add(4, heads[k % 12].division, heads[k % 12].directorate, DEPARTMENTS[k // 12 % len(DEPARTMENTS)],
                    heads[k % 12]) for k in range(max(12, round(count / 250)))]
    leaders = [add(5, boss.division, boss.directorate, boss.department, boss)
               for boss in (managers[m % len(managers)] for m in range(max(12, round(count / 16))))]
    for k in range(count - len(people)):
        boss = leaders[k] if k < len(leaders) else rng.choice(leaders)
        starter = k == 0 or rng.random() < 0.12      # at least one starter and one leaver, however few staff
        start = (window + dt.timedelta(days=rng.randint(1, (today - window).days - 30)) if starter
                 else window - dt.timedelta(days=rng.randint(30, 9000)))
        earliest_end, end = max(start + dt.timedelta(days=30), window), None
        if (k == 1 or rng.random() < 0.08) and earliest_end < today:
            end = earliest_end + dt.timedelta(days=rng.randint(0, (today - earliest_end).days - 1))
        add(6, boss.division, boss.directorate, boss.department, boss, _drawn(PATTERNS, rng), start, end)
    return people


def _drawn(choices: tuple[tuple, ...], rng: random.Random) -> tuple:
    """One of `choices` ((share, *values), shares adding up to 1) drawn by its share: its values."""
    pick = rng.random()
    for share, *values in choices:
        if pick < share:
            return tuple(values)
        pick -= share
    return choices[0][1:]


def employee_rows(people: list[Person]) -> list[dict]:
    """employees.csv: supervisors have an @example.org address (the import makes them manager logins)."""
    supervisors = {person.supervisor.index for person in people if person.supervisor}
    rows = []
    for person in people:
        title = LEVEL_TITLES[person.level - 1] if person.level < 6 else STAFF_TITLES[person.index % len(STAFF_TITLES)]
        email = (f"{person.first_name}.{person.last_name}.{person.number}@example.org".lower()
                 if person.index in supervisors else "")
        rows.append({
            "assignment_number": person.number, "employee_number": f"N{person.number}",
            "first_name": person.first_name, "last_name": person.last_name, "email": email, "job_title": title,
            "division": person.division, "directorate": person.directorate, "department": person.department,
            "fte": f"{person.fte:g}", "contracted_hours": f"{37.5 * person.fte:g}",
            "working_days": " ".join(person.days),
            "region": "ENG", "supervisor_assignment_number": person.supervisor.number if person.supervisor else "",
            "start_date": person.start.isoformat(), "end_date": person.end.isoformat() if person.end else "",
            "address_line_1": f"{person.index % 190 + 1} {person.last_name} Road", "address_line_2": "",
            "town": "Porthallow", "postcode": f"TR{person.index % 27 + 1} {person.index % 9 + 1}XZ"})
    return rows


def absence_rows(people: list[Person], years: int, today: dt.date, rng: random.Random) -> list[dict]:
    """absences.csv: each person's spells within their employment in the `years` to `today`, never
    overlapping; a spell running past today is still open (with an expected return now and then); most ended
    spells have a return-to-work interview held by the supervisor. (Days are ordinals here, for speed.)"""
    now = today.toordinal()
    rows: list[dict] = []
    for person in people:
        lowest = max(now - 365 * years, person.start.toordinal())
        highest = min(now, person.end.toordinal()) if person.end else now
        if highest < lowest:
            continue
        rate, lengths = _drawn(HABITS, rng)
        count = min(_poisson(rate * (highest - lowest + 1) / 365, rng), (highest - lowest + 1) // 4)
        starts = sorted(rng.sample(range(lowest, highest + 1), count))
        working = {WEEKDAYS.index(day) for day in person.days}
        for number, start in enumerate(starts):
            first = _working_day(start, working)
            following = starts[number + 1] if number + 1 < count else None
            if first > highest or (following is not None and first >= following - 1):
                continue
            last = first + _length(lengths, rng) - 1
            if following is not None:
                last = min(last, following - 2)
            still_off = following is None and person.end is None and last >= now
            rows.append(_absence(person, len(rows), first, None if still_off else min(last, highest), highest,
                                 working, rng))
            if still_off:
                person.open_spell = dt.date.fromordinal(first)
    return rows


def _poisson(mean: float, rng: random.Random) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _length(lengths: tuple, rng: random.Random) -> int:
    pick = rng.random() * (1.0 if lengths is LENGTHS else sum(share for share, _, _ in lengths))
    for share, shortest, longest in lengths:
        if pick < share:
            return shortest if shortest == longest else rng.randint(shortest, longest)
        pick -= share
    return 1


def _working_day(day: int, working: set[int]) -> int:
    """The ordinal `day`, or the next day of the working pattern (`working`: weekday numbers, Monday 0)."""
    for _ in range(7):
        if (day + 6) % 7 in working:
            return day
        day += 1
    return day


@functools.cache
def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def _absence(person: Person, number: int, first: int, last: int | None, highest: int, working: set[int],
             rng: random.Random) -> dict:
    """One spell from `first` to `last` (None: still off); `highest`: the last day they may have an interview."""
    length = (last or highest) - first + 1
    category = _weighted(REASONS["short" if length <= 3 else "medium" if length <= 28 else "long"], rng)
    pick = rng.random()
    reason = (rng.choice(CODES[category]) if pick < 0.3 and CODES[category]
              else rng.choice(WORDS[category]) if pick < 0.45 and WORDS[category] else category)
    held = _working_day(last + rng.choice((1, 1, 1, 2, 3, 6)), working) if last is not None else None
    interview = held is not None and held <= highest and person.supervisor is not None and rng.random() < 0.85
    expected = first + rng.randint(length + 1, length + 30) if last is None and rng.random() < 0.6 else None
    return {"absence_id": f"ABS{number + 1:08d}", "assignment_number": person.number, "first_day": _iso(first),
            "last_day": _iso(last) if last is not None else "", "reason_category": reason,
            "reason_detail": "" if rng.random() < 0.7 else f"{category.replace('_', ' ').capitalize()}, see GP note",
            "work_related": "Y" if category in ("back_neck", "musculoskeletal") and rng.random() < 0.1 else "N",
            "pregnancy_related": "Y" if category == "pregnancy" else "N",
            "disability_related": "Y" if rng.random() < 0.03 else "N",
            "rtw_date": _iso(held) if interview and held else "",
            "rtw_by_assignment_number": person.supervisor.number if interview and person.supervisor else "",
            "expected_return": _iso(expected) if expected else ""}


def _weighted(weights: dict[str, float], rng: random.Random) -> str:
    pick = rng.random() * sum(weights.values())
    for key, weight in weights.items():
        if pick < weight:
            return key
        pick -= weight
    return next(iter(weights))


def inflight_rows(people: list[Person], today: dt.date, rng: random.Random) -> list[dict]:
    """inflight.csv under the default policy (council-2019): one case for every fifth person, each in post; a
    fifth long-term (those off for more than 28 days first), the rest short-term at every stage, formal stages with
    their warning and review date."""
    policy = load_policy_file(PRESETS / "council-2019.toml")
    in_post = [person for person in people if person.end is None and (today - person.start).days > 200]
    wanted = min(len(in_post), len(people) // CASE_EVERY)
    long_off = [person for person in in_post if person.open_spell and (today - person.open_spell).days > 35]
    lts = long_off[:wanted // 5]
    taken = {person.index for person in lts}
    others = [person for person in in_post if person.index not in taken]
    rows = [_lts_row(person, today, rng) for person in lts]
    sts = rng.sample(others, wanted - len(rows))
    stages = {stage.key: stage for stage in policy.sts.ladder.stages}
    for person in sts:
        key = _weighted({"absence_support": 45, "formal_1": 30, "formal_2": 17, "formal_3": 8}, rng)
        started = today - dt.timedelta(days=rng.randint(1, 150))
        stage = stages[key]
        warning = stage.warning if stage.warning and rng.random() < 0.8 else None
        rows.append(_row(person, "STS", key, started, warning,
                         add_months(started, stage.warning_months or 0) if warning else None,
                         started + dt.timedelta(days=90 if stage.formal else 56)))
    return rows


def _lts_row(person: Person, today: dt.date, rng: random.Random) -> dict:
    assert person.open_spell is not None, "a long-term row is for someone off"
    earliest = person.open_spell + dt.timedelta(days=28)
    started = earliest + dt.timedelta(days=rng.randint(0, max(0, (today - earliest).days)))
    key = _weighted({"lts_welfare": 60, "lts_case_conference": 30, "lts_hearing": 10}, rng)
    return _row(person, "LTS", key, started, None, None,
                started + dt.timedelta(days=28) if rng.random() < 0.5 else None)


def _row(person: Person, kind: str, stage: str, started: dt.date, warning: str | None, expires: dt.date | None,
         review: dt.date | None) -> dict:
    return {"assignment_number": person.number, "case_type": kind, "stage": stage,
            "stage_started_on": started.isoformat(), "warning_level": warning or "",
            "warning_expires_on": expires.isoformat() if expires else "",
            "review_date": review.isoformat() if review else "",
            "notes": f"Stage letter sent on {started.isoformat()}" if stage != "absence_support" else ""}


def write(path: Path, columns, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(map(operator.itemgetter(*columns), rows))


def generate(folder: Path, employees: int, years: int, seed: int, today: dt.date) -> dict[str, int]:
    """Write the three files into `folder` (made if needed); how many rows each has."""
    if employees < FEWEST:
        raise ValueError(f"Use at least {FEWEST} employees: the six levels need them.")
    rng = random.Random(seed)
    people = organisation(employees, years, today, rng)
    files = {"employees.csv": ((*EMPLOYEE_COLUMNS, *ADDRESS_COLUMNS), employee_rows(people)),
             "absences.csv": ((*ABSENCE_COLUMNS, "expected_return"), absence_rows(people, years, today, rng))}
    files["inflight.csv"] = (INFLIGHT_COLUMNS, inflight_rows(people, today, rng))
    folder.mkdir(parents=True, exist_ok=True)
    for name, (columns, rows) in files.items():
        write(folder / name, columns, rows)
    return {name: len(rows) for name, (_, rows) in files.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=clock.today(),
                        help="the last day of the files (YYYY-MM-DD; default today)")
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args(argv)
    try:
        written = generate(options.out, options.employees, options.years, options.seed, options.today)
    except ValueError as problem:
        parser.error(str(problem))
    for name, rows in written.items():
        print(f"{options.out / name}: {rows:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
