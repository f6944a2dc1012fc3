"""Atomic file writes, and the one safe reader of small YAML/JSON input files.

:func:`read_data_file` reads every YAML or JSON file a person hands coursekit (``--config``
settings, label maps, quiz files) within limits, with the line of each value.

Atomic writes are used wherever coursekit saves something a person relies on.

A temporary file in the target folder is written, flushed to disk, given the usual
permissions (``mkstemp`` makes 0600) and ``os.replace``-d over the target: readers see
the old content or the new, never half of either, and a failure leaves the old file.

A writer killed between the two steps (SIGKILL, power loss) leaves its temporary file,
``.NAME.XXXXXXXX.tmp`` beside ``NAME``. The next successful write of ``NAME`` removes such
leftovers once they are older than :data:`STALE_TMP_SECONDS` (one hour). Age, not the
writer's process id, decides: the folder may be shared by machines (a network drive, an
Azure ML mount) where a process id means nothing, while a live writer keeps touching its
file and finishes in seconds. Only names of exactly that shape are touched (the eight
characters ``mkstemp`` draws), so another file's temporary file is never removed.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

STALE_TMP_SECONDS = 3600


def default_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _tmp_prefix(path: Path) -> str:
    return f".{path.name}."


def stale_tmp_files(path: str | os.PathLike, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Leftover temporary files of earlier writes of ``path`` last modified more than ``older_than`` s ago."""
    path = Path(path)
    pattern = re.compile(re.escape(_tmp_prefix(path)) + r"[a-z0-9_]{8}\.tmp")
    cutoff = time.time() - older_than
    found = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return []
    for entry in entries:
        try:
            if (pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff):
                found.append(Path(entry.path))
        except OSError:
            continue
    return found


def remove_stale_tmp_files(path: str | os.PathLike, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove :func:`stale_tmp_files` of ``path`` (best effort: a file that cannot be removed stays)."""
    removed = []
    for tmp in stale_tmp_files(path, older_than):
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
    return removed


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    remove_stale_tmp_files(path)
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` (``\\n`` line endings) to ``path`` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, data: Any, *, allow_nan: bool = False) -> Path:
    """Write ``data`` as indented JSON; it is serialised first, so a value that cannot be
    serialised (or a NaN, which is not JSON) never touches the disk."""
    return write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=allow_nan) + "\n")


def read_small_text(path: str | os.PathLike, *, limit: int, what: str, error: type[Exception],
                    prefix: str | None = None) -> str:
    """The UTF-8 text of a small input file (a BOM is dropped), at most ``limit`` bytes.

    Every failure is one line of ``error`` that starts with ``prefix`` (default: the path)
    and names ``what`` the file was meant to be: missing or unreadable, too large, not UTF-8.
    """
    path = Path(path)
    prefix = str(path) if prefix is None else prefix
    try:
        size = path.stat().st_size
        if size > limit:
            raise error(f"{prefix}: {size:,} bytes is too large for {what} (limit {limit:,})")
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{prefix}: cannot read it ({exc.strerror or exc.__class__.__name__})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{prefix}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                    "save the file as UTF-8") from exc


# --------------------------------------------------------------------------- YAML and JSON

class _Refused(ValueError):
    """A structure the safe loader refuses (an alias, deep nesting); the message says where."""


def read_data_file(path: str | os.PathLike, *, limit: int, what: str, error: type[Exception],
                   prefix: str | None = None, max_depth: int = 50, text_keys: bool = False,
                   with_lines: bool = False):
    """The parsed content of a small YAML or JSON file (``.json`` by its suffix), read safely.

    At most ``limit`` bytes of UTF-8 (:func:`read_small_text`); no YAML aliases (``*name``,
    the "billion laughs" expansion) and no YAML timestamps (a date stays text); no NaN or
    Infinity in JSON; nesting at most ``max_depth`` deep; with ``text_keys`` every mapping
    key must be text. Every failure is one line of ``error`` starting with ``prefix``
    (default: the path). ``with_lines`` returns ``(data, lines)``, where ``lines`` maps a
    path of keys and indices (``("questions", 2, "answer")``) to its 1-based line.
    """
    path = Path(path)
    prefix = str(path) if prefix is None else prefix
    text = read_small_text(path, limit=limit, what=what, error=error, prefix=prefix)
    is_json = path.suffix.lower() == ".json"
    try:
        data, lines = (_json_with_lines if is_json else _yaml_with_lines)(text, max_depth)
        _check_structure(data, max_depth, text_keys)
    except _Refused as exc:
        raise error(f"{prefix}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise error(f"{prefix}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise error(f"{prefix}: nested too deeply to be {what}") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault, said in one line
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            problem = getattr(exc, "problem", None) or exc.__class__.__name__
            raise error(f"{prefix}: line {mark.line + 1}: not valid YAML ({problem})") from exc
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise error(f"{prefix}: cannot be read as {what} ({exc.__class__.__name__}: {first})") from exc
    return (data, lines) if with_lines else data


def _check_structure(node: Any, max_depth: int, text_keys: bool, where: str = "", depth: int = 0) -> None:
    if depth > max_depth:
        raise _Refused(f"nested deeper than {max_depth} levels at '{where or '<root>'}'")
    if isinstance(node, dict):
        for key, value in node.items():
            if text_keys and not isinstance(key, str):
                raise _Refused(f"field '{where or '<root>'}': key {key!r} is not text; quote it (e.g. \"{key}\":)")
            _check_structure(value, max_depth, text_keys, f"{where}.{key}" if where else str(key), depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_structure(value, max_depth, text_keys, f"{where}[{index}]", depth + 1)


def _no_constants(name: str):
    raise _Refused(f"{name} is not a number JSON allows")


def _json_with_lines(text: str, max_depth: int) -> tuple[Any, dict]:
    """JSON through the pure-Python scanner, noting the line of every value it reads."""
    import bisect
    from json import decoder as jd, scanner

    breaks = [i for i, char in enumerate(text) if char == "\n"]
    seen: dict[int, tuple[Any, dict]] = {}  # id(container) -> (container, {key or index: line})

    def line(position: int) -> int:
        return bisect.bisect_left(breaks, position) + 1

    def noting(scan_once, spots):
        def scan(string, index):
            spots.append(index)
            return scan_once(string, index)
        return scan

    def parse_object(s_and_end, strict, scan_once, hook, pairs_hook, memo):
        spots: list[int] = []
        pairs, end = jd.JSONObject(s_and_end, strict, noting(scan_once, spots), None, list, memo)
        obj = dict(pairs)
        seen[id(obj)] = (obj, {key: line(at) for (key, _), at in zip(pairs, spots)})
        return obj, end

    def parse_array(s_and_end, scan_once):
        spots: list[int] = []
        values, end = jd.JSONArray(s_and_end, noting(scan_once, spots))
        seen[id(values)] = (values, {i: line(at) for i, at in enumerate(spots)})
        return values, end

    decoder = json.JSONDecoder(parse_constant=_no_constants)
    decoder.parse_object, decoder.parse_array = parse_object, parse_array
    decoder.scan_once = scanner.py_make_scanner(decoder)
    data = decoder.decode(text)
    lines: dict[tuple, int] = {(): 1}

    def walk(node, path):
        for key, at in seen.get(id(node), (None, {}))[1].items():
            lines[path + (key,)] = at
            walk(node[key], path + (key,))

    walk(data, ())
    return data, lines


_YAML_LOADERS: dict[int, Any] = {}


def _yaml_loader(max_depth: int):
    """A PyYAML safe loader without aliases and without timestamp resolution."""
    import yaml

    if max_depth not in _YAML_LOADERS:
        class SafeDataLoader(yaml.SafeLoader):
            def compose_node(self, parent, index):
                if self.check_event(yaml.AliasEvent):
                    event = self.peek_event()
                    raise _Refused(f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not "
                                   "allowed; write the value out")
                return super().compose_node(parent, index)

            def fetch_flow_collection_start(self, TokenClass):
                if self.flow_level >= max_depth:  # refuse [[[[... at once, not after scanning it all
                    raise _Refused(f"line {self.line + 1}: nested deeper than {max_depth} levels")
                return super().fetch_flow_collection_start(TokenClass)

        SafeDataLoader.yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        _YAML_LOADERS[max_depth] = SafeDataLoader
    return _YAML_LOADERS[max_depth]


def _yaml_with_lines(text: str, max_depth: int) -> tuple[Any, dict]:
    import yaml

    loader = _yaml_loader(max_depth)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {(): 1}

    def walk(node, path):
        pairs = node.value if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) else []
        for index, entry in enumerate(pairs):
            key, value = entry if isinstance(node, yaml.MappingNode) else (index, entry)
            if isinstance(key, yaml.Node):
                if not isinstance(key, yaml.ScalarNode):
                    continue
                key, at = key.value, key.start_mark.line + 1
            else:
                at = value.start_mark.line + 1
            lines[path + (key,)] = at
            walk(value, path + (key,))

    if node is not None:
        walk(node, ())
    return data, lines
