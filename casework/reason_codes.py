"""The NHS Electronic Staff Record (ESR) sickness absence reason codes, and the mapping of each onto the board
report's reason categories (`casework.reasons.REASON_CATEGORIES`).

The shipped mapping is `DEFAULT_MAPPING`; administrators may change it (it is stored, see
`services.reason_codes`), and an absence feed is read with the mapping as it stands (`codes=` of
`casework.absence_feed.read_row`). Pure: no database, no clock.
"""
from __future__ import annotations

from collections.abc import Mapping

from casework.reasons import REASON_CATEGORIES

# The ESR list, code: its words in ESR.
ESR_CODES = {
    "S10": "Anxiety/stress/depression/other psychiatric illnesses",
    "S11": "Back problems",
    "S12": "Other musculoskeletal problems",
    "S13": "Cold, cough, flu - influenza",
    "S14": "Asthma",
    "S15": "Chest & respiratory problems",
    "S16": "Headache / migraine",
    "S17": "Benign and malignant tumours, cancers",
    "S18": "Blood disorders",
    "S19": "Heart, cardiac & circulatory problems",
    "S20": "Burns, poisoning, frostbite, hypothermia",
    "S21": "Ear, nose, throat (ENT)",
    "S22": "Dental and oral problems",
    "S23": "Eye problems",
    "S24": "Endocrine / glandular problems",
    "S25": "Gastrointestinal problems",
    "S26": "Genitourinary & gynaecological disorders",
    "S27": "Infectious diseases",
    "S28": "Injury, fracture",
    "S29": "Nervous system disorders",
    "S30": "Pregnancy related disorders",
    "S31": "Skin disorders",
    "S32": "Substance abuse",
    "S98": "Other known causes - not elsewhere classified",
    "S99": "Unknown causes / Not specified",
}

# The shipped mapping. Each code goes to the category whose words cover it; a code no category covers (tumours,
# blood, burns, endocrine, skin, substance abuse, other known and unknown causes) goes to "other", so the board
# report's named categories hold only what they say. S18 blood disorders is not "heart, blood pressure,
# circulation"; S24 endocrine (diabetes, thyroid) is not "stomach, liver, kidney, digestion"; S32 substance
# abuse is not mental health in the board report's sense. S28 injury and fracture counts with other
# musculoskeletal problems, as the category's synonym "injury" already does.
DEFAULT_MAPPING = {
    "S10": "mental_health", "S11": "back_neck", "S12": "musculoskeletal", "S13": "infections",
    "S14": "respiratory", "S15": "respiratory", "S16": "neurological", "S17": "other", "S18": "other",
    "S19": "heart_circulation", "S20": "other", "S21": "ent_dental", "S22": "ent_dental", "S23": "ent_dental",
    "S24": "other", "S25": "digestive", "S26": "genito_urinary", "S27": "infections", "S28": "musculoskeletal",
    "S29": "neurological", "S30": "pregnancy", "S31": "other", "S32": "other", "S98": "other", "S99": "other",
}
# Codes that say the absence is pregnancy-related, whatever category they map to: the absence is marked so
# (and so never counts towards a trigger), a row's pregnancy_related column notwithstanding.
PREGNANCY_CODES = frozenset({"S30"})


def esr_code(text: str) -> str | None:
    """The ESR code `text` is (any case, spaces around it or inside it ignored: " s 11 " is S11), or None."""
    code = "".join(text.split()).upper()
    return code if code in ESR_CODES else None


def complete_mapping(stored: Mapping[str, str] | None) -> dict[str, str]:
    """The mapping in use: each code's stored category where one is stored and is a category, else the shipped
    one (a code added by a later release reads as shipped until an administrator changes it)."""
    stored = stored or {}
    return {code: stored[code] if stored.get(code) in REASON_CATEGORIES else DEFAULT_MAPPING[code]
            for code in ESR_CODES}


def mapping_problems(changes: Mapping[str, object]) -> dict[str, str]:
    """{code: message} for each change that cannot be saved: a code not in the ESR list, or a category that is
    not one of the board report's."""
    problems = {}
    for code, category in changes.items():
        if code not in ESR_CODES:
            problems[code] = f"{code} is not an ESR sickness reason code: use one of {', '.join(ESR_CODES)}."
        elif not isinstance(category, str) or category not in REASON_CATEGORIES:
            problems[code] = f"Choose one of the board report's categories for {code}."
    return problems


def accepted_reasons(codes: Mapping[str, str]) -> str:
    """The words saying what a feed's reason may be: the codes of `codes` and Casebook's own keys."""
    return (f"use an ESR sickness reason code ({', '.join(codes)}) or one of Casebook's categories "
            f"({', '.join(REASON_CATEGORIES)})")
