"""The reason categories of sickness absence: the board report's list, with the words people read."""

REASON_CATEGORIES = {
    "back_neck": "Back and neck problems",
    "musculoskeletal": "Other musculoskeletal problems",
    "mental_health": "Stress, depression, mental health, fatigue",
    "infections": "Infections (colds, flu)",
    "neurological": "Neurological (headaches, migraine)",
    "genito_urinary": "Genito-urinary / gynaecological",
    "pregnancy": "Pregnancy related (not maternity)",
    "digestive": "Stomach, liver, kidney, digestion",
    "heart_circulation": "Heart, blood pressure, circulation",
    "respiratory": "Chest and respiratory",
    "ent_dental": "Ear, eye, nose, mouth, dental",
    "other": "Other",
}
