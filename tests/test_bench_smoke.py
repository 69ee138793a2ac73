"""bench/speed.py runs and prints its figures (the cheap ``help`` section only; no timing checks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_speed_help_section_prints_its_figure(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "speed.py"), "--quick", "--only", "help", "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "extractor --help, median of 7" in done.stdout
    assert "vs python -c pass" in done.stdout
    assert "1. Text-layer" not in done.stdout
    assert '"section": "help"' in figures.read_text(encoding="utf-8")
