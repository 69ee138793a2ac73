"""The figures the benchmark scripts print: a value beside its baselines from the same run,
and an optional target, as table rows and as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Baseline:
    label: str
    value: float


@dataclass(frozen=True)
class Target:
    limit: float
    at_least: bool = False
    """``value ≥ limit`` instead of ``value ≤ limit``."""
    on_ratio: bool = False
    """Check ``value / first baseline`` instead of ``value``."""

    def text(self, unit: str) -> str:
        """``≤ 15 ms/page`` or ``≥ 1.8 × baseline``."""
        return f"{'≥' if self.at_least else '≤'} {self.limit:g} {'× baseline' if self.on_ratio else unit}"


@dataclass
class Row:
    """One figure of the table: a value, its baselines from the same run, an optional target."""

    section: str
    label: str
    value: float
    unit: str
    baselines: list[Baseline] = field(default_factory=list)
    target: Target | None = None
    note: str = ""

    def ratio(self, baseline: Baseline) -> float:
        return self.value / baseline.value if baseline.value else float("inf")

    @property
    def measured(self) -> float:
        """What the target is checked against."""
        if self.target and self.target.on_ratio:
            return self.ratio(self.baselines[0])
        return self.value

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        if self.target.at_least:
            return self.measured >= self.target.limit
        return self.measured <= self.target.limit

    def to_json(self) -> dict:
        data = asdict(self)
        data["passed"] = self.passed
        data["ratios"] = [round(self.ratio(b), 3) for b in self.baselines]
        return data


def number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def measured_text(row: Row) -> str:
    return f"×{row.measured:.3f}" if row.target and row.target.on_ratio else f"{number(row.measured)} {row.unit}"


def format_row(row: Row, width: int = 64) -> list[str]:
    """The row, then one line per baseline with our ratio to it, then its note."""
    judged = ""
    if row.target:
        judged = f"target {row.target.text(row.unit)}: {measured_text(row)}  {'PASS' if row.passed else 'FAIL'}"
    inline_note = f"({row.note})" if row.note and not (row.target or row.baselines) else ""
    lines = [f"  {row.label:<{width}} {number(row.value):>9} {row.unit:<8} {judged}{inline_note}".rstrip()]
    for baseline in row.baselines:
        ratio = f"ours ×{row.ratio(baseline):.2f}"
        lines.append(f"      vs {baseline.label:<{width - 6}} {number(baseline.value):>9} {row.unit:<8} {ratio}")
    if row.note and not inline_note:
        lines.append(f"      ({row.note})")
    return lines


def target_lines(rows: list[Row]) -> list[str]:
    """The closing "Targets" block: one PASS/FAIL line per row that has a target."""
    judged = [row for row in rows if row.target is not None]
    return ["", "Targets"] + [
        f"  {'PASS' if row.passed else 'FAIL'}  {row.label.strip()}: {measured_text(row)}"
        f" (target {row.target.text(row.unit)})"
        for row in judged
    ]


def section_lines(rows: list[Row], titles: dict[str, str], errors: dict[str, str]) -> list[str]:
    """Each section's title and rows, in the order of ``titles``; a section that failed says why."""
    lines: list[str] = []
    for section, title in titles.items():
        section_rows = [row for row in rows if row.section == section]
        if not section_rows and section not in errors:
            continue
        lines += ["", title]
        for row in section_rows:
            lines += format_row(row)
        if section in errors:
            lines.append(f"  ERROR: {errors[section]}")
    return lines
