"""What starting Casebook costs every command: the libraries only some actions need (XLSX reports, letters,
meeting invitations, choosing a password) are imported when used, not when the app is imported (together about
1 s of a command's start on this machine)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LATER = ("openpyxl", "numpy", "docx", "docxtpl", "icalendar", "zxcvbn")


def test_importing_the_app_leaves_the_libraries_of_single_actions_unloaded():
    shown = subprocess.run([sys.executable, "-c", "import sys, app; print(' '.join(sorted(name for name in "
                            f"{LATER!r} if name in sys.modules)) or 'none')"], cwd=ROOT, capture_output=True,
                           text=True, check=True)
    assert shown.stdout.strip() == "none", shown.stdout
