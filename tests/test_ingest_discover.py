"""discover: folders, globs and URLs to an ordered, de-duplicated list of sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from narrascope.ingest import discover
from narrascope.model import IngestError


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    for name in [
        "b.html",
        "a.txt",
        "a.json",  # sidecar of a.txt
        "c.txt",
        "c.txt.json",  # sidecar of c.txt
        "records.json",  # not a sidecar: no records.txt
        "style.css",
        "notes.yaml",
        "logo.png",
        ".hidden.html",
        ".git/config.txt",
        "sub/z.htm",
        "sub/deeper/y.jsonl",
        "sub/.cache/x.html",
        "sub/scan.pdf",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    return tmp_path


def rel(root: Path, sources: list[str]) -> list[str]:
    return [os.path.relpath(s, root) for s in sources]


def test_folder_is_walked_sorted_skipping_hidden_sidecars_and_code(corpus: Path) -> None:
    sources, errors = discover([str(corpus)])
    assert errors == []
    assert rel(corpus, sources) == [
        "a.txt",
        "b.html",
        "c.txt",
        "logo.png",  # binary files are listed so that reading reports them
        "records.json",
        "sub/scan.pdf",
        "sub/z.htm",
        "sub/deeper/y.jsonl",
    ]


def test_globs_urls_order_and_duplicates(corpus: Path) -> None:
    url = "https://v.example/feed.xml"
    inputs = [str(corpus / "sub" / "**" / "*.jsonl"), url, str(corpus / "*.txt"), str(corpus / "a.txt"), url]
    sources, errors = discover(inputs)
    assert errors == []
    assert sources[1] == url and len(sources) == 4
    assert rel(corpus, [sources[0], *sources[2:]]) == ["sub/deeper/y.jsonl", "a.txt", "c.txt"]


def test_explicit_files_are_kept_even_if_a_walk_would_skip_them(corpus: Path) -> None:
    sources, _ = discover([str(corpus / ".hidden.html"), str(corpus / "a.json")])
    assert rel(corpus, sources) == [".hidden.html", "a.json"]


def test_inputs_matching_nothing_are_reported(corpus: Path) -> None:
    (corpus / "empty").mkdir()
    missing, glob_, empty = str(corpus / "nope.html"), str(corpus / "*.docx"), str(corpus / "empty")
    sources, errors = discover([missing, glob_, empty, str(corpus / "b.html")])
    assert rel(corpus, sources) == ["b.html"]
    assert errors == [
        IngestError(missing, "not-found", "no such file or folder"),
        IngestError(glob_, "not-found", "glob matched no files"),
        IngestError(empty, "not-found", "folder holds no files to read"),
    ]


def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("x", encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"), "w") as bad:
        bad.write("x")
    sources, errors = discover([str(tmp_path)])
    assert rel(tmp_path, sources) == ["good.txt"]
    assert errors == [
        IngestError(
            str(tmp_path / "bad\\xff.txt"), "unreadable", "its name is not UTF-8 (rename it to read it)"
        )
    ]


def test_a_database_kept_in_the_folder_it_ingests_is_not_read_as_pages(tmp_path: Path) -> None:
    from narrascope.app import Narrascope

    (tmp_path / "page.txt").write_text(
        "Mayor Ann Lee said the depot would reopen on Friday.", encoding="utf-8"
    )
    with Narrascope(tmp_path / "case.db") as nar:
        first = nar.ingest([str(tmp_path)])
        second = nar.ingest([str(tmp_path)])  # now case.db, case.db-wal and case.db-shm are in the folder
    assert first.stored == 1 and not first.errors
    assert second.stored == 0 and not second.errors, [(e.source, e.reason) for e in second.errors]
