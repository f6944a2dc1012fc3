"""What a student copy must not hold, and what it must: no solution's code, no dead reference.

``coursekit release`` runs both checks on the copy before moving it into place (a failed
check stops the release), and the tests run them on the real course:

* :func:`solution_lines` collects the distinctive lines of every solution in the
  instructor's notebooks (cells tagged ``solution`` and ``### BEGIN/END SOLUTION``
  blocks): code lines without their comments, long enough to say something, that no
  other cell of the lessons shows anyway. :func:`leaked_solutions` looks for them in every
  text file of the copy (the package included: a fallback that trains "as the course
  would" must not spell the answer out).
* :func:`dead_references` resolves every relative link of the copy's Markdown (notebook
  text and ``.md`` files) and every repository path quoted in backticks
  (``benchmarks/RESULTS.md``): each must exist in the copy.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

_BLOCK = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION", re.S | re.M)
_TEXT_SUFFIXES = (".py", ".md", ".yml", ".yaml", ".json", ".toml", ".txt", ".cfg", ".sh", ".ipynb")
MIN_LENGTH = 12  # shorter lines ("import os", "trainer = Trainer(") say nothing about the answer
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_QUOTED_PATH = re.compile(r"`((?:benchmarks|coursekit|azureml|notebooks|quizzes|docs|scripts|tests)/[^`\s]*)`")


def _code_lines(source: str) -> set[str]:
    lines = set()
    for line in source.splitlines():
        code = re.sub(r"\s+#.*$", "", line).strip()  # trailing comments are the course's words, not code
        if code and not code.startswith("#"):
            lines.add(" ".join(code.split()))
    return lines


def _solutions(nb) -> tuple[list[str], list[str]]:
    """(the solutions' sources, every other code cell's source) of notebook ``nb``."""
    solutions, public = [], []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "solution" in cell.metadata.get("tags", []):
            solutions.append(cell.source)
        else:
            solutions += _BLOCK.findall(cell.source)
            public.append(_BLOCK.sub("", cell.source))
    return solutions, public


def _plumbing(line: str) -> bool:
    """An import, a line of bare names (``my_precision, my_recall``) or ``name=name,``: no answer in it."""
    return (line.startswith(("import ", "from ")) or re.fullmatch(r"[\w, ]+", line) is not None
            or re.fullmatch(r"(\w+)=\1,?", line) is not None)


def solution_lines(notebooks) -> dict[str, str]:
    """Each distinctive line of the notebooks' solutions -> the notebook it answers.

    Left out: lines shorter than :data:`MIN_LENGTH`, plumbing (:func:`_plumbing`), lines another
    cell shows, and lines the lesson's own text quotes (what the text tells is no secret)."""
    import nbformat

    found, public, told = {}, set(), []
    for path in notebooks:
        nb = nbformat.read(Path(path), as_version=4)
        solutions, others = _solutions(nb)
        for source in others:
            public |= _code_lines(source)
        told += [" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown"]
        for source in solutions:
            for line in _code_lines(source):
                if len(line) >= MIN_LENGTH and not _plumbing(line):
                    found.setdefault(line, Path(path).name)
    text = "\n".join(told)
    return {line: name for line, name in found.items() if line not in public and line.rstrip(",") not in text}


def _texts(folder: Path):
    """(relative path, text) of every text file under ``folder``; a notebook gives its cells' sources."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in _TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c.get("source", "")) for c in json.loads(text).get("cells", []))
        yield path.relative_to(folder).as_posix(), text


def leaked_solutions(copy_dir, lines: dict[str, str]) -> list[str]:
    """``path: line (answers notebook)`` for each solution line found in the copy."""
    leaks = []
    for name, text in _texts(Path(copy_dir)):
        squashed = {" ".join(line.split()) for line in text.splitlines()}
        squashed |= {" ".join(re.sub(r"\s+#.*$", "", line).split()) for line in text.splitlines()}
        leaks += [f"{name}: {line!r} (the solution in {nb})" for line, nb in lines.items() if line in squashed]
    return leaks


def _markdown(folder: Path):
    """(relative path, Markdown text) of the copy's .md files and notebooks' Markdown cells."""
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".md":
            yield path, path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            yield path, "\n".join("".join(c["source"]) for c in cells if c.get("cell_type") == "markdown")


def dead_references(copy_dir) -> list[str]:
    """``file: target`` for each relative link or quoted repository path that the copy lacks."""
    folder = Path(copy_dir)
    dead = []
    for path, text in _markdown(folder):
        for target in _LINK.findall(text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # https:, mailto:, an anchor in the same page
            if not (path.parent / target.split("#")[0]).exists():
                dead.append(f"{path.relative_to(folder).as_posix()}: link {target}")
        for quoted in _QUOTED_PATH.findall(text):
            quoted = quoted.rstrip(".,:;")
            if not ((folder / quoted).exists() or "*" in quoted and any(folder.glob(quoted))):
                dead.append(f"{path.relative_to(folder).as_posix()}: path {quoted}")
    return sorted(set(dead))
