"""Every heuristic ingest uses, as named data in one place: extensions, field-name synonyms, magic numbers,
sniffing patterns and thresholds. Readers import from here; nothing else in ingest hard-codes such lists."""

from __future__ import annotations

import re


def _extensions(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# --- formats ---------------------------------------------------------------------------------------------

# Format of a file by its (lower-cased) extension; ".gz" is stripped first, except for ".warc.gz".
FORMAT_BY_EXTENSION: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "xml",  # a feed if it sniffs as one, XHTML if it sniffs as HTML, else unsupported
}
GZIP_EXTENSION = ".gz"
GZIP_MAGIC = b"\x1f\x8b"

# Files with these extensions are reported as "binary" without being read.
BINARY_EXTENSIONS = _extensions(
    ".pdf .doc .docx .odt .rtf .xls .xlsx .ppt .pptx .epub .zip .7z .rar .tar .tgz .bz2 .xz .zst "
    ".png .jpg .jpeg .gif .webp .bmp .tif .tiff .ico .mp3 .mp4 .m4a .wav .ogg .webm .mov .avi "
    ".woff .woff2 .ttf .otf .eot .exe .dll .so .dylib .bin .db .sqlite .parquet .pickle .pkl"
)
# Text files found while walking a folder (site mirrors, project folders) that are code or configuration,
# never articles: skipped silently, where sniffing would read them as text. Named explicitly, they are read.
WALK_SKIP_EXTENSIONS = _extensions(
    ".css .js .mjs .map .svg .yaml .yml .toml .ini .cfg .log .py .sh "
    # a database kept beside its pages (ours too: narrascope.db, its WAL, shared memory and vector indexes)
    ".db .sqlite .sqlite3 .db-wal .db-shm .db-journal .sqlite-wal .sqlite-shm .usearch"
)

# Files that start with one of these are binary whatever their name says.
MAGIC_NUMBERS: dict[bytes, str] = {
    b"%PDF-": "PDF",
    b"PK\x03\x04": "ZIP (or an Office document)",
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"7z\xbc\xaf\x27\x1c": "7-Zip archive",
    b"Rar!\x1a\x07": "RAR archive",
    b"\x7fELF": "executable",
    b"SQLite format 3\x00": "SQLite database",
}

# --- sniffing content ------------------------------------------------------------------------------------

SNIFF_CHARS = 2048  # how much of a decoded file sniffing looks at
FEED_SNIFF = re.compile(r"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
HTML_SNIFF = re.compile(
    r"<!doctype\s+html|<(?:html|head|body|meta|title|article|main|div|p|h1|h2)[\s>/]", re.IGNORECASE
)

# RSS <author> holds "email (Name)"; the name is what an analyst wants.
RSS_AUTHOR = re.compile(r"^\s*[^\s@()]+@[^\s()]+\s*\(([^()]+)\)\s*$")

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_CONTENT_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
XML_CONTENT_TYPES = frozenset({"application/xml", "text/xml"})  # a feed only if the content sniffs as one
TEXT_CONTENT_TYPES = frozenset({"text/plain"})

# --- decoding --------------------------------------------------------------------------------------------

BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
# Where in a page or feed an encoding declaration is looked for (HTML's prescan reads 1,024 bytes; pages
# with long <head> boilerplate need more).
DECLARATION_SCAN_BYTES = 4096
META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE)
XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]{2,40})[\"']")
# Labels that browsers decode as windows-1252 (WHATWG Encoding); Python's latin-1 would turn the
# typographic quotes and dashes in 0x80-0x9F into control characters.
WINDOWS_1252_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"})
# When charset-normalizer finds several encodings equally plausible, prefer the one more common on the web.
PREFERRED_ENCODINGS = (
    "utf_8",
    "cp1252",
    "cp1251",
    "iso8859_15",
    "cp1250",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1256",
    "gb18030",
    "shift_jis",
    "euc_kr",
    "big5",
)

BINARY_SAMPLE_BYTES = 8192
# Share of C0 control bytes (NUL included; tab, newlines, form feed and escape excepted) above which a
# sample is binary. Text in any single-byte or UTF-8 encoding has next to none.
MAX_CONTROL_RATIO = 0.05
MAX_NUL_RATIO = 0.01  # a stray NUL in a scraped page is stripped; many mean binary
# UTF-16 without a BOM: the two commonest high bytes (NUL and the script's block) cover this share of pairs.
UTF16_HIGH_BYTE_SHARE = 0.9

# --- records (JSONL, JSON, CSV) --------------------------------------------------------------------------

# Our field -> column names tried in order (case-insensitively) when --field-map does not name one.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "articleBody", "maintext", "article", "full_text"),
    "html": ("html", "raw_html", "rawHtml"),
    "url": ("url", "link", "uri", "href"),
    "title": ("title", "headline", "name"),
    "author": ("author", "authors", "byline", "creator"),
    "published": (
        "published",
        "date",
        "date_publish",
        "published_at",
        "pubDate",
        "datePublished",
        "publish_date",
    ),
    "outlet": ("outlet", "source", "site", "domain", "publisher", "site_name"),
    "language": ("language", "lang", "inLanguage"),
}
HINT_FIELDS = ("url", "title", "author", "published", "outlet", "language")
# A JSON file holding one object with an article list under one of these keys is read as that list.
JSON_LIST_KEYS = ("articles", "items", "data", "results", "documents", "records", "posts")
# Keys inside a nested author or outlet object that name it ({"name": "Reuters", "id": "reuters"}).
NAME_KEYS = ("name", "title", "domain")
CSV_DELIMITERS = ",;\t|"  # the one most frequent in the header line wins
STREAM_SNIFF_BYTES = 65536  # a streamed dump's encoding is decided on this much of its start

# --- untrusted text: every decoded string, content and metadata ----------------------------------------

# A lone surrogate (a JSON "\ud800" escape, half of an emoji cut off) cannot be stored: U+FFFD instead.
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Line breaks other than \n (str.splitlines breaks on these too) become \n in content, spaces in metadata.
LINE_BREAK = re.compile(r"\r\n?|[\v\f\x1c-\x1e\u2028\u2029]")
# Every other control character (C0 but tab and newline, DEL, C1) is dropped. NEL (U+0085) among them: in
# scraped text it is a misread cp1252 ellipsis far more often than a line break inside a sentence.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f]")
# Trimmed from the ends of metadata values: spaces and invisible characters (zero-width, word joiner, BOM).
INVISIBLE_EDGES = " \u200b\u200c\u200d\u2060\ufeff"

# --- text files ------------------------------------------------------------------------------------------

FRONT_MATTER_MAX_CHARS = 65536
HINT_MAX_CHARS = 2048  # a metadata value (title, author, url, ...) longer than this is left out and reported
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# A block between the rules that opens with "key:" was meant as front matter: when it is not valid YAML
# that is reported. Prose set between rules ("This is prose: it has a colon") is kept silently.
FRONT_MATTER_KEY = re.compile(r"\A\s*[\"']?[\w-]+[\"']?[ \t]*:(?:[ \t]|$)", re.MULTILINE)

# --- HTTP ------------------------------------------------------------------------------------------------

USER_AGENT = "narrascope/0.1"
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)
READ_CHUNK = 65536
