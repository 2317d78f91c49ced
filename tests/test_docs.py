"""Docs checked by tests: every command is in README.md and docs/ARCHITECTURE.md, and its help works."""

from __future__ import annotations

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
