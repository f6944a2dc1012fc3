"""Every problem in one quiz's data, each as a line naming the file, question and field.

Two layers: ``quiz.schema.json`` (JSON Schema: shape and types) and the checks here that
span fields (answers among the option ids, unique ids, word ranges, answer material
present in an instructor key and absent from a student copy, hints that do not give the
answer away, grading rules that name real questions). :func:`quiz_problems` returns all
of them, so ``coursekit quiz validate`` can report a whole file in one run.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from coursekit.quiz.model import DEFAULT_JUSTIFICATION
from coursekit.quiz.schema_messages import describe, questions_with_schema_errors, quiz_json_schema, schema_errors

__all__ = ["parse_due", "quiz_json_schema", "quiz_problems"]


def quiz_problems(data: Any, source: str) -> list[str]:
    """All problems in ``data`` (as read from a quiz file), best first; empty when valid."""
    if not isinstance(data, dict):
        return [f"{source}: a quiz file must hold a mapping (id, title, version, questions)"]
    errors = schema_errors(data)
    problems = [describe(data, error, source) for error in errors]
    checks = _CrossChecks(data, source, skip_questions=questions_with_schema_errors(errors))
    checks.run()
    return _unique(problems + checks.problems)


def parse_due(value: Any) -> dt.datetime | None:
    """The quiz's ``due`` as an aware datetime (``ValueError`` when it is not one)."""
    if value in (None, ""):
        return None
    due = dt.datetime.fromisoformat(str(value))
    if due.tzinfo is None:
        raise ValueError("no time zone")
    return due


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


# --------------------------------------------------------------------------- across fields


def _duplicates(values: list) -> list[str]:
    return sorted({str(v) for v in values if values.count(v) > 1})


def _squash(text: str) -> str:
    return " ".join(str(text).split()).casefold()


class _CrossChecks:
    """The checks JSON Schema cannot express; each problem is collected, none raised."""

    def __init__(self, data: dict, source: str, skip_questions: set[int]):
        self.data, self.source, self.skip = data, source, skip_questions
        self.problems: list[str] = []
        release = data.get("release")
        self.mode = release.get("mode", "key") if isinstance(release, dict) else "key"

    def fail(self, question: dict | None, field_name: str, problem: str) -> None:
        where = f"{self.source}: question {question.get('id')!r}" if question is not None else self.source
        self.problems.append(f"{where}: field '{field_name}': {problem}")

    def run(self) -> None:
        data = self.data
        release = data.get("release")
        if self.mode == "practice" and isinstance(release, dict) and not release.get("salt"):
            self.fail(None, "release.salt", "a practice copy needs the salt its hashes were made with")
        if data.get("due") not in (None, ""):
            try:
                parse_due(data["due"])
            except ValueError as exc:
                problem = ("give a time zone, e.g. 2026-12-15T23:59:00+00:00" if str(exc) == "no time zone"
                           else f"{data['due']!r} is not an ISO 8601 date-time (e.g. 2026-12-15T23:59:00+00:00)")
                self.fail(None, "due", problem)
        if self.mode != "key" and "grading" in data:
            self.fail(None, "grading", f"a released {self.mode} copy must not contain the instructor's grading rules")
        if -1 in self.skip or not isinstance(data.get("questions"), list):
            return
        seen: set[str] = set()
        for index, question in enumerate(data["questions"]):
            if index in self.skip:
                continue
            if question["id"] in seen:
                self.fail(question, "id", "duplicate question id")
            seen.add(question["id"])
            self._question(question)
        self._grading(seen)

    def _grading(self, question_ids: set[str]) -> None:
        grading = self.data.get("grading")
        if not isinstance(grading, dict):
            return
        versions = []
        for index, entry in enumerate(grading.get("earlier_versions") or []):
            if not isinstance(entry, dict):
                continue
            version = str(entry.get("version"))
            versions.append(version)
            if version == str(self.data.get("version")):
                self.fail(None, f"grading.earlier_versions[{index}].version", f"{version!r} is the current version")
            for question_id in (entry.get("changed") or {}):
                if question_id not in question_ids:
                    self.fail(None, f"grading.earlier_versions[{index}].changed",
                              f"{question_id!r} is not a question of this quiz")
        if _duplicates(versions):
            self.fail(None, "grading.earlier_versions", f"version(s) listed twice: {', '.join(_duplicates(versions))}")

    def _question(self, q: dict) -> None:
        kind = q["kind"]
        option_ids = [o["id"] for o in q.get("options", [])]
        if _duplicates(option_ids):
            self.fail(q, "options", f"duplicate option id(s): {', '.join(_duplicates(option_ids))}")
        if not math.isfinite(float(q["points"])):
            self.fail(q, "points", "must be a finite number")
        if "hint" in q and self.mode == "assessed":
            self.fail(q, "hint", "an assessed copy must carry no answer material (hints are practice feedback)")
        if kind == "reflection":
            self._reflection(q)
            return
        if kind == "choice_per_item":
            item_ids = [i["id"] for i in q["items"]]
            if _duplicates(item_ids):
                self.fail(q, "items", f"duplicate item id(s): {', '.join(_duplicates(item_ids))}")
            justification = {**DEFAULT_JUSTIFICATION, **q.get("justification", {})}
            if justification["min_words"] > justification["max_words"]:
                self.fail(q, "justification.min_words", "min_words is above max_words")
        if "rubric" in q and self.mode != "key":
            self.fail(q, "rubric", f"a released {self.mode} copy must not contain the rubric")
        if self.mode == "key":
            self._key_answer(q, option_ids)
        else:
            self._student_copy(q)

    def _reflection(self, q: dict) -> None:
        if q["min_words"] > q["max_words"]:
            self.fail(q, "min_words", f"min_words ({q['min_words']}) is above max_words ({q['max_words']})")
        rubric_ids = [p["id"] for p in q.get("rubric", [])]
        if _duplicates(rubric_ids):
            self.fail(q, "rubric", f"duplicate rubric id(s): {', '.join(_duplicates(rubric_ids))}")
        if self.mode == "key" and not q.get("rubric"):
            self.fail(q, "rubric", "a reflection needs a rubric of key points for the instructor")
        if self.mode != "key":
            for name in ("rubric", "explanation"):
                if name in q:
                    self.fail(q, name, f"a released {self.mode} copy must not contain the {name}")

    def _key_answer(self, q: dict, option_ids: list[str]) -> None:
        kind = q["kind"]
        for name in ("answer_hash", "explanation_locked"):
            if name in q:
                self.fail(q, name, "only released student copies carry hashed answers (this file has no 'release' block)")
        if not q.get("explanation"):
            self.fail(q, "explanation", "required field is missing (shown after answering)")
        if kind == "choice_per_item":
            for index, item in enumerate(q["items"]):
                if "answer_hash" in item:
                    self.fail(q, f"items[{index}].answer_hash", "only released student copies carry hashed answers")
                if "answer" not in item:
                    self.fail(q, f"items[{index}].answer", "required field is missing")
                elif item["answer"] not in option_ids:
                    self.fail(q, f"items[{index}].answer",
                              f"{item['answer']!r} is not one of the option ids {', '.join(option_ids)}")
            self._hint(q, [o["text"] for o in q["options"] if o["id"] in {i.get("answer") for i in q["items"]}])
            return
        if "answer" not in q:
            self.fail(q, "answer", "required field is missing")
            return
        answer = q["answer"]
        if kind == "single_choice":
            if answer not in option_ids:
                self.fail(q, "answer", f"{answer!r} is not one of the option ids {', '.join(option_ids)}")
            self._hint(q, [o["text"] for o in q["options"] if o["id"] == answer])
        elif kind == "multiple_select":
            unknown = [a for a in answer if a not in option_ids]
            if unknown:
                self.fail(q, "answer", f"{', '.join(map(repr, unknown))} not among the option ids {', '.join(option_ids)}")
            self._hint(q, [o["text"] for o in q["options"] if o["id"] in answer])
        elif kind == "true_false" and "hint" in q and re.search(r"\b(true|false)\b", q["hint"], re.IGNORECASE):
            self.fail(q, "hint", "gives the answer away (says true or false); hint at the idea instead")

    def _hint(self, q: dict, right_texts: list[str]) -> None:
        hint = q.get("hint")
        if not hint:
            return
        for text in right_texts:
            if len(_squash(text)) >= 4 and _squash(text) in _squash(hint):
                self.fail(q, "hint", f"gives the answer away (quotes the right option {text!r})")

    def _student_copy(self, q: dict) -> None:
        mode = self.mode
        for name in ("answer", "explanation"):
            if name in q:
                self.fail(q, name, f"a released {mode} copy must not contain the plain {name}")
        items = q.get("items", [])
        for index, item in enumerate(items):
            for name in ("answer", "explanation"):
                if name in item:
                    self.fail(q, f"items[{index}].{name}", f"a released {mode} copy must not contain the plain {name}")
        hashed = [("answer_hash", q)] if q["kind"] != "choice_per_item" else [
            (f"items[{i}].answer_hash", item) for i, item in enumerate(items)
        ]
        for name, holder in hashed:
            has = "answer_hash" in holder
            if mode == "practice" and not has:
                self.fail(q, name, "a practice copy needs the hashed answer")
            if mode == "assessed" and has:
                self.fail(q, name, "an assessed copy must carry no answer material")
        if mode == "assessed" and "explanation_locked" in q:
            self.fail(q, "explanation_locked", "an assessed copy must carry no answer material")
