"""The stub a student copy shows in place of a solution cell (used by ``coursekit release``).

The stub keeps the solution's leading comment lines (the exercise's instructions), says
what to define and where the check is, and sets each of those names to a
:func:`~coursekit.exercises.not_attempted` placeholder. It raises nothing, so "Run All"
runs past an unfinished exercise: its check reports "not attempted" and the lesson goes on.

The names come from a ``# Define: a, b`` line among the leading comments, else from the
solution's top-level assignments.
"""
from __future__ import annotations

import ast
import re

_DEFINE = re.compile(r"^\s*#\s*Define:\s*(.+)$", re.I)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def leading_comments(source: str) -> list[str]:
    comments = []
    for line in source.splitlines():
        if not line.strip().startswith("#"):
            break
        comments.append(line)
    return comments


def names_to_define(source: str) -> list[str]:
    """The names the solution must define: its ``# Define:`` line, else its top-level assignments."""
    for line in leading_comments(source):
        match = _DEFINE.match(line)
        if match:
            # "a, b — the check below ..." : the names come before any dash or parenthesis
            head = re.split(r"\s[—–-]\s|\(|;", match.group(1))[0]
            return [n for n in _NAME.findall(head)]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []

    def add(target):
        if isinstance(target, ast.Name) and target.id not in names:
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                add(element)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            add(node.target)
    return names


def stub_source(solution: str) -> str:
    """The student's version of a solution cell: instructions, then placeholders."""
    names = names_to_define(solution)
    comments = [line for line in leading_comments(solution) if not _DEFINE.match(line)]
    if names:
        what = ", ".join(names)
        comments.append(f"# Define: {what} — the ✅ Check cell below tests "
                        f"{'them' if len(names) > 1 else 'it'}.")
    comments.append("# YOUR CODE HERE: replace the placeholder line below with your solution, then run this cell.")
    quoted = ", ".join(repr(n) for n in names)
    placeholder = f"{', '.join(names)} = not_attempted({quoted})" if names else "not_attempted()"
    return "\n".join(comments + ["from coursekit.exercises import not_attempted", "", placeholder])
