"""Files HR systems staff load: absences, the staff hierarchy, cases in flight, corrections."""
