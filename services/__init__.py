"""What users do: one module (or small package) per area of actions, taking plain values and settings.

A service loads documents, asks `casework` for the rules, applies the change through the document's own
transition and saves it with the version check. A refusal is `services.errors.Refused`.
"""
