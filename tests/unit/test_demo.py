"""The demo organisation: a believable hierarchy and absence record, the same every time."""
from __future__ import annotations

import collections
import datetime as dt

import pytest

from casework import demo
from documents.absence import REASON_CATEGORIES
from documents.employee import Employee

TODAY = dt.date(2026, 11, 23)
YEAR_AGO = dt.date(2025, 11, 24)  # first day of the 12 months to TODAY
WEEKDAY_NUMBERS = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}


@pytest.fixture(scope="module")
def org():
    return demo.generate(TODAY)


@pytest.fixture(scope="module")
def people(org):
    return {e["assignment_number"]: e for e in org.employees}


@pytest.fixture(scope="module")
def levels(people):
    """Each employee's level: 1 for whoever has no supervisor, one more for each step down."""
    def level(number, seen=()):
        assert number not in seen, f"supervisor cycle through {number}"
        boss = people[number]["supervisor_assignment_number"]
        return 1 if boss is None else 1 + level(boss, seen + (number,))
    return {number: level(number) for number in people}


@pytest.fixture(scope="module")
def demo_manager(org):
    return next(e for e in org.employees if e["email"] == "manager@example.org")


def below(people, number):
    """Everyone under `number` in the hierarchy, at any depth."""
    found, frontier = set(), {number}
    while frontier:
        frontier = {n for n, e in people.items() if e["supervisor_assignment_number"] in frontier}
        found |= frontier
    return found


def calendar_days(absence):
    return ((absence["last_day"] or TODAY) - absence["first_day"]).days + 1


def working_days_lost(employee, absence, start=None):
    """Days of the absence from `start` to its end (or TODAY) that are in the employee's pattern."""
    first = max(absence["first_day"], start or absence["first_day"])
    pattern = {WEEKDAY_NUMBERS[d] for d in employee["working_days"]}
    span = ((absence["last_day"] or TODAY) - first).days + 1
    return sum((first + dt.timedelta(days=i)).weekday() in pattern for i in range(span))


def fte_days(employee, absence):
    return working_days_lost(employee, absence) * employee["fte"] * 5 / len(employee["working_days"])


def triggered(org, people):
    """Employees at 4+ occasions or 10+ working days of short-term absence in the 12 months to TODAY."""
    occasions, days = collections.Counter(), collections.Counter()
    for a in org.absences:
        if calendar_days(a) <= 28 and (a["last_day"] or TODAY) >= YEAR_AGO:
            occasions[a["assignment_number"]] += 1
            days[a["assignment_number"]] += working_days_lost(people[a["assignment_number"]], a, YEAR_AGO)
    return {n for n in people if occasions[n] >= 4 or days[n] >= 10}


# The hierarchy

def test_about_400_employees_in_four_divisions(org):
    assert 360 <= len(org.employees) <= 440
    assert {e["division"] for e in org.employees} == {
        "Community Care", "Mental Health Care", "Secure Care", "Corporate Services"}


def test_employee_rows_carry_exactly_the_fields_set_on_insert(org):
    # the chain of supervisors, the audit trail and the staff summary (issue 18) are written after the insert; the
    # search words are derived from the name, number and job title as the row is stored
    insertable = set(Employee._fields) - {"id", "manager_path", "version", "audit", "summary", "search_words",
                                          "search_words_again"}
    assert all(set(e) == insertable for e in org.employees)


def test_every_division_has_two_or_three_directorates(org):
    directorates = collections.defaultdict(set)
    for e in org.employees:
        directorates[e["division"]].add(e["directorate"])
    assert all(2 <= len(names) <= 3 for names in directorates.values()), directorates


def test_one_chief_executive_at_the_top(org):
    top = [e for e in org.employees if e["supervisor_assignment_number"] is None]
    assert [e["job_title"] for e in top] == ["Chief Executive"]


def test_five_levels_with_every_supervisor_one_level_up(people, levels):
    counts = collections.Counter(levels.values())
    assert sorted(counts) == [1, 2, 3, 4, 5]
    assert counts[1] == 1 and counts[2] == 4
    assert counts[5] > counts[4] > counts[3] > counts[2]
    for number, e in people.items():
        boss = e["supervisor_assignment_number"]
        if boss is not None:
            assert boss in people
            assert levels[boss] == levels[number] - 1
            if levels[number] >= 3:
                assert people[boss]["division"] == e["division"]


def test_no_one_supervises_themselves_and_managers_stay(people):
    supervisors = {e["supervisor_assignment_number"] for e in people.values()} - {None}
    assert all(e["supervisor_assignment_number"] != n for n, e in people.items())
    assert all(people[n]["end_date"] is None for n in supervisors)


def test_demo_manager_leads_10_to_40_people_in_community_care(people, levels, demo_manager):
    number = demo_manager["assignment_number"]
    assert demo_manager["division"] == "Community Care"
    assert levels[number] in (3, 4)
    assert 10 <= len(below(people, number)) <= 40


def test_numbers_and_emails_are_unique_and_invented(org):
    numbers = [e["assignment_number"] for e in org.employees]
    emails = [e["email"] for e in org.employees]
    assert len(set(numbers)) == len(numbers)
    assert all(n == f"{e['employee_number']}-1" for n, e in zip(numbers, org.employees, strict=True))
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@example.org") for email in emails)
    assert len({(e["first_name"], e["last_name"]) for e in org.employees}) > 300


@pytest.mark.parametrize("fte, days", [(1.0, 5), (0.8, 4), (0.6, 3), (0.5, 3), (0.4, 2)])
def test_working_pattern_and_hours_follow_fte(org, fte, days):
    at_fte = [e for e in org.employees if e["fte"] == fte]
    assert at_fte, f"nobody works {fte} FTE"
    for e in at_fte:
        assert len(e["working_days"]) == days
        assert set(e["working_days"]) <= {"Mon", "Tue", "Wed", "Thu", "Fri"}
        assert e["contracted_hours"] == pytest.approx(37.5 * fte)


def test_mostly_full_time_in_england(org):
    full_time = sum(e["fte"] == 1.0 for e in org.employees)
    welsh = sum(e["region"] == "WLS" for e in org.employees)
    assert full_time > len(org.employees) / 2
    assert 1 <= welsh < len(org.employees) / 5
    assert {e["region"] for e in org.employees} == {"ENG", "WLS"}


def test_newcomers_and_a_handful_of_recent_leavers(org):
    newcomers = [e for e in org.employees if e["start_date"] > TODAY - dt.timedelta(days=730)]
    leavers = [e for e in org.employees if e["end_date"] is not None]
    assert len(newcomers) >= 10
    assert 1 <= len(leavers) <= 20
    assert all(TODAY - dt.timedelta(days=365) <= e["end_date"] < TODAY for e in leavers)
    assert all(e["start_date"] < e["end_date"] for e in leavers)
    assert all(e["start_date"] <= TODAY for e in org.employees)


@pytest.mark.parametrize("flag", ["pregnancy", "disability"])
def test_sensitive_flags_are_rare(org, flag):
    assert sum(e[flag] for e in org.employees) < len(org.employees) / 10


# Absences

def test_absences_have_unique_demo_ids_and_known_people(org, people):
    ids = [a["external_id"] for a in org.absences]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("DEMO-") for i in ids)
    assert all(a["assignment_number"] in people for a in org.absences)


def test_absences_start_on_a_working_day_inside_employment(org, people):
    for a in org.absences:
        e = people[a["assignment_number"]]
        assert a["first_day"].strftime("%a") in e["working_days"]
        assert e["start_date"] <= a["first_day"] <= TODAY
        assert a["last_day"] is None or a["first_day"] <= a["last_day"] <= TODAY
        if e["end_date"]:
            assert a["last_day"] is not None and a["last_day"] <= e["end_date"]
        assert a["first_day"] >= TODAY - dt.timedelta(days=731)


def test_absences_never_overlap_for_one_employee(org):
    by_person = collections.defaultdict(list)
    for a in org.absences:
        by_person[a["assignment_number"]].append(a)
    for absences in by_person.values():
        absences.sort(key=lambda a: a["first_day"])
        for earlier, later in zip(absences, absences[1:], strict=False):
            assert earlier["last_day"] is not None and earlier["last_day"] < later["first_day"]


def test_flags_fit_the_reason(org):
    assert all(a["reason_category"] in REASON_CATEGORIES for a in org.absences)
    assert all(a["pregnancy_related"] == (a["reason_category"] == "pregnancy") for a in org.absences)
    assert all(a["reason_detail"] for a in org.absences)


@pytest.mark.parametrize("reason, low, high", [
    ("mental_health", 0.15, 0.40), ("musculoskeletal", 0.07, 0.22), ("digestive", 0.07, 0.22),
    ("other", 0.05, 0.20), ("infections", 0.04, 0.15), ("heart_circulation", 0.02, 0.13),
    ("back_neck", 0.02, 0.12), ("respiratory", 0.01, 0.10), ("ent_dental", 0.005, 0.07),
    ("neurological", 0.005, 0.06), ("genito_urinary", 0.0, 0.04), ("pregnancy", 0.0, 0.03),
])
def test_fte_days_by_reason_roughly_follow_the_council_report(org, people, reason, low, high):
    by_reason = collections.Counter()
    for a in org.absences:
        by_reason[a["reason_category"]] += fte_days(people[a["assignment_number"]], a)
    assert low <= by_reason[reason] / sum(by_reason.values()) <= high
    assert by_reason.most_common(1)[0][0] == "mental_health"


def test_long_term_absences_are_few_but_carry_most_days(org, people):
    long_term = [a for a in org.absences if calendar_days(a) > 28]
    days = {id(a): fte_days(people[a["assignment_number"]], a) for a in org.absences}
    assert 0.04 <= len(long_term) / len(org.absences) <= 0.10
    assert 0.45 <= sum(days[id(a)] for a in long_term) / sum(days.values()) <= 0.80
    mental_or_muscles = [a for a in long_term if a["reason_category"] in ("mental_health", "musculoskeletal")]
    assert sum(days[id(a)] for a in mental_or_muscles) > sum(days[id(a)] for a in long_term) / 2


def test_most_short_absences_last_one_to_five_working_days(org, people):
    short = [a for a in org.absences if calendar_days(a) <= 28 and a["last_day"]]
    brief = [a for a in short if working_days_lost(people[a["assignment_number"]], a) <= 5]
    assert len(brief) > 0.8 * len(short)


def test_some_absences_are_still_going_on(org, people):
    ongoing = [a for a in org.absences if a["last_day"] is None]
    assert 10 <= len(ongoing) <= 40
    assert any(calendar_days(a) > 28 for a in ongoing)
    assert any(a["first_day"] > TODAY - dt.timedelta(days=7) for a in ongoing)
    assert all(people[a["assignment_number"]]["end_date"] is None for a in ongoing)


def test_a_minority_are_past_the_short_term_trigger(org, people, demo_manager):
    over = triggered(org, people)
    assert 0.05 <= len(over) / len(people) <= 0.25
    assert len(over & below(people, demo_manager["assignment_number"])) >= 2


def test_return_to_work_interviews(org, people):
    names = {n: f"{e['first_name']} {e['last_name']}" for n, e in people.items()}
    ended = [a for a in org.absences if a["last_day"] is not None and a["last_day"] < TODAY]
    held = [a for a in ended if a["rtw"]]
    assert all(a["rtw"] is None for a in org.absences if a["last_day"] is None)
    assert 0.75 <= len(held) / len(ended) <= 0.98
    prompt, late = 0, 0
    for a in held:
        e = people[a["assignment_number"]]
        rtw = a["rtw"]
        assert set(rtw) == {"held_on", "held_by", "notes"}
        assert a["last_day"] < rtw["held_on"] <= TODAY
        assert rtw["held_by"] == names.get(e["supervisor_assignment_number"], rtw["held_by"])
        gap = working_days_lost(e, {"first_day": a["last_day"] + dt.timedelta(days=1), "last_day": rtw["held_on"]})
        prompt += gap <= 4
        late += gap > 6
    assert prompt > 0.7 * len(held)
    assert late > 0


# Logins

def test_fixed_logins_for_each_role(org, demo_manager):
    by_email = {login["email"]: login for login in org.logins}
    assert by_email["manager@example.org"]["roles"] == ["manager"]
    assert by_email["manager@example.org"]["assignment_number"] == demo_manager["assignment_number"]
    assert by_email["hr@example.org"]["roles"] == ["hr"]
    assert by_email["hr@example.org"]["hr_divisions"] == ["Community Care", "Mental Health Care"]
    assert by_email["support@example.org"]["roles"] == ["support"]
    assert by_email["admin@example.org"]["roles"] == ["admin"]


def test_every_supervisor_has_a_manager_login(org, people):
    supervisors = {e["supervisor_assignment_number"] for e in org.employees} - {None}
    managers = {login["assignment_number"]: login for login in org.logins if login["roles"] == ["manager"]}
    assert set(managers) == supervisors
    assert all(login["email"] == people[n]["email"] for n, login in managers.items())
    assert len({login["email"] for login in org.logins}) == len(org.logins)
    assert all(set(login) == {"email", "name", "roles", "assignment_number", "hr_divisions"}
               for login in org.logins)


# Repeatability

def test_same_seed_and_day_give_the_same_organisation(org):
    assert demo.generate(TODAY) == org
    assert demo.generate(TODAY, seed=7) == demo.generate(TODAY, seed=7)


def test_another_seed_or_day_gives_another_organisation(org):
    assert demo.generate(TODAY, seed=7) != org
    later = demo.generate(TODAY + dt.timedelta(days=30))
    assert max(a["first_day"] for a in later.absences) > TODAY
