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

from ..problems import Problem

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
MAX_FILE_BYTES = 1_000_000  # a record is a page of text; a pasted transcript belongs in the evaluation's archive
MAX_TEXT_CHARS = 100_000  # one field: the longest in the paper's theory (methods) is about 15,000
MAX_DEPTH = 20  # records nest a few levels; deeper is a mistake or an attack on the reader
# Bidirectional controls reorder the text that follows them (an override makes "txt.exe" show as
# "exe.txt"): a title or a citation could be made to read differently from what it is.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
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
    _styles: dict | None = None

    def _locate(self) -> None:
        if self._values is None:
            self._values, self._keys, self._styles = {}, {}, {}
            _construct(self.text if self.text is not None else _decode(self.path.read_bytes()), self, [],
                       track=True)

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

    def text_line(self, path: Path_, offset: int) -> int:
        """The file line of line `offset` (0-based) of a text value: a block (`|`, `>`) starts a line later."""
        line = self.position(path)[0]
        return line + offset + (1 if self._styles.get(tuple(path)) in ("|", ">") else 0)


def locate(project: Path, file: str, path: Path_) -> tuple[int, int]:
    """Where a field stands in a record file (as shown, relative to the project): for a message
    about a record that loaded, found by reading the file again."""
    try:
        return Record(file, None, project / file).position(path)
    except (OSError, yaml.YAMLError):
        return 0, 0


_OPENED = {"while scanning a quoted scalar": "a quotation mark", "while parsing a flow sequence": "a [",
           "while parsing a flow mapping": "a {", "while scanning a flow sequence": "a [",
           "while scanning a flow mapping": "a {"}


def _unbalanced_quote(text: str, error_line: int) -> int | None:
    """The line (0-based) before `error_line` that opens a double quotation mark it does not close."""
    lines = text.splitlines()
    for at in range(error_line - 1, max(error_line - 6, -1), -1):
        line = lines[at] if at < len(lines) else ""
        marks = len(re.findall(r'(?<!\\)"', line.split(" #", 1)[0]))
        if marks % 2:
            return at
    return None


def _opened(err: yaml.MarkedYAMLError) -> str | None:
    """What the error's context opened and never closed (a quote, [ or {), when it is on an earlier line."""
    if err.context_mark is None or err.problem_mark is None or err.problem_mark.line <= err.context_mark.line:
        return None
    return _OPENED.get((err.context or "").strip())


def read_record(path: Path, shown_as: str) -> tuple[Record | None, list[Problem]]:
    """Read one file; return its record, or None and the problems that stopped it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [Problem(shown_as, 0, 0, f"the file is {size / 1e6:.1f} MB; a record may be at most "
                              f"{MAX_FILE_BYTES / 1e6:.0f} MB",
                              "keep records to the theory's own text: quote an excerpt, not a whole transcript")]
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
    record = Record(shown_as, None, path)
    problems: list[Problem] = []
    try:
        record.data = _construct(text, record, problems, track=False)
    except yaml.MarkedYAMLError as err:
        opened = _opened(err)
        if opened:  # a quote or bracket never closed: the parser noticed later, the cause is where it opened
            what, mark = opened, err.context_mark
            return None, [Problem(shown_as, mark.line + 1, mark.column + 1,
                                  f"YAML syntax error: {what} opened here is never closed (the parser stopped at "
                                  f"line {err.problem_mark.line + 1}: {err.problem})",
                                  "close it on this line with the matching character, or remove it; text that "
                                  "holds a quotation mark of the same kind needs the other kind around it")]
        mark = err.problem_mark or err.context_mark
        what = err.problem or err.context or "the YAML cannot be read"
        quoted = _unbalanced_quote(text, mark.line) if mark else None
        if quoted is not None:  # a quotation mark left open on an earlier line closed on a later one
            return None, [Problem(shown_as, quoted + 1, 0, f"YAML syntax error: the quotation mark opened on this line "
                                  f"is closed only on line {mark.line + 1}, so what lies between is misread ({what})",
                                  "close it on this line with the matching quotation mark; text that holds a "
                                  "quotation mark of the same kind needs the other kind around it")]
        return None, [Problem(shown_as, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                              f"YAML syntax error: {what}",
                              "check indentation and quoting on this line and the one above; "
                              "text containing ': ' or starting with a special character needs quotes")]
    except yaml.YAMLError as err:
        return None, [Problem(shown_as, 0, 0, f"YAML error: {err}", "keep one record per file")]
    if problems and record.data is None:
        return None, problems
    if not isinstance(record.data, dict):
        line, column = record.position(())
        problems.append(Problem(shown_as, line, column,
                                "the file does not hold a record (a mapping of `field: value` lines)",
                                "start the file with `id: ...` and the record's other fields, one per line"))
        return None, problems
    return record, problems


def _decode(raw: bytes) -> str:
    return raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("utf-8")


class _Frame:
    """A mapping or list being built, and where it stands."""
    __slots__ = ("value", "path", "key", "seen_at")

    def __init__(self, value, path):
        self.value, self.path, self.key, self.seen_at = value, path, _NO_KEY, {}


_NO_KEY, _SKIP = object(), object()  # a mapping awaits a key; the value of a refused key is dropped


def _construct(text: str, record: Record, problems: list[Problem], *, track: bool):
    """Python values from the parser's events; with track, note the position of every value and key.

    Built from events, with no node tree and no recursion: libyaml's own composer recurses and
    crashes the process on deep nesting. Aliases (`*name`) are refused: expanding aliases of
    aliases is how a few lines of YAML become gigabytes ("billion laughs"); records never need them."""
    root, documents, stack = None, 0, []

    def place(value, line: int, column: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        if isinstance(frame.value, list):
            frame.value.append(value)
        elif frame.key is _NO_KEY:
            frame.key = _key(value, frame, line, column)
        else:
            if frame.key is not _SKIP:
                frame.value[frame.key] = value
            frame.key = _NO_KEY

    def _key(value, frame: _Frame, line: int, column: int):
        if not isinstance(value, str):
            problems.append(Problem(record.file, line, column, f"field name {value!r} is not text",
                                    "field names are lower-case words such as `title:`"))
            return _SKIP
        if value == "<<":
            problems.append(Problem(record.file, line, column, "YAML merge keys (`<<`) are not supported",
                                    "write the fields out in full"))
            return _SKIP
        if value in frame.value or value in frame.seen_at:
            problems.append(Problem(record.file, line, column,
                                    f"field `{value}` appears twice in the same mapping (first on line "
                                    f"{frame.seen_at[value]}); YAML would silently keep only the last one",
                                    "remove one of them, or merge their contents"))
            return _SKIP
        frame.seen_at[value] = line
        if track:
            record._keys[frame.path + (value,)] = (line, column)
        return value

    def path_of_next() -> tuple:
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame.value, list):
            return frame.path + (len(frame.value),)
        return frame.path + (frame.key,) if isinstance(frame.key, str) else frame.path + ("",)

    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                problems.append(Problem(record.file, event.start_mark.line + 1, 0,
                                        "the file holds more than one YAML document (`---`)",
                                        "keep one record per file"))
                break
            continue
        if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
            continue
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            frame = stack.pop()
            place(frame.value, 0, 0)
            continue
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if kind is yaml.AliasEvent:
            problems.append(Problem(record.file, line, column, f"YAML aliases (`*{event.anchor}`) are not supported",
                                    "write the value out in full where it is used"))
            return None
        path = path_of_next()
        awaiting_key = stack and isinstance(stack[-1].value, dict) and stack[-1].key is _NO_KEY
        if track and not awaiting_key:
            record._values[path] = (line, column)
            record._styles[path] = getattr(event, "style", None)
        if event.tag and event.tag != "!" and not event.tag.startswith("tag:yaml.org,2002:"):  # `!custom`
            problems.append(Problem(record.file, line, column, f"YAML tag {event.tag!r} is not supported",
                                    "remove the `!tag` in front of the value"))
        if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                problems.append(Problem(record.file, line, column,
                                        f"the record nests more than {MAX_DEPTH} levels deep",
                                        "records nest only a few levels: check the indentation"))
                return None
            stack.append(_Frame({} if kind is yaml.MappingStartEvent else [], path))
            continue
        value = _scalar(event)
        if isinstance(value, str) and not track and not awaiting_key:
            _check_text(value, record.file, line, column, problems)
        place(value, line, column)
    return root


def _check_text(value: str, file: str, line: int, column: int, problems: list[Problem]) -> None:
    problems += [Problem(file, line, column, message, fix) for message, fix in text_problems(value)]


def text_problems(value: str) -> list[tuple[str, str]]:
    """(what is wrong, what to do) with a text field's value, wherever it comes from (a record, an import)."""
    found = []
    if len(value) > MAX_TEXT_CHARS:
        found.append((f"this text is {len(value):,} characters long; a field may hold at most {MAX_TEXT_CHARS:,}",
                      "shorten it: quote an excerpt, or split the text across records"))
    bidi = _BIDI.search(value)
    if bidi:
        found.append((f"the text holds an invisible bidirectional control character (U+{ord(bidi.group()):04X}), "
                      "which makes what follows it display in another order than it is written",
                      "delete the character: retype the text around it, or paste it as plain text"))
    return found


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
