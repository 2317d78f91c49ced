"""Docs checked by tests: every command is in README.md and docs/ARCHITECTURE.md, and its help works."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from narrascope.cli import app
from narrascope.errors import REASONS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
EVALUATION = (ROOT / "docs" / "EVALUATION.md").read_text(encoding="utf-8")
FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text(encoding="utf-8"))


def command_paths() -> list[str]:
    root = typer.main.get_command(app)
    paths = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):  # a group of subcommands
            paths += [f"{name} {sub}" for sub in command.commands]
        else:
            paths.append(name)
    return sorted(paths)


@pytest.mark.parametrize("path", command_paths())
def test_every_command_is_documented_and_has_help(path):
    assert f"narrascope {path}" in README, f"README.md does not show `narrascope {path}`"
    assert f"`{path}`" in ARCHITECTURE, f"docs/ARCHITECTURE.md does not list `{path}`"
    result = CliRunner().invoke(app, [*path.split(), "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_every_rejection_reason_in_the_code_is_declared():
    src = ROOT / "src" / "narrascope"
    used = set()
    for file in src.rglob("*.py"):
        text = file.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:IngestError\([^,]+,|Rejected\()\s*"([a-z-]+)"', text))
    assert used, "the scan found no reasons: the pattern is out of date"
    assert used <= set(REASONS), f"undeclared reasons: {used - set(REASONS)}"


def _bold_in_row(label: str) -> float:
    """The bold number of the EVALUATION.md table row that starts with ``label``."""
    row = re.search(rf"^\| {re.escape(label)}\b.*$", EVALUATION, re.M)
    assert row, f"docs/EVALUATION.md has no row {label!r}"
    return float(re.search(r"\*\*([\d.]+)\*\*", row.group(0)).group(1))


@pytest.mark.parametrize(
    ("label", "floor", "scale"),
    [
        ("text cleaner", "cleaning_text_f1", 1),
        ("HTML path", "cleaning_html_f1", 1),
        ("source", "attribution_polnear_dev_source_f1", 100),
        ("cue", "attribution_polnear_dev_cue_f1", 100),
        ("content", "attribution_polnear_dev_content_f1", 100),
        ("tagger: source", "attribution_tagger_polnear_dev_source_f1", 100),
        ("tagger: cue", "attribution_tagger_polnear_dev_cue_f1", 100),
        ("tagger: content", "attribution_tagger_polnear_dev_content_f1", 100),
        ("he and she, dev", "pronouns_polnear_dev_accuracy", 100),
        ("all sources, dev", "speakers_polnear_dev_accuracy", 100),
    ],
)
def test_evaluation_page_states_numbers_the_floors_hold(label: str, floor: str, scale: int) -> None:
    stated = _bold_in_row(label) / scale
    assert FLOORS[floor] <= stated <= FLOORS[floor] + 0.02, (
        f"docs/EVALUATION.md says {label} {stated}, the floor is {FLOORS[floor]}: re-measure and update one"
    )


def test_readme_points_to_the_evaluation_page() -> None:
    assert "docs/EVALUATION.md" in README
