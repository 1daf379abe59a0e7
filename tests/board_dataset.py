"""The board report's figures on a fixed small organisation, every figure worked by hand below.

England bank holidays in the period: Good Friday 3 April, Easter Monday 6 April, 4 May, 25 May 2026.
Period: 1 April – 30 June 2026 = 30 + 31 + 30 = 91 calendar days.

People (all ENG):
  A  Place / Highways  FTE 1.0  Mon–Fri      in post throughout        91 days
  B  Place / Highways  FTE 0.6  Mon–Fri      in post throughout        91 days
  C  Place / Waste     FTE 0.6  Mon–Wed      in post throughout        91 days
  D  People / Schools  FTE 1.0  Mon–Fri      started 1 May 2026        61 days
  E  People / Schools  FTE 1.0  Mon–Fri      left 30 April 2026        30 days (not in post at the end)

Absences:
  1 A  2 Mar – 10 Apr  mental_health  long-term crossing the period start. March: 22 working days
       (2–31 March), April: 1, 2, 7, 8, 9, 10 = 6 (3 and 6 April are bank holidays inside the absence);
       28 in all ≥ 20 → long-term. In the period 6 days = 6 FTE-days. RTW Mon 13 April = day 1.
  2 B  Mon 11 – Wed 13 May  infections  3 days × 0.6 × 5/5 = 1.8 FTE-days (the part-timer).
       RTW Thu 21 May: day 1 Thu 14, 2 Fri 15, 3 Mon 18, 4 Tue 19, 5 Wed 20, 6 Thu 21 → day 6.
  3 C  Wed 20 – Wed 27 May  back_neck  C works Mon–Wed: 20, (25 bank holiday), 26, 27 = 3 days;
       3 × 0.6 × 5/3 = 3.0 FTE-days. No RTW recorded.
  4 D  from Mon 1 June, ongoing, mental_health  to 30 June: 22 working days = 22 FTE-days; long-term, open.
  5 E  Mon 20 – Tue 21 April  infections  2 days = 2 FTE-days. RTW Wed 22 April = day 1.
  6 B  Tue 10 – Wed 11 March  infections  before the period: 2 × 0.6 = 1.2 FTE-days (only in the series).
  7 A  Mon 6 – Tue 7 July  other  after the period: not counted.
  8 A  Mon 7 – Fri 11 April 2025  infections  a year before: 5 FTE-days (the year-earlier period and the
       forecast; the records begin in April 2025). RTW Mon 14 April 2025 = day 1.
"""
import datetime as dt

from casework.board_report import AbsenceRow, Person

D = dt.date
START, END = D(2026, 4, 1), D(2026, 6, 30)

PEOPLE = [
    Person("A", "Place", "Highways", 1.0),
    Person("B", "Place", "Highways", 0.6),
    Person("C", "Place", "Waste", 0.6, ("Mon", "Tue", "Wed")),
    Person("D", "People", "Schools", 1.0, start_date=D(2026, 5, 1)),
    Person("E", "People", "Schools", 1.0, start_date=D(2020, 1, 6), end_date=D(2026, 4, 30)),
]
ABSENCES = [
    AbsenceRow("A", D(2026, 3, 2), D(2026, 4, 10), "mental_health", D(2026, 4, 13)),
    AbsenceRow("B", D(2026, 5, 11), D(2026, 5, 13), "infections", D(2026, 5, 21)),
    AbsenceRow("C", D(2026, 5, 20), D(2026, 5, 27), "back_neck"),
    AbsenceRow("D", D(2026, 6, 1), None, "mental_health"),
    AbsenceRow("E", D(2026, 4, 20), D(2026, 4, 21), "infections", D(2026, 4, 22)),
    AbsenceRow("B", D(2026, 3, 10), D(2026, 3, 11), "infections", D(2026, 3, 12)),
    AbsenceRow("A", D(2026, 7, 6), D(2026, 7, 7), "other"),
    AbsenceRow("A", D(2025, 4, 7), D(2025, 4, 11), "infections", D(2025, 4, 14)),
]

# headcount and FTE at the end: in post on 30 June (E left on 30 April): Org A, B, C, D = 4 and
#   1.0 + 0.6 + 0.6 + 1.0 = 3.2; Place 3, 2.2; People 1, 1.0; Highways 2, 1.6; Waste 1, 0.6; Schools 1, 1.0.
# headcount: in post on 30 June. average FTE: Σ FTE × days in post ÷ 91.
#   Organisation: (91 + 54.6 + 54.6 + 61 + 30) / 91 = 291.2 / 91 = 3.2; Place 200.2 / 91 = 2.2;
#   People 91 / 91 = 1.0; Highways 145.6 / 91 = 1.6; Waste 54.6 / 91 = 0.6.
# working days: Org 6+3+3+22+2 = 36; Place 12; People 24; Highways 9; Waste 3.
# FTE-days: Org 6+1.8+3+22+2 = 34.8; Place 10.8; People 24; Highways 7.8; Waste 3.0.
# per FTE: Org 34.8/3.2 = 10.875 → 10.88; Place 10.8/2.2 = 4.909 → 4.91; People 24.0;
#   Highways 7.8/1.6 = 4.875 → 4.88; Waste 3.0/0.6 = 5.0.
# long-term FTE-days: Org 6+22 = 28, share 28/34.8 = 0.8046; Place 6, 6/10.8 = 0.5556;
#   People 22, 22/24 = 0.9167; Highways 6, 6/7.8 = 0.7692; Waste 0, 0.
# long-term absences (open): Org 2 (1); Place 1 (0); People 1 (1); Highways 1 (0); Waste 0 (0).
# RTW (absences ended in the period: 1, 2, 3, 5): Org due 4, held 3 (days 1, 6, 1) → 0.75, average 8/3 = 2.67,
#   within 5: 2/3 = 0.6667. Place: due 3 (1, 2, 3), held 2 (1, 6) → 0.6667, 3.5, 0.5.
#   People: due 1, held 1 (day 1) → 1, 1, 1.
#   Highways: due 2, held 2 (1, 6) → 1.0, 3.5, 0.5. Waste: due 1, held 0 → 0.0, none, none.
EXPECTED = {
    #  scope                   head  avgFTE  wd   fte   perFTE  lt    share   lt# open due held share  avg   within5
    ("organisation", "Organisation"): (4, 3.2, 36, 34.8, 10.88, 28.0, 0.8046, 2, 1, 4, 3, 0.75, 2.67, 0.6667),
    ("division", "Place"):           (3, 2.2, 12, 10.8, 4.91, 6.0, 0.5556, 1, 0, 3, 2, 0.6667, 3.5, 0.5),
    ("division", "People"):          (1, 1.0, 24, 24.0, 24.0, 22.0, 0.9167, 1, 1, 1, 1, 1.0, 1.0, 1.0),
    ("directorate", "Highways"):     (2, 1.6, 9, 7.8, 4.88, 6.0, 0.7692, 1, 0, 2, 2, 1.0, 3.5, 0.5),
    ("directorate", "Waste"):        (1, 0.6, 3, 3.0, 5.0, 0.0, 0.0, 0, 0, 1, 0, 0.0, None, None),
    ("directorate", "Schools"):      (1, 1.0, 24, 24.0, 24.0, 22.0, 0.9167, 1, 1, 1, 1, 1.0, 1.0, 1.0),
}

# The same period a year earlier, 1 April – 30 June 2025 (91 days): A, B, C and E in post throughout, D not yet
#   (average FTE as above but People = E's 1.0: Org 3.2, Place 2.2, People 1.0, Highways 1.6, Waste 0.6,
#   Schools 1.0). Only absence 8 (A, 5 working days = 5 FTE-days) falls in it.
#   per FTE: Org 5/3.2 = 1.5625 → 1.56; Place 5/2.2 = 2.27; Highways 5/1.6 = 3.125 → 3.13; others 0.0.
#   change (%): Org (10.88 − 1.56)/1.56 = 597.4; Place (4.91 − 2.27)/2.27 = 116.3; Highways (4.88 − 3.13)/3.13
#   = 55.9; from 0.0 no change is given. Long-term share a year earlier: 0.0 where days were lost, else none.
EARLIER = {
    #  scope                          perFTE  change  wd  lt share (%)
    ("organisation", "Organisation"): (1.56, 597.4, 5, 0.0),
    ("division", "Place"):           (2.27, 116.3, 5, 0.0),
    ("division", "People"):          (0.0, None, 0, None),
    ("directorate", "Highways"):     (3.13, 55.9, 5, 0.0),
    ("directorate", "Waste"):        (0.0, None, 0, None),
    ("directorate", "Schools"):      (0.0, None, 0, None),
}

# The forecast for 2026/27 from 1 April to 30 June 2026: April 8.0 (A 6 + E 2), May 4.8 (B 1.8 + C 3.0),
#   June 22.0 (D) → 34.8 FTE-days so far, average FTE 3.2.
#   History: 2023/24 and 2024/25 began before the records (April 2025) and are left out. 2025/26: April 2025
#   5.0 (absence 8), March
#   2026 A 22 + B 1.2 = 23.2 → 28.2 in all, of which 23.2 after 30 June 2025 → share 23.2/28.2 = 0.8227;
#   average FTE 3.2 (A, B, C, E all year), so 28.2/3.2 = 8.8125 → 8.81 days lost per FTE.
#   Forecast: 34.8 / (1 − 0.8227) = 34.8 / 0.1773 = 196.2775 → 196.28 FTE-days; 196.28 / 3.2 = 61.3375 → 61.34.
#   So far: 34.8 / 3.2 = 10.875 → 10.88 days lost per FTE.
FORECAST = {"year": "2026/27", "to_date": 34.8, "average_fte": 3.2, "share_to_come": 0.8227, "fte_days": 196.28,
            "per_fte": 61.34, "history": [("2025/26", 28.2, 3.2, 0.8227)]}

# FTE-days by reason (Highways, Schools, Waste; total; share of 34.8 in %): back and neck (–, –, 3.0; 3.0; 8.6);
#   mental health (6.0, 22.0, –; 28.0; 80.5); infections (1.8, 2.0, –; 3.8; 10.9); every other reason none.
# Long-term 28.0 FTE-days (80.5%, 28/3.2 = 8.75 per FTE); short-term 6.8 (19.5%, 6.8/3.2 = 2.125 → 2.13).

FTE_AT_END = {("organisation", "Organisation"): 3.2, ("division", "Place"): 2.2, ("division", "People"): 1.0,
              ("directorate", "Highways"): 1.6, ("directorate", "Waste"): 0.6, ("directorate", "Schools"): 1.0}
