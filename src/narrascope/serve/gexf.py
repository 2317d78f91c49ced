"""A streaming GEXF 1.3 writer (the graph format Gephi opens): nodes, then edges, as they come.

Nothing is held but a small output buffer. Every value is escaped for XML, and characters XML 1.0 cannot
carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped, so hostile text can neither
break the file nor add markup to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import BinaryIO

from narrascope import __version__
from narrascope.serve.sink import TextSink

NAMESPACE = "http://gexf.net/1.3"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
ATTRIBUTE_TYPES = frozenset({"string", "integer", "long", "double", "boolean"})

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ID_ESCAPES = re.compile(r"\\|" + _NOT_XML.pattern)
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def xml_id(value: object) -> str:
    """``value`` as an id attribute: as ``xml_text``, but a character XML cannot carry is written as
    ``\\uXXXX`` (and a backslash doubled) instead of dropped, so that distinct names stay distinct ids."""
    text = _ID_ESCAPES.sub(lambda m: "\\\\" if m[0] == "\\" else f"\\u{ord(m[0]):04x}", str(value))
    return text.translate(_ESCAPES)


def xml_text(value: object) -> str:
    """``value`` for an XML attribute: XML 1.0-illegal characters dropped, the rest escaped (line breaks
    and tabs too, so that they survive attribute-value normalisation)."""
    return _NOT_XML.sub("", str(value)).translate(_ESCAPES)


class GexfWriter:
    """Write ``node`` calls, then ``edge`` calls, then ``close``. Attributes are declared up front as
    (name, type) pairs; a node or edge gives the values it has (``None`` values are left out). Node ids
    must be unique and every edge's ends must be nodes: the caller's queries guarantee it, since holding
    every id here would make memory grow with the graph."""

    def __init__(
        self,
        out: BinaryIO,
        *,
        description: str,
        node_attributes: Sequence[tuple[str, str]],
        edge_attributes: Sequence[tuple[str, str]],
    ) -> None:
        for _, kind in (*node_attributes, *edge_attributes):
            assert kind in ATTRIBUTE_TYPES, kind
        self.sink = TextSink(out)
        self.node_ids = {name: str(i) for i, (name, _) in enumerate(node_attributes)}
        self.edge_ids = {name: str(i) for i, (name, _) in enumerate(edge_attributes)}
        self.nodes = 0
        self.edges = 0
        self._section = "nodes"
        write = self.sink.write
        write('<?xml version="1.0" encoding="UTF-8"?>\n')
        write(
            f'<gexf xmlns="{NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            f' xsi:schemaLocation="{SCHEMA_LOCATION}" version="1.3">\n'
        )
        write(f'  <meta lastmodifieddate="{date.today().isoformat()}">\n')
        write(f"    <creator>narrascope {xml_text(__version__)}</creator>\n")
        write(f"    <description>{xml_text(description)}</description>\n  </meta>\n")
        write('  <graph mode="static" defaultedgetype="directed">\n')
        for cls, declared in (("node", node_attributes), ("edge", edge_attributes)):
            write(f'    <attributes class="{cls}" mode="static">\n')
            for i, (name, kind) in enumerate(declared):
                write(f'      <attribute id="{i}" title="{xml_text(name)}" type="{kind}"/>\n')
            write("    </attributes>\n")
        write("    <nodes>\n")

    def node(self, node_id: str, label: str, values: Mapping[str, object]) -> None:
        if self._section != "nodes":
            raise ValueError("GEXF nodes must all come before the edges")
        self.sink.write(
            f'      <node id="{xml_id(node_id)}" label="{xml_text(label)}">'
            f"{self._values(self.node_ids, values)}</node>\n"
        )
        self.nodes += 1

    def edge(self, source: str, target: str, weight: float, values: Mapping[str, object]) -> None:
        if self._section == "nodes":
            self.sink.write("    </nodes>\n    <edges>\n")
            self._section = "edges"
        self.sink.write(
            f'      <edge id="{self.edges}" source="{xml_id(source)}" target="{xml_id(target)}"'
            f' weight="{float(weight)!r}">{self._values(self.edge_ids, values)}</edge>\n'
        )
        self.edges += 1

    def close(self) -> None:
        if self._section == "nodes":
            self.sink.write("    </nodes>\n    <edges>\n")
        self.sink.write("    </edges>\n  </graph>\n</gexf>\n")
        self._section = "closed"
        self.sink.flush()

    @staticmethod
    def _values(ids: Mapping[str, str], values: Mapping[str, object]) -> str:
        parts = [
            f'<attvalue for="{ids[name]}" value="{xml_text(_attribute(value))}"/>'
            for name, value in values.items()
            if value is not None
        ]
        return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def _attribute(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
