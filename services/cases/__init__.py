"""Working a case: tasks, outcomes, decisions and notes, flags, meetings, association, resumption, letters."""
