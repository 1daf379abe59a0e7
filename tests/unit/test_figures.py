"""The pattern concern, absence by absence: which short absences count and the words that say why.

Council policy, part 2, paragraph 7: "where the pattern of absence gives cause for concern e.g. Mondays/Fridays,
adjacent to a holiday period". An absence counts only when it lasts no more than the policy's `max_working_days`
(2) of the person's working days and starts on the first or ends on the last working day of their own week, or
sits next to a bank holiday they have off.

Dates: AS_OF is Monday 31 January 2028; the 12-month window runs 1 February 2027 to 31 January 2028. 1 March 2027
is a Monday. English bank holidays inside: Good Friday 26 Mar, Easter Monday 29 Mar, 3 May, 31 May, 30 Aug 2027;
Christmas Day Sat 25 and Boxing Day Sun 26 Dec 2027 with substitutes Mon 27 and Tue 28; New Year's Day Sat 1 Jan
2028 with substitute Mon 3 Jan.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casework.calendar import WorkingPattern
from casework.facts import AbsenceFacts
from casework.figures import figures, leaves_out_words, left_out_why, pattern_concern
from casework.policy import Counting, Window, load_preset

D = dt.date
AS_OF = D(2028, 1, 31)
COUNCIL = load_preset("council-2019")
ONE_IS_ENOUGH = dataclasses.replace(COUNCIL.pattern, occasions=1)   # to read each absence's reasons alone
MON_FRI = WorkingPattern()
TUE_THU = WorkingPattern(("Tue", "Wed", "Thu"), fte=0.6)
SAT_WED = WorkingPattern(("Sat", "Sun", "Mon", "Tue", "Wed"))


def reasons(first, last, pattern, rule=ONE_IS_ENOUGH):
    """What the concern says about this one absence, None when it does not count."""
    absence = AbsenceFacts("a", first, last)
    concern = pattern_concern([absence], rule, COUNCIL.lts, pattern, AS_OF)
    return concern.explanation.split(f"{first:%-d %B %Y} (", 1)[1].rstrip(")") if concern else None


@pytest.mark.parametrize("pattern, first, last, expected", [
    # A whole Monday-to-Friday week: starts on a Monday and ends on a Friday, but 5 working days > 2.
    (MON_FRI, D(2027, 3, 1), D(2027, 3, 5), None),
    (MON_FRI, D(2027, 3, 1), D(2027, 3, 1), "1 working day, began on a Monday, the first day of their week"),
    (MON_FRI, D(2027, 3, 1), D(2027, 3, 2), "2 working days, began on a Monday, the first day of their week"),
    (MON_FRI, D(2027, 3, 1), D(2027, 3, 3), None),                   # Mon–Wed: 3 > 2
    (MON_FRI, D(2027, 3, 4), D(2027, 3, 5), "2 working days, ended on a Friday, the last day of their week"),
    (MON_FRI, D(2027, 3, 5), D(2027, 3, 8), None),                   # Fri–Mon: 2 days, but neither edge
    # Next to a bank holiday: only short absences count there too.
    (MON_FRI, D(2027, 3, 30), D(2027, 3, 30), "1 working day, after the bank holiday on 29 March 2027"),
    (MON_FRI, D(2027, 3, 30), D(2027, 4, 2), None),                  # Tue 30 Mar – Fri 2 Apr: 4 > 2
    (MON_FRI, D(2027, 3, 24), D(2027, 3, 25), "2 working days, before the bank holiday on 26 March 2027"),
    (MON_FRI, D(2027, 3, 22), D(2027, 3, 25), None),                 # Mon 22 – Thu 25 Mar: 4 > 2
    # Wed 29 Dec 2027: the day before is the substitute Tue 28, a day off for a Monday-to-Friday worker.
    (MON_FRI, D(2027, 12, 29), D(2027, 12, 29), "1 working day, after the bank holiday on 28 December 2027"),
    # Ongoing on AS_OF: counted so far. Since Mon 31 Jan: 1 day; since Mon 24 Jan: 6 days > 2.
    (MON_FRI, D(2028, 1, 31), None, "1 working day, began on a Monday, the first day of their week"),
    (MON_FRI, D(2028, 1, 24), None, None),
    # Tuesday to Thursday: their own week; their whole week (3 days) is not a pattern.
    (TUE_THU, D(2027, 3, 2), D(2027, 3, 3), "2 working days, began on a Tuesday, the first day of their week"),
    (TUE_THU, D(2027, 3, 2), D(2027, 3, 4), None),
    # Saturday to Wednesday: their week starts on Saturday and ends on Wednesday, not Monday and Sunday.
    (SAT_WED, D(2027, 3, 6), D(2027, 3, 7), "2 working days, began on a Saturday, the first day of their week"),
    (SAT_WED, D(2027, 3, 8), D(2027, 3, 8), None),                   # a Monday is mid-week for them
    (SAT_WED, D(2027, 3, 6), D(2027, 3, 10), None),                  # their whole week: 5 > 2
    # They work the substitute Tue 28 Dec, so Wed 29 is not after a bank holiday for them; after it come their
    # rest days Thu 30, Fri 31 and New Year's Day on Sat 1 Jan 2028, which they have off.
    (SAT_WED, D(2027, 12, 29), D(2027, 12, 29),
     "1 working day, ended on a Wednesday, the last day of their week, before the bank holiday on 1 January 2028"),
    # Mon 27 Dec: the day before is Boxing Day, Sun 26, which they have off.
    (SAT_WED, D(2027, 12, 27), D(2027, 12, 27), "1 working day, after the bank holiday on 26 December 2027"),
])
def test_which_absences_count_towards_the_pattern(pattern, first, last, expected):
    assert reasons(first, last, pattern) == expected


@pytest.mark.parametrize("most, first, last, expected", [
    (1, D(2027, 3, 1), D(2027, 3, 2), None),                          # Mon–Tue: 2 > 1
    (1, D(2027, 3, 1), D(2027, 3, 1), "1 working day, began on a Monday, the first day of their week"),
    (3, D(2027, 3, 1), D(2027, 3, 3), "3 working days, began on a Monday, the first day of their week"),
    (3, D(2027, 3, 1), D(2027, 3, 4), None),                          # Mon–Thu: 4 > 3
])
def test_the_most_working_days_is_the_policys_number(most, first, last, expected):
    rule = dataclasses.replace(ONE_IS_ENOUGH, max_working_days=most)
    assert reasons(first, last, MON_FRI, rule) == expected


def test_three_whole_weeks_are_no_concern_but_three_mondays_are():
    weeks = [AbsenceFacts(f"w{n}", monday, monday + dt.timedelta(days=4))
             for n, monday in enumerate((D(2027, 3, 1), D(2027, 6, 7), D(2027, 9, 6)))]
    mondays = [AbsenceFacts(f"m{n}", week.first_day, week.first_day) for n, week in enumerate(weeks)]
    assert pattern_concern(weeks, COUNCIL.pattern, COUNCIL.lts, MON_FRI, AS_OF) is None
    concern = pattern_concern(mondays, COUNCIL.pattern, COUNCIL.lts, MON_FRI, AS_OF)
    assert concern is not None and concern.dates == (D(2027, 3, 1), D(2027, 6, 7), D(2027, 9, 6))
    assert concern.explanation.startswith("3 absences of at most 2 working days in the 12 months to 31 January "
                                          "2028 began on the first or ended on the last working day of the week")


# What a rule counts and what it leaves out (casework.figures.left_out_why), one absence at a time. The council's
# long-term threshold is 28 calendar days: Mon 4 Oct – Fri 5 Nov 2027 is 33 calendar days (long-term), Mon 4 Oct –
# Sun 31 Oct 2027 is 28 (not yet long-term).
SHORT, ALL, LONG = Counting("short_term"), Counting("all"), Counting("long_term")
NO_STRESS = Counting("short_term", exclude_reasons=("mental_health",))
NO_DISABILITY = Counting("all", exclude_flags=("disability_related",))


@pytest.mark.parametrize("absence, counting, expected", [
    (AbsenceFacts("a", D(2027, 3, 1), D(2027, 3, 5)), SHORT, None),                        # 5 calendar days
    (AbsenceFacts("c", D(2027, 10, 4), D(2027, 11, 5)), SHORT, "long-term"),                # 33 > 28
    (AbsenceFacts("c", D(2027, 10, 4), D(2027, 10, 31)), SHORT, None),                     # 28: not yet long-term
    (AbsenceFacts("c", D(2027, 10, 4), D(2027, 11, 5)), ALL, None),
    (AbsenceFacts("a", D(2027, 3, 1), D(2027, 3, 5)), LONG, "short-term"),
    # Protected whatever the rule says (Equality Act 2010, section 18): by flag or by reason.
    (AbsenceFacts("d", D(2027, 11, 16), D(2027, 11, 17), pregnancy_related=True), ALL, "pregnancy-related"),
    (AbsenceFacts("d", D(2027, 11, 16), D(2027, 11, 17), "pregnancy"), SHORT, "pregnancy-related"),
    # The rule's own exclusions: a reason, then a flag (said as the page says them).
    (AbsenceFacts("s", D(2027, 3, 1), D(2027, 3, 2), "mental_health"), NO_STRESS, "mental health"),
    (AbsenceFacts("s", D(2027, 3, 1), D(2027, 3, 2), disability_related=True), NO_DISABILITY, "disability-related"),
    # Protected comes first: a pregnancy-related absence is left out as that, not as a long one.
    (AbsenceFacts("d", D(2027, 10, 4), D(2027, 11, 5), pregnancy_related=True), SHORT, "pregnancy-related"),
])
def test_why_a_rule_leaves_an_absence_out(absence, counting, expected):
    assert left_out_why(absence, counting, COUNCIL.lts, AS_OF) == expected


# One person's figures as the policy counts them, with what it leaves out (issue 19: "3 occasions, 36 days" beside
# "2, 10, 40"). Window: 1 Feb 2027 – 31 Jan 2028, Monday to Friday, English bank holidays.
HANNAH = [
    AbsenceFacts("a", D(2027, 3, 1), D(2027, 3, 5)),           # Mon–Fri: 5 working days
    AbsenceFacts("b", D(2027, 6, 7), D(2027, 6, 11)),          # Mon–Fri: 5 working days
    AbsenceFacts("c", D(2027, 10, 4), D(2027, 11, 5)),         # 5 whole weeks, 25 working days, 33 calendar days
    AbsenceFacts("d", D(2027, 11, 16), D(2027, 11, 17), pregnancy_related=True),   # Tue–Wed: 2 working days
    AbsenceFacts("e", D(2027, 1, 4), D(2027, 1, 8)),           # before the window: neither counted nor listed
]


@pytest.mark.parametrize("counting, occasions, days, bradford, left_out, counts, words", [
    # a + b: 2 occasions, 5 + 5 = 10 days, 2² × 10 = 40; c is long-term, d protected.
    (SHORT, 2, 10, 40, (("c", "long-term"), ("d", "pregnancy-related")), "short-term absences",
     "1 long-term absence, 1 pregnancy-related absence (Equality Act 2010, section 18)"),
    # a + b + c: 3 occasions, 5 + 5 + 25 = 35 days, 3² × 35 = 315; d still protected.
    (ALL, 3, 35, 315, (("d", "pregnancy-related"),), "all absences",
     "1 pregnancy-related absence (Equality Act 2010, section 18)"),
    # c alone: 1 occasion, 25 days, 1² × 25 = 25; a and b are short-term.
    (LONG, 1, 25, 25, (("a", "short-term"), ("b", "short-term"), ("d", "pregnancy-related")), "long-term absences",
     "2 short-term absences, 1 pregnancy-related absence (Equality Act 2010, section 18)"),
])
def test_the_policys_figures_say_what_they_count_and_leave_out(counting, occasions, days, bradford, left_out,
                                                                 counts, words):
    found = figures(HANNAH, Window(months=12), counting, COUNCIL.lts, MON_FRI, AS_OF)
    assert (found.start, found.end) == (D(2027, 2, 1), AS_OF)
    assert (found.occasions, found.working_days, found.bradford) == (occasions, days, bradford)
    assert (found.left_out, found.counts_words, found.left_out_words) == (left_out, counts, words)


@pytest.mark.parametrize("counting, words", [
    (SHORT, "long-term spells (an absence of over 28 calendar days) and pregnancy-related absences"),
    (ALL, "pregnancy-related absences"),
    (LONG, "short-term absences and pregnancy-related absences"),
    (NO_STRESS, "long-term spells (an absence of over 28 calendar days), mental health absences and "
                "pregnancy-related absences"),
    (NO_DISABILITY, "disability-related absences and pregnancy-related absences"),
])
def test_what_a_rule_never_counts_in_words(counting, words):
    assert leaves_out_words(counting, COUNCIL.lts) == words
