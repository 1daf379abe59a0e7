"""What pages show: the dashboard, the task inbox, staff lists, evaluations, the board report."""
