"""Read one YAML record: strict UTF-8, no duplicate keys, no YAML 1.1 surprises, with positions.

PyYAML's C composer builds the node tree (fast); we construct values ourselves so that
- every position (line, column) of every value and key is kept for messages;
- a duplicate key is an error instead of silently keeping the last value;
- plain scalars stay text unless they are `true`/`false`, `null`/`~`/empty, or a plain
  decimal integer without leading zeros: `01`, `no`, `12:30` and `1.0` stay exactly as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

try:  # the C loader is ~20x faster; fall back so a machine without libyaml still works
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

from .problems import Problem

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_NULL = {"", "~", "null"}

Path_ = tuple  # a JSON path: keys and indexes from the record's root


@dataclass
class Record:
    """A record's data, and where each value and key stands in its file.

    Positions are found only when a message needs them (the file is read again): keeping one
    for every value of every file costs more memory than the theory itself at 5,000 CMOCs."""

    file: str
    data: object
    path: Path | None = None
    text: str | None = None  # for a record made in memory (an issue form), instead of a path
    _values: dict | None = None
    _keys: dict | None = None

    def _locate(self) -> None:
        if self._values is None:
            self._values, self._keys = {}, {}
            node = yaml.compose(self.text if self.text is not None else _decode(self.path.read_bytes()),
                                Loader=_Loader)
            _construct(node, (), self, [], track=True)

    @property
    def values(self) -> dict:
        self._locate()
        return self._values

    @property
    def keys(self) -> dict:
        self._locate()
        return self._keys

    def position(self, path: Path_) -> tuple[int, int]:
        """The closest known position of a path: the value, else its key, else its parent."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def key_position(self, path: Path_) -> tuple[int, int]:
        return self.keys.get(tuple(path)) or self.position(path)


def read_record(path: Path, shown_as: str) -> tuple[Record | None, list[Problem]]:
    """Read one file; return its record, or None and the problems that stopped it."""
    raw = path.read_bytes()
    try:
        text = _decode(raw)
    except UnicodeDecodeError as err:
        raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        return None, [Problem(shown_as, line, column,
                              f"the file is not UTF-8 text (byte 0x{raw[err.start]:02x} cannot be read)",
                              "save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8)")]
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return None, [Problem(shown_as, 0, 0, "the file is empty",
                              "fill in the record (copy a neighbouring file as a start) or delete the file")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = err.problem or err.context or "the YAML cannot be read"
        return None, [Problem(shown_as, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                              f"YAML syntax error: {what}",
                              "check indentation and quoting on this line and the one above; "
                              "text containing ': ' or starting with a special character needs quotes")]
    except yaml.YAMLError as err:  # e.g. more than one document
        return None, [Problem(shown_as, 0, 0, f"YAML error: {err}", "keep one record per file")]
    record = Record(shown_as, None, path)
    problems: list[Problem] = []
    record.data = _construct(node, (), record, problems, track=False)
    if not isinstance(record.data, dict):
        line, column = record.position(())
        problems.append(Problem(shown_as, line, column,
                                "the file does not hold a record (a mapping of `field: value` lines)",
                                "start the file with `id: ...` and the record's other fields, one per line"))
        return None, problems
    return record, problems


def _decode(raw: bytes) -> str:
    return raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("utf-8")


def _construct(node, path, record: Record, problems: list[Problem], *, track: bool):
    """Python values from a node tree; with track, note the position of every value and key."""
    if track:
        record._values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        seen_at: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, str):
                problems.append(Problem(record.file, line, column, f"field name {key_node.value!r} is not text",
                                        "field names are lower-case words such as `title:`"))
                continue
            if key == "<<":
                problems.append(Problem(record.file, line, column, "YAML merge keys (`<<`) are not supported",
                                        "write the fields out in full"))
                continue
            if key in result:
                problems.append(Problem(record.file, line, column,
                                        f"field `{key}` appears twice in the same mapping (first on line "
                                        f"{seen_at[key]}); YAML would silently keep only the last one",
                                        "remove one of them, or merge their contents"))
                continue
            seen_at[key] = line
            if track:
                record._keys[path + (key,)] = (line, column)
            result[key] = _construct(value_node, path + (key,), record, problems, track=track)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (i,), record, problems, track=track) for i, item in enumerate(node.value)]
    if not node.tag.startswith("tag:yaml.org,2002:"):  # an explicit `!custom` tag
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        problems.append(Problem(record.file, line, column, f"YAML tag {node.tag!r} is not supported",
                                "remove the `!tag` in front of the value"))
    return _scalar(node)


def _scalar(node):
    """Plain scalars: booleans, null and plain integers only; all else stays text as written."""
    if node.style:  # quoted or block text: always text
        return node.value
    value = node.value
    if value in _NULL:
        return None
    if value in ("true", "false"):
        return value == "true"
    if _INT.fullmatch(value):
        return int(value)
    return value
