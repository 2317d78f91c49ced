"""``python -m narrascope.scale INPUT... OUTPUT [options]``: the ``spark-enrich`` command as a module, and
the file to hand ``spark-submit`` (which runs a Python file, not an installed script)."""

from __future__ import annotations

import sys

from narrascope.cli import app


def main() -> None:
    app(["spark-enrich", *sys.argv[1:]], prog_name="narrascope")


if __name__ == "__main__":
    main()
