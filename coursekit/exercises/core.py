"""What every exercise and ✅ Check cell uses: the "not attempted" placeholder, the
progress record, and checks that say what passed and what is wrong.

* A released stub sets the names an exercise must define to :func:`not_attempted`
  placeholders, so Run All goes on past unfinished exercises.
* A check prints ``✔ passed: ...`` or raises :class:`CheckFailed`, whose message names
  what is wrong; a notebook shows that message alone, without a traceback.
* A check that finds a placeholder prints ``⏭ not attempted: ...`` and lets the lesson go on.
"""
from __future__ import annotations

from contextlib import contextmanager

from coursekit.errors import CoursekitError

PASSED, NOT_ATTEMPTED, FAILED = "passed", "not attempted", "failed"
_progress: dict[str, str] = {}  # exercise (the names it defines) or check title -> its last outcome
_titles: dict[str, str] = {}  # exercise -> the title of its check, once a check has run


class CheckFailed(CoursekitError, AssertionError):
    """A ✅ Check found a problem; the message says what is wrong and how to fix it."""

    def _render_traceback_(self):  # IPython shows these lines instead of a traceback
        return [f"\x1b[31m✘ failed: {self}\x1b[0m"]


class NotAttempted:
    """Stands for a value an exercise has not defined yet (see :func:`not_attempted`)."""

    def __init__(self, name: str, exercise: str):
        self.name, self.exercise = name, exercise

    def __repr__(self) -> str:
        return f"<{self.name}: not attempted yet, write it in the exercise cell>"

    def __bool__(self) -> bool:
        return False


def not_attempted(*names: str, exercise: str | None = None):
    """Placeholders for ``names`` (one value, or a tuple for several); records the exercise
    as not attempted and says so, without stopping the lesson."""
    exercise = exercise or ", ".join(names) or "exercise"
    record(exercise, NOT_ATTEMPTED)
    what = f"define {', '.join(names)} here" if names else "write your solution here"
    them = "them" if len(names) > 1 else "it"
    print(f"⏭ not attempted yet: {what}; the ✅ Check cell below tests {them}. The lesson goes on without it.")
    values = tuple(NotAttempted(name, exercise) for name in names)
    return values[0] if len(values) == 1 else values


def is_attempted(*values) -> bool:
    """False when any value is a :func:`not_attempted` placeholder."""
    return not any(isinstance(v, NotAttempted) for v in values)


def record(key: str, outcome: str, title: str | None = None) -> None:
    _progress[key] = outcome
    if title and title != key:
        _titles[key] = title


def progress() -> dict[str, str]:
    """Every exercise and check seen in this kernel, with its last outcome."""
    return dict(_progress)


def reset_progress() -> None:
    _progress.clear()
    _titles.clear()


def progress_report() -> str:
    """One line per exercise or check that did not pass, and the counts (for a lesson's end)."""
    counts = {o: sum(1 for v in _progress.values() if v == o) for o in (PASSED, NOT_ATTEMPTED, FAILED)}
    lines = [f"{counts[PASSED]} passed, {counts[NOT_ATTEMPTED]} not attempted, {counts[FAILED]} failed"]
    for key, outcome in _progress.items():
        if outcome != PASSED:
            about = f"{key} ({_titles[key]})" if key in _titles else key
            lines.append(f"  {'⏭' if outcome == NOT_ATTEMPTED else '✘'} {outcome}: {about}")
    return "\n".join(lines)


class Check:
    """Collects the problems of one ✅ Check (see :func:`check`)."""

    def __init__(self, title: str):
        self.title = title
        self.problems: list[str] = []
        self.missing: list[str] = []
        self.notes: list[str] = []
        self.exercise: str | None = None  # the names an exercise defines: its key in the progress record

    def that(self, condition, problem: str) -> bool:
        """Record ``problem`` (what is wrong, in words) unless ``condition`` holds."""
        if not condition:
            self.problems.append(problem)
        return bool(condition)

    def close(self, actual, expected, name: str, tolerance: float = 1e-9) -> bool:
        """``actual`` (called ``name``) equals ``expected`` within ``tolerance``."""
        ok = abs(float(actual) - float(expected)) <= tolerance
        return self.that(ok, f"{name} is {float(actual):.6g}, expected {float(expected):.6g}")

    def attempted(self, **values) -> bool:
        """Mark the check "not attempted" when any of ``values`` is still a placeholder."""
        self.exercise = ", ".join(values)
        missing = [name for name, value in values.items() if not is_attempted(value)]
        self.missing += missing
        return not missing

    def note(self, text: str) -> None:
        """Advice printed with the result; never a failure."""
        self.notes.append(text)

    def finish(self) -> None:
        """Print the outcome, or raise :class:`CheckFailed` naming every problem."""
        key = self.exercise or self.title
        if self.missing:
            record(key, NOT_ATTEMPTED, self.title)
            print(f"⏭ not attempted: {self.title} — define {', '.join(self.missing)} in the exercise cell "
                  "above and run it, then run this cell again.")
            return
        if self.problems:
            record(key, FAILED, self.title)
            raise CheckFailed(f"{self.title}: " + "; ".join(self.problems))
        record(key, PASSED, self.title)
        print(f"✔ passed: {self.title}")
        for text in self.notes:
            print(f"  note: {text}")


@contextmanager
def check(title: str):
    """``with check("what is checked") as c: c.that(condition, "what is wrong")``.

    Prints ``✔ passed: <title>`` when every condition holds; otherwise raises
    :class:`CheckFailed` listing the problems.
    """
    result = Check(title)
    yield result
    result.finish()
