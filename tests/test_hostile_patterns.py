"""Patterns run on article text must take linear time on hostile text: each case runs in a child process
under a timeout, so that a pattern that backtracks exponentially fails the test instead of hanging the
suite (the regex engine holds the interpreter while it backtracks)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = {
    # "of <Place>, who": once 19 s for 28 capitals
    "relative pronoun after a run of capitals": (
        "from narrascope.enrich.speakers import _DESCRIBES_NAME",
        "assert _DESCRIBES_NAME.fullmatch(' of ' + 'A' * 5000 + '! ') is None\n"
        "assert _DESCRIBES_NAME.fullmatch(' of New York City, ')",
    ),
    # the time said between a dateline and a cue: once over 3 s for 3,000 spaces
    "time words after a dateline over a run of spaces": (
        "from narrascope.enrich.datelines import subject_after",
        "text = 'X — ' + ' ' * 50000 + 'said'\n"
        "assert subject_after(text, 4, len(text)) is None\n"
        'text = "X — Kaldor\'s Foreign Ministry on Monday night"\n'
        'assert subject_after(text, 4, len(text)).text == "Kaldor\'s Foreign Ministry"',
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_pattern_reads_hostile_text_in_linear_time(case):
    imports, checks = CASES[case]
    done = subprocess.run(
        [sys.executable, "-c", f"{imports}\n{checks}\n"], timeout=60, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
