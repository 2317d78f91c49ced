"""Terminal tables: every column stays readable at common terminal widths, ids stay whole."""

from __future__ import annotations

import csv
import io

import pytest
from rich.console import Console

from narrascope.serve.output import fit_widths, render

ROW = {
    "stance": "denies",
    "published": "2024-05-02",
    "outlet": "The Harbor Gazette",
    "speaker": "Northern Compact",
    "cue": "again rejected claims",
    "article_id": "3a429d33f92c919d",
    "evidence": "Talks on the future of the Tessaly Dam stalled on Thursday after the Northern Compact " * 2,
    "via": "frame partition: “partition”",
}


@pytest.mark.parametrize("width", [100, 120, 160])
def test_every_column_keeps_its_header_and_a_readable_value(width):
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None)
    render([ROW], "table", console=console, widths={"evidence": 80, "via": 40, "speaker": 24})
    header, row = buffer.getvalue().splitlines()[1], buffer.getvalue().splitlines()[3]
    assert [h.strip() for h in header.strip("┃").split("┃")] == list(ROW)
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[0] == "denies" and cells[1] == "2024-05-02" and cells[5] == "3a429d33f92c919d"
    assert all(cells), cells  # no column squeezed to nothing
    assert max(len(line) for line in buffer.getvalue().splitlines()) <= width


def test_fit_widths_shares_the_room_in_proportion_and_never_goes_below_the_least():
    natural = {"id": 16, "outlet": 20, "content": 120}
    least = {"id": 16, "outlet": 8, "content": 8}
    fitted = fit_widths(natural, least, 60)
    assert sum(fitted.values()) == 60
    assert fitted["id"] == 16 and fitted["outlet"] >= 8 and fitted["content"] > fitted["outlet"]
    assert fit_widths(natural, least, 500) == natural  # room for all: nothing shrinks
    assert fit_widths(natural, least, 10) == {"id": 16, "outlet": 8, "content": 8}  # runs over


def test_wide_characters_count_by_their_display_width():
    from rich.cells import cell_len

    title = "中国外交部发言人表示反对" * 3  # 36 characters, 72 cells
    for width, whole in ((200, True), (70, False)):
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system=None)
        render([{"outlet": "新华社新闻", "title": title, "id": "0123456789abcdef"}], "table", console=console)
        lines = buffer.getvalue().splitlines()
        assert all(cell_len(line) <= width for line in lines)
        assert (title in lines[3]) is whole and "0123456789abcdef" in lines[3]


HOSTILE = {
    "source": "bin\x1b]0;TITLE\x07\x1b[31m.html",
    "outlet": "Evil\x1b]8;;http://x.example\x07Outlet\x1b[0m\x9b31m",
    "title": '=HYPERLINK("http://x.example")',
    "text": "line one\n\tline two\r",
}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_machine_formats_carry_no_terminal_controls(fmt):
    out = render([HOSTILE], fmt)
    assert out is not None
    assert not any(ch in out for ch in "\x1b\x07\x9b\r")
    assert "bin]0;TITLE[31m.html" in out and "Evil]8;;http://x.exampleOutlet[0m31m" in out


def test_csv_keeps_tabs_and_newlines_and_defuses_formulas():
    out = render([HOSTILE, {**HOSTILE, "title": "\x1b=1+2"}], "csv")
    assert out is not None
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["title"] for row in rows] == ['\'=HYPERLINK("http://x.example")', "'=1+2"]
    assert rows[0]["text"] == "line one\n\tline two"
