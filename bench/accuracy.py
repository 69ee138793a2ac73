"""Accuracy of the extraction on every sample with expected values (samples/expected/*.json).

Prints, per sample: document fields right, and precision/recall/F1 of signers, recipients,
references, stamps, schools and figures; then the targets: number, date and type exact,
figure pairs F1 ≥ 0.95 and schools F1 ≥ 0.95 on every sample.

    .venv/bin/python bench/accuracy.py [--samples DIR] [--show-errors] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.evaluate import compare  # noqa: E402
from extractor.extract import Extractor  # noqa: E402

EXACT = ("document.number", "document.date", "document.type")
LISTS = ("signers", "recipients", "references", "received_stamps", "schools", "figures")
MIN_F1 = 0.95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--show-errors", action="store_true", help="list every wrong value")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    extractor = Extractor()
    rows, failures = [], []
    print(f"{'sample':<24} {'fields':>7} " + " ".join(f"{name[:10]:>10}" for name in LISTS) + "  seconds")
    for expected_file in sorted((args.samples / "expected").glob("*.json")):
        stem = expected_file.stem
        pdf = args.samples / f"{stem}.pdf"
        started = time.perf_counter()
        record = extractor.extract(pdf).data
        seconds = time.perf_counter() - started
        comparison = compare(record, json.loads(expected_file.read_text(encoding="utf-8")))
        right = len(comparison.fields) - len(comparison.wrong_fields())
        scores = {name: comparison.lists[name].f1 for name in LISTS}
        print(
            f"{stem:<24} {right:>3}/{len(comparison.fields):<3} "
            + " ".join(f"{scores[name]:>10.2f}" for name in LISTS)
            + f"  {seconds:7.1f}"
        )
        failures += [f"{stem}: {key} {comparison.fields[key]}" for key in EXACT if key in comparison.wrong_fields()]
        failures += [
            f"{stem}: {name} F1 {scores[name]:.2f}" for name in ("figures", "schools") if scores[name] < MIN_F1
        ]
        if args.show_errors:
            show_errors(comparison)
        rows.append({"sample": stem, "fields_right": right, "fields": len(comparison.fields), **scores})
    print("\nTargets: number, date, type exact; figures and schools F1 >= 0.95 on every sample")
    print("  PASS" if not failures else "\n".join(f"  FAIL {failure}" for failure in failures))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def show_errors(comparison) -> None:
    for key, (wanted, found) in comparison.wrong_fields().items():
        print(f"    {key}: expected {wanted!r}, found {found!r}")
    for name, score in comparison.lists.items():
        if score.missing or score.extra:
            print(f"    {name}: missing {list(score.missing)}; extra {list(score.extra)}")


if __name__ == "__main__":
    raise SystemExit(main())
