"""An invented organisation to try Casebook with: about 400 staff in a five-level hierarchy,
two years of sickness absence ending on a given day, and the logins that go with them.

Pure and repeatable: the same `today` and `seed` always give the same organisation.
Names are common UK first names and surnames shuffled together, so nobody real is meant.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random

WORKING_WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri")
DEMO_DIVISION = "Community Care"
DEMO_MANAGER_EMAIL = "manager@example.org"
LEADERSHIP = "Leadership Team"

STRUCTURE = {
    "Corporate Services": {"Finance": ("Financial Accounts", "Payroll", "Procurement"),
                           "Workforce": ("HR Advisory", "Recruitment", "Learning and Development"),
                           "Estates and Facilities": ("Estates", "Catering", "Domestic Services")},
    "Community Care": {"Adult Community Services": ("District Nursing North", "District Nursing South",
                                                    "Intermediate Care"),
                       "Children's Services": ("Health Visiting", "School Nursing", "Children's Therapies"),
                       "Therapies": ("Physiotherapy", "Occupational Therapy", "Podiatry")},
    "Mental Health Care": {"Adult Mental Health": ("Acute Wards", "Crisis Team", "Community Mental Health"),
                           "Older People's Mental Health": ("Memory Service", "Dementia Ward",
                                                            "Older Adults Community Team")},
    "Secure Care": {"Medium Secure Services": ("Ashdown Ward", "Birch Ward", "Cedar Ward"),
                    "Low Secure Services": ("Linden Ward", "Maple Ward", "Forensic Outreach")},
}
STAFF_TITLES = {
    "Corporate Services": ("Finance Officer", "Payroll Officer", "HR Advisor", "Administrator",
                           "Estates Officer", "Domestic Assistant", "Catering Assistant"),
    "Community Care": ("Community Nurse", "Healthcare Assistant", "Physiotherapist",
                       "Occupational Therapist", "Health Visitor", "Administrator"),
    "Mental Health Care": ("Mental Health Nurse", "Healthcare Assistant", "Support Worker",
                           "Clinical Psychologist", "Social Worker", "Ward Clerk"),
    "Secure Care": ("Staff Nurse", "Healthcare Assistant", "Security Officer", "Activity Coordinator",
                    "Support Worker"),
}
TEAM_MANAGER_TITLES = {"Corporate Services": "Service Manager", "Community Care": "Team Leader",
                       "Mental Health Care": "Team Manager", "Secure Care": "Ward Manager"}
FIRST_NAMES = (
    "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Thomas", "Oscar", "William",
    "James", "Leo", "Alfie", "Henry", "Joshua", "Freddie", "Archie", "Ethan", "Isaac", "Alexander",
    "Daniel", "Samuel", "Joseph", "Max", "Mohammed", "Logan", "Lucas", "Dylan", "Adam", "Ryan",
    "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Lily", "Mia", "Isabella",
    "Ella", "Poppy", "Jessica", "Evie", "Charlotte", "Sophie", "Chloe", "Florence", "Ruby", "Freya",
    "Sarah", "Rachel", "Hannah", "Laura", "Emma", "Rebecca", "Karen", "Helen", "Claire", "Nicola",
    "Priya", "Aisha", "Fatima", "Zara", "Megan", "Rhiannon", "Siobhan", "Bethan", "Gareth", "Rhys")
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
    "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
    "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
    "Khan", "Ahmed", "Begum", "Hussain", "Singh", "Okafor", "Mensah", "Nowak", "Kaur", "Campbell")
FTE_WEIGHTS = {1.0: 70, 0.8: 10, 0.6: 10, 0.5: 5, 0.4: 5}
# Episodes a year: most people are rarely off, a few often.
YEARLY_EPISODES = (0.2, 0.5, 0.8, 1.0, 1.2, 1.5, 1.8, 2.2, 2.8)
LONG_TERM_CHANCE = 0.09
MIDDLE_LENGTH_CHANCE = 0.08
SHORT_WORKING_DAYS = {1: 30, 2: 25, 3: 20, 4: 10, 5: 8}
# Share of episodes by reason, short and long-term apart; with long-term absence carrying about
# two thirds of days lost they give roughly the council report's mix of days lost (section 4).
SHORT_REASONS = {"infections": 24, "digestive": 26, "mental_health": 9, "musculoskeletal": 6, "other": 10,
                 "neurological": 6, "respiratory": 8, "back_neck": 5, "ent_dental": 6, "heart_circulation": 2,
                 "genito_urinary": 1}
LONG_REASONS = {"mental_health": 42, "musculoskeletal": 22, "back_neck": 6, "heart_circulation": 7, "other": 12,
                "digestive": 6, "respiratory": 3, "ent_dental": 1, "genito_urinary": 1}
REASON_DETAILS = {
    "back_neck": ("Lower back pain after lifting", "Neck strain", "Sciatica", "Prolapsed disc"),
    "musculoskeletal": ("Knee injury", "Sprained ankle", "Frozen shoulder", "Hip replacement", "Broken wrist"),
    "mental_health": ("Work-related stress", "Anxiety", "Low mood", "Depression", "Bereavement reaction"),
    "infections": ("Cold", "Flu", "Covid-19", "Tonsillitis", "Urinary tract infection"),
    "neurological": ("Migraine", "Severe headache", "Vertigo"),
    "genito_urinary": ("Kidney stones", "Gynaecological procedure", "Endometriosis"),
    "pregnancy": ("Hyperemesis", "Pregnancy-related back pain", "Pelvic girdle pain"),
    "digestive": ("Gastroenteritis", "Diarrhoea and vomiting", "Gallstones", "Irritable bowel flare-up"),
    "heart_circulation": ("High blood pressure", "Angina", "Deep vein thrombosis", "Cardiac investigation"),
    "respiratory": ("Chest infection", "Asthma flare-up", "Bronchitis", "Pneumonia"),
    "ent_dental": ("Dental abscess", "Ear infection", "Sinusitis", "Eye infection", "Tooth extraction"),
    "other": ("Day surgery", "Injury outside work", "Post-operative recovery", "Fainting episode"),
}
RTW_NOTES = ("Fully recovered, no adjustments needed.", "Feeling better; agreed to check in next week.",
             "Discussed support available; referred to occupational health.",
             "Phased hours for two weeks agreed.", "No underlying condition; reminded of reporting procedure.",
             "Reviewed attendance record and triggers together.")
NON_EMPLOYEE_LOGINS: tuple[dict, ...] = (
    {"email": "hr@example.org", "name": "Helen Marsh", "roles": ["hr"], "assignment_number": None,
     "hr_divisions": ["Community Care", "Mental Health Care"]},
    {"email": "support@example.org", "name": "Owen Pritchard", "roles": ["support"], "assignment_number": None,
     "hr_divisions": []},
    {"email": "admin@example.org", "name": "Alex Morgan", "roles": ["admin"], "assignment_number": None,
     "hr_divisions": []},
)


@dataclasses.dataclass(frozen=True)
class DemoOrganisation:
    """Rows ready to insert: employees, their sickness absences and the logins."""

    employees: list[dict]
    absences: list[dict]
    logins: list[dict]


def generate(today: dt.date, seed: int = 2026) -> DemoOrganisation:
    """Invent the demo organisation as it stands on `today`; the same seed gives the same data."""
    rng = random.Random(seed)
    employees, episodes_a_year, frequent = _hierarchy(rng, today)
    by_number = {e["assignment_number"]: e for e in employees}
    absences = []
    for person in employees:
        boss = by_number.get(person["supervisor_assignment_number"])
        held_by = f"{boss['first_name']} {boss['last_name']}" if boss else "Chair of the Board"
        absences += _sickness_record(rng, person, episodes_a_year[person["assignment_number"]],
                                     person["assignment_number"] in frequent, held_by, today)
    for number, absence in enumerate(absences, start=1):
        absence["external_id"] = f"DEMO-{number:06d}"
    return DemoOrganisation(employees, absences, _logins(employees))


# Invented streets and towns; the "ZZ" postcodes are of no real area. Every tenth person has no address known, so
# their letters go by hand or by e-mail. Made from the person's place in the list, not the random draw, so adding
# addresses changed nobody else's details.
STREETS = ("Beech Road", "Church Lane", "Mill Street", "Station Road", "Orchard Way", "Park Avenue", "Meadow Close")
TOWNS = ("Ashvale", "Brookfield", "Carrow Heath", "Dunmere", "Elmsworth")


def _address(index: int) -> dict:
    if index % 10 == 9:
        return {"address_line_1": None, "address_line_2": None, "town": None, "postcode": None}
    return {"address_line_1": f"{3 + index % 97} {STREETS[index % len(STREETS)]}", "address_line_2": None,
            "town": TOWNS[index % len(TOWNS)], "postcode": f"ZZ{1 + index % 9} {index % 10}AB"}


def _hierarchy(rng: random.Random, today: dt.date) -> tuple[list[dict], dict[str, float], set[str]]:
    """Everyone from the chief executive down, with how often each tends to be off and who is often off."""
    employees: list[dict] = []
    episodes_a_year, frequent = {}, set()
    emails: set[str] = set()

    def add(division, directorate, department, title, boss, staff=False, often_off=False):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        email = _unique_email(first, last, emails)
        fte = rng.choices(list(FTE_WEIGHTS), weights=list(FTE_WEIGHTS.values()))[0] if staff else 1.0
        days = math.ceil(fte * 5 - 1e-9)
        first_day = rng.randint(0, 5 - days)
        newcomer = staff and not often_off and rng.random() < 0.15
        start = today - dt.timedelta(days=rng.randint(20, 700) if newcomer else rng.randint(800, 9000))
        leaver = staff and not often_off and not newcomer and rng.random() < 0.025
        number = str(10000101 + len(employees))
        person = {
            "assignment_number": f"{number}-1", "employee_number": number, "first_name": first, "last_name": last,
            "email": email, "job_title": title, "division": division, "directorate": directorate,
            "department": department, "fte": fte, "contracted_hours": round(37.5 * fte, 2),
            "working_days": list(WORKING_WEEK[first_day:first_day + days]),
            "region": "WLS" if rng.random() < 0.05 else "ENG",
            "supervisor_assignment_number": boss["assignment_number"] if boss else None,
            "start_date": start, "end_date": today - dt.timedelta(days=rng.randint(10, 350)) if leaver else None,
            "pregnancy": staff and rng.random() < 0.015, "disability": rng.random() < 0.04,
            "adjusted_thresholds": [], **_address(len(employees)),
        }
        employees.append(person)
        episodes_a_year[person["assignment_number"]] = rng.choice(YEARLY_EPISODES)
        if often_off or (staff and not newcomer and not leaver and rng.random() < 0.04):
            frequent.add(person["assignment_number"])
        return person

    corporate = next(iter(STRUCTURE["Corporate Services"]))
    chief = add("Corporate Services", corporate, LEADERSHIP, "Chief Executive", None)
    demo_manager = None
    for division, directorates in STRUCTURE.items():
        director = add(division, next(iter(directorates)), LEADERSHIP, f"Director of {division}", chief)
        for directorate, departments in directorates.items():
            head = add(division, directorate, LEADERSHIP, f"Head of {directorate}", director)
            for department in departments:
                manager = add(division, directorate, department, TEAM_MANAGER_TITLES[division], head)
                is_demo_team = division == DEMO_DIVISION and demo_manager is None
                if is_demo_team:
                    demo_manager = manager
                    emails.discard(manager["email"])
                    manager["email"] = DEMO_MANAGER_EMAIL
                for place in range(14 if is_demo_team else rng.randint(9, 15)):
                    add(division, directorate, department, rng.choice(STAFF_TITLES[division]), manager,
                        staff=True, often_off=is_demo_team and place < 3)
    return employees, episodes_a_year, frequent


def _unique_email(first: str, last: str, taken: set[str]) -> str:
    """first.last@example.org, or first.last2@… and so on when that is taken."""
    stem, n = f"{first}.{last}".lower(), 1
    while (email := f"{stem}{n if n > 1 else ''}@example.org") in taken:
        n += 1
    taken.add(email)
    return email


def _sickness_record(rng: random.Random, person: dict, episodes_a_year: float, often_off: bool,
                     held_by: str, today: dt.date) -> list[dict]:
    """One person's absences over the two years to `today`, one after another, inside their employment."""
    works = {WORKING_WEEK.index(day) for day in person["working_days"]}
    last_possible = min(today, person["end_date"] or today)
    cursor = max(today - dt.timedelta(days=730), person["start_date"])
    cursor += dt.timedelta(days=rng.randint(0, 60) if often_off else int(rng.expovariate(episodes_a_year / 365)))
    absences = []
    while (first := _working_day_from(cursor, works)) <= last_possible:
        long_term = not often_off and rng.random() < LONG_TERM_CHANCE
        last: dt.date | None
        if long_term:
            last = first + dt.timedelta(days=28 + min(300, int(rng.expovariate(1 / 70))))
        elif not often_off and rng.random() < MIDDLE_LENGTH_CHANCE:
            last = first + dt.timedelta(days=rng.randint(5, 20))
        else:
            last = first
            for _ in range(rng.choices(list(SHORT_WORKING_DAYS), weights=list(SHORT_WORKING_DAYS.values()))[0] - 1):
                last = _working_day_from(last + dt.timedelta(days=1), works)
        if person["end_date"] and last >= person["end_date"]:
            last = person["end_date"]
        elif last >= today:
            last = None
        reason = _reason(rng, person, first, long_term, today)
        absences.append({
            "external_id": None, "assignment_number": person["assignment_number"], "first_day": first,
            "last_day": last, "reason_category": reason, "reason_detail": rng.choice(REASON_DETAILS[reason]),
            "work_related": rng.random() < (0.2 if reason in ("back_neck", "musculoskeletal", "mental_health")
                                            else 0.03),
            "third_party": rng.random() < 0.02, "pregnancy_related": reason == "pregnancy",
            "disability_related": person["disability"] and rng.random() < 0.5,
            "rtw": _return_to_work(rng, last, works, held_by, last_possible),
        })
        gap = rng.randint(30, 75) if often_off else 7 + int(rng.expovariate(episodes_a_year / 365))
        cursor = (last or today) + dt.timedelta(days=gap)
    return absences


def _reason(rng: random.Random, person: dict, first: dt.date, long_term: bool, today: dt.date) -> str:
    """The reason for one absence: pregnancy for some recent ones of pregnant staff, else by the usual mix."""
    if person["pregnancy"] and first > today - dt.timedelta(days=270) and rng.random() < 0.5:
        return "pregnancy"
    weights = LONG_REASONS if long_term else SHORT_REASONS
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _return_to_work(rng: random.Random, last: dt.date | None, works: set[int], held_by: str,
                    last_possible: dt.date) -> dict | None:
    """The RTW interview after an ended absence: mostly on the day back or soon after, some late, a few never."""
    if last is None:
        return None
    held_on = _working_day_from(last + dt.timedelta(days=1), works)
    roll = rng.random()
    delay = 0 if roll < 0.6 else rng.randint(1, 3) if roll < 0.85 else rng.randint(6, 10) if roll < 0.94 else None
    if delay is None:
        return None
    for _ in range(delay):
        held_on = _working_day_from(held_on + dt.timedelta(days=1), works)
    if held_on > last_possible:
        return None
    return {"held_on": held_on, "held_by": held_by, "notes": rng.choice(RTW_NOTES)}


def _working_day_from(day: dt.date, works: set[int]) -> dt.date:
    """The first day on or after `day` that is one of the employee's working days."""
    while day.weekday() not in works:
        day += dt.timedelta(days=1)
    return day


def _logins(employees: list[dict]) -> list[dict]:
    """The demo manager, HR, support and admin logins, and a manager login for everyone who supervises."""
    supervisors = {e["supervisor_assignment_number"] for e in employees}
    managers = [{"email": e["email"], "name": f"{e['first_name']} {e['last_name']}", "roles": ["manager"],
                 "assignment_number": e["assignment_number"], "hr_divisions": []}
                for e in employees if e["assignment_number"] in supervisors]
    managers.sort(key=lambda login: login["email"] != DEMO_MANAGER_EMAIL)
    return managers[:1] + [dict(login, roles=list(login["roles"]), hr_divisions=list(login["hr_divisions"]))
                           for login in NON_EMPLOYEE_LOGINS] + managers[1:]
