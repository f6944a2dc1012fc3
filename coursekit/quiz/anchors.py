"""Each quiz asks only what its lesson (or an earlier one) taught: ``taught_in`` anchors.

Every question of an instructor key names where it is taught::

    taught_in: {lesson: 02_finetune_sentiment, text: "predictions come out as LABEL_0 and LABEL_1"}

:func:`anchor_problems` checks each anchor against the lessons' Markdown: the notebook exists,
it comes no later than the quiz (``part2`` may anchor in lessons 01 and 02), and the text is in
its Markdown cells (compared with spacing, ``*`` and backticks ignored, so emphasis and line
breaks do not matter). Code cells do not count: a question answered only by a check cell's code
was never taught.
"""
from __future__ import annotations

import json
import re
from pathlib import Path


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[*`]", "", text).split())


def lesson_text(notebook: Path) -> str:
    """The Markdown cells of ``notebook``, as plain text (see the module docstring)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    return _plain("\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown"))


def _part(quiz_id: str) -> int | None:
    match = re.fullmatch(r"part(\d+)", quiz_id)
    return int(match.group(1)) if match else None


def anchor_problems(quizzes, notebooks_dir) -> list[str]:
    """``quiz/question: problem`` for each question whose ``taught_in`` is missing or not found."""
    lessons = {path.stem: path for path in sorted(Path(notebooks_dir).glob("*.ipynb"))}
    texts: dict[str, str] = {}
    problems = []
    for quiz in quizzes:
        for question in quiz.questions:
            where = f"{quiz.id}/{question.id}"
            anchor = question.taught_in
            if not anchor:
                problems.append(f"{where}: no taught_in (the lesson passage that teaches it)")
                continue
            lesson = anchor["lesson"]
            if lesson not in lessons:
                problems.append(f"{where}: taught_in names {lesson!r}, not a lesson in {notebooks_dir}")
                continue
            part = _part(quiz.id)
            if part is not None and int(lesson[:2]) > part:
                problems.append(f"{where}: taught in {lesson}, after the quiz of part {part}")
            if lesson not in texts:
                texts[lesson] = lesson_text(lessons[lesson])
            if _plain(anchor["text"]) not in texts[lesson]:
                problems.append(f"{where}: {lesson}'s text does not say {anchor['text']!r}")
    return problems
