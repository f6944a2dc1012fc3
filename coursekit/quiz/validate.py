"""Every problem in a quiz file's data, one line each with its place: the one validation path.

A line reads ``FILE: line N: question 'ID': field 'FIELD': problem``; ``coursekit quiz
validate`` prints them all, :func:`coursekit.quiz.quizfile.parse_quiz` raises the first.
First the shape of every field (the tables :data:`QUIZ_FIELDS`, :data:`QUESTION_FIELDS`,
:data:`KIND_FIELDS`), then what spans fields: answers among the option ids, unique ids, word
ranges, answer material in a key and none in a student copy, hints that do not give the
answer away, grading rules naming real questions. A question whose fields have the wrong
shape is not checked further: one mistake, one line. :func:`released_problems` compares
the keys with the copies already released (``--released``).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from coursekit.errors import QuizError
from coursekit.quiz.answers import answer_hash, canonical, key_answer
from coursekit.quiz.model import (
    DEFAULT_JUSTIFICATION, KINDS, RELEASE_MODES, Check, Checker, Path_, anything, boolean, free_text, ident,
    Question, Quiz, list_of, map_of, mapping, matches, one_of, parse_time, points, text, version, whole,
)


def option_ids(c: Checker, value: Any, path: Path_) -> None:
    if isinstance(value, list) and len(set(map(str, value))) < len(value):
        c.fail(path, "an option is listed twice")
    else:
        list_of(text, 1)(c, value, path)


HASH = matches(r"[0-9a-f]{64}", "a SHA-256 hash")
OPTION = mapping({"id": ident, "text": text, "why": text, "why_locked": text}, ("id", "text"))  # why: a wrong one
ITEM = mapping({"id": ident, "prompt": text, "answer": ident, "answer_hash": HASH, "explanation": text},
               ("id", "prompt"))
RUBRIC_POINT = mapping({"id": ident, "point": text, "keywords": list_of(matches(r"(?s).{2,}", "a keyword of 2 "
                                                                                "or more characters"), 1)},
                       ("id", "point", "keywords"))
QUESTION_FIELDS: dict[str, Check] = {
    "id": ident, "kind": one_of(*KINDS), "points": points, "objective": text, "prompt": text,
    "explanation": text, "explanation_locked": text, "hint": text, "options": list_of(OPTION, 2),
    "answer": anything, "answer_hash": HASH, "items": list_of(ITEM, 1),
    "justification": mapping({"required": boolean, "min_words": whole(1), "max_words": whole(1)}),
    "min_words": whole(0), "max_words": whole(1), "rubric": list_of(RUBRIC_POINT, 1),
    # where the lesson teaches it: the notebook's name (no .ipynb) and a passage of its text
    "taught_in": mapping({"lesson": matches(r"[0-9]{2}_[A-Za-z0-9_]+", "a notebook name such as 01_fundamentals"),
                          "text": text}, ("lesson", "text")),
}
_SHOWN = {"explanation", "explanation_locked", "hint", "taught_in"}
# kind -> (fields it needs beyond id, kind, points, objective, prompt; every field it may have)
KIND_FIELDS: dict[str, tuple[tuple, set]] = {
    "single_choice": (("options",), {"options", "answer", "answer_hash", *_SHOWN}),
    "true_false": ((), {"answer", "answer_hash", *_SHOWN}),
    "multiple_select": (("options",), {"options", "answer", "answer_hash", *_SHOWN}),
    "choice_per_item": (("options", "items"), {"options", "items", "justification", *_SHOWN}),
    "reflection": (("min_words", "max_words"), {"min_words", "max_words", "rubric", "explanation", "taught_in"}),
}
ANSWERS: dict[str, Check] = {"single_choice": text, "true_false": boolean, "multiple_select": option_ids}
QUIZ_FIELDS: dict[str, Check] = {
    "id": ident, "title": text, "version": version, "description": free_text,
    "release_mode": one_of(*RELEASE_MODES), "due": anything, "questions": anything,
    "grading": mapping({
        "duplicates": one_of("latest", "earliest", "best"),
        "late_penalty": matches(r"none|zero|per-day:[0-9]+(\.[0-9]+)?%?", "none, zero, per-day:N or per-day:N%"),
        "late_resubmissions": one_of("ignore", "replace"),
        "partial_credit": boolean,
        "earlier_versions": list_of(mapping({"version": version, "changed": map_of(one_of("regrade", "full"))},
                                            ("version",))),
    }),
    "release": mapping({"mode": one_of(*RELEASE_MODES), "salt": matches(r"[0-9a-f]{16,}", "a hex salt"),
                        "released": text, "note": text}, ("mode",)),
}


def quiz_problems(data: Any, source: str, lines: dict | None = None) -> list[str]:
    """All problems in ``data`` (as read from a quiz file), sorted by line; empty when valid."""
    if not isinstance(data, dict):
        return [f"{source}: a quiz file must hold a mapping (id, title, version, questions)"]
    c = Checker(data, source, lines)
    c.mapping(data, (), QUIZ_FIELDS, ("id", "title", "version", "questions"))
    mode = data["release"].get("mode", "key") if isinstance(data.get("release"), dict) else "key"
    _quiz_level(c, data, mode)
    questions = data.get("questions")
    if isinstance(questions, list) and questions:
        seen: dict[str, int] = {}
        for index, question in enumerate(questions):
            if _question_shape(c, question, ("questions", index)):
                _CrossChecks(c, question, ("questions", index), mode).run(seen)
        _grading(c, data, set(seen))
    elif "questions" in data:
        c.fail(("questions",), "expected a list of at least one question")
    return c.sorted_problems()


def _quiz_level(c: Checker, data: dict, mode: str) -> None:
    if mode == "practice" and isinstance(data.get("release"), dict) and not data["release"].get("salt"):
        c.fail(("release", "salt"), "a practice copy needs the salt its hashes were made with")
    try:
        parse_time(data.get("due"), zone_required=True)
    except QuizError as exc:
        c.fail(("due",), str(exc))
    if mode != "key" and "grading" in data:
        c.fail(("grading",), f"a released {mode} copy must not contain the instructor's grading rules")


def _question_shape(c: Checker, q: Any, path: Path_) -> bool:
    common = {name: QUESTION_FIELDS[name] for name in ("id", "kind", "points", "objective", "prompt")}
    if not isinstance(q, dict) or q.get("kind") not in KIND_FIELDS:  # the kind is wrong: say so, nothing more
        c.mapping(q, path, QUESTION_FIELDS, tuple(common))
        return False
    required, allowed = KIND_FIELDS[q["kind"]]
    fields = {**common, **{name: QUESTION_FIELDS[name] for name in allowed}}
    if "answer" in allowed:
        fields["answer"] = ANSWERS[q["kind"]]
    return c.mapping(q, path, fields, (*common, *required), context=q["kind"])


def _grading(c: Checker, data: dict, question_ids: set[str]) -> None:
    entries = (data.get("grading") or {}).get("earlier_versions") if isinstance(data.get("grading"), dict) else None
    versions: dict[str, int] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        where, number = ("grading", "earlier_versions", index), str(entry.get("version"))
        if number == str(data.get("version")):
            c.fail(where + ("version",), f"{number!r} is the current version")
        if number in versions:
            c.fail(where + ("version",), f"version {number!r} is listed twice (also entry {versions[number] + 1})")
        versions[number] = index
        for question_id in entry.get("changed") or {}:
            if question_id not in question_ids:
                c.fail(where + ("changed",), f"{question_id!r} is not a question of this quiz")


def _squash(value: str) -> str:
    return " ".join(str(value).split()).casefold()


class _CrossChecks:
    """What the field tables cannot say, for one question of the right shape."""

    def __init__(self, c: Checker, q: dict, path: Path_, mode: str):
        self.c, self.q, self.path, self.mode = c, q, path, mode

    def fail(self, name: Any, problem: str) -> None:
        self.c.fail(self.path + (name if isinstance(name, tuple) else (name,)), problem)

    def run(self, seen: dict[str, int]) -> None:
        q, mode = self.q, self.mode
        if q["id"] in seen:
            self.fail("id", f"duplicate question id {q['id']!r} (also question #{seen[q['id']] + 1}, line "
                            f"{self.c.line(('questions', seen[q['id']])) or '?'})")
        seen.setdefault(q["id"], self.path[1])
        for name, what in (("options", "option"), ("items", "item"), ("rubric", "rubric")):
            ids = [e["id"] for e in q.get(name, [])]
            if len(set(ids)) < len(ids):
                self.fail(name, f"duplicate {what} id(s): {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
        if "hint" in q and mode == "assessed":
            self.fail("hint", "an assessed copy must carry no answer material (hints are practice feedback)")
        low, high = ((q["min_words"], q["max_words"]) if q["kind"] == "reflection" else
                     ({**DEFAULT_JUSTIFICATION, **q.get("justification", {})}[k] for k in ("min_words", "max_words")))
        if low > high:
            name = "min_words" if q["kind"] == "reflection" else ("justification", "min_words")
            self.fail(name, f"min_words ({low}) is above max_words ({high})")
        for name in ("rubric", "explanation") if mode != "key" else ():
            if name in q and (name == "rubric" or q["kind"] == "reflection"):
                self.fail(name, f"a released {mode} copy must not contain the {name}")
        if q["kind"] == "reflection":
            if mode == "key" and not q.get("rubric"):
                self.fail("rubric", "a reflection needs a rubric of key points for the instructor")
        elif mode == "key":
            self.key_answer()
        else:
            self.student_copy()

    def key_answer(self) -> None:
        q = self.q
        for name in ("answer_hash", "explanation_locked"):
            if name in q:
                self.fail(name, "only released student copies carry hashed answers (this file has no 'release' "
                                "block)")
        if not q.get("explanation"):
            self.fail("explanation", "required field is missing (shown after answering)")
        option_ids = [o["id"] for o in q.get("options", [])]
        if q["kind"] == "choice_per_item":
            for index, item in enumerate(q["items"]):
                if "answer_hash" in item:
                    self.fail(("items", index, "answer_hash"), "only released student copies carry hashed answers")
                if "answer" not in item:
                    self.fail(("items", index, "answer"), "required field is missing")
                elif item["answer"] not in option_ids:
                    self.fail(("items", index, "answer"),
                              f"{item['answer']!r} is not one of the option ids {', '.join(option_ids)}")
            return self.hint([o["text"] for o in q["options"] if o["id"] in {i.get("answer") for i in q["items"]}])
        if "answer" not in q:
            return self.fail("answer", "required field is missing")
        answer = q["answer"]
        chosen = [answer] if q["kind"] == "single_choice" else answer if q["kind"] == "multiple_select" else []
        unknown = [a for a in chosen if a not in option_ids]
        if unknown and q["kind"] == "single_choice":
            self.fail("answer", f"{answer!r} is not one of the option ids {', '.join(option_ids)}")
        elif unknown:
            self.fail("answer", f"{', '.join(map(repr, unknown))} not among the option ids {', '.join(option_ids)}")
        self.hint([o["text"] for o in q.get("options", []) if o["id"] in chosen])
        if q["kind"] == "true_false" and re.search(r"\b(true|false)\b", q.get("hint", ""), re.IGNORECASE):
            self.fail("hint", "gives the answer away (says true or false); hint at the idea instead")

    def hint(self, right_texts: list[str]) -> None:
        for option in right_texts if self.q.get("hint") else ():
            if len(_squash(option)) >= 4 and _squash(option) in _squash(self.q["hint"]):
                self.fail("hint", f"gives the answer away (quotes the right option {option!r})")

    def student_copy(self) -> None:
        q, mode = self.q, self.mode
        items = q.get("items", [])
        for path, holder in [((), q)] + [(("items", i), item) for i, item in enumerate(items)]:
            for name in ("answer", "explanation"):
                if name in holder:
                    self.fail(path + (name,), f"a released {mode} copy must not contain the plain {name}")
        hashed = [(("items", i, "answer_hash"), item) for i, item in enumerate(items)] if items else [
            (("answer_hash",), q)]
        for name, holder in hashed:
            if mode == "practice" and "answer_hash" not in holder:
                self.fail(name, "a practice copy needs the hashed answer")
            if mode == "assessed" and "answer_hash" in holder:
                self.fail(name, "an assessed copy must carry no answer material")
        if mode == "assessed" and "explanation_locked" in q:
            self.fail("explanation_locked", "an assessed copy must carry no answer material")


# --------------------------------------------------------------------------- keys against their released copies


def released_problems(key: Mapping[str, Quiz], copies: Iterable[Quiz]) -> tuple[list[str], list[str]]:
    """``(problems, notices)`` from comparing each key with its released student ``copies``.

    A problem: a question added, removed, reworded, re-pointed or (practice copies, whose
    salted hashes tell) given another answer while the version stayed the same, so students
    work on what the key no longer says; each names the copy to release again. A notice: a
    copy of an older version (the key was bumped): release again so students answer it."""
    problems, notices = [], []
    for copy in copies:
        quiz = key.get(copy.id)
        if quiz is None or copy.is_key:
            continue
        if copy.version != quiz.version:
            notices.append(f"{copy.source} holds version {copy.version} of quiz {copy.id!r}, the key version "
                           f"{quiz.version}: release again so students answer version {quiz.version}")
            continue
        for question_id, change in _changes_since(quiz, copy):
            index = next((i for i, q in enumerate(quiz.questions) if q.id == question_id), None)
            line = quiz.lines.get(("questions", index)) or quiz.lines.get(("version",))
            problems.append(f"{quiz.source}: {f'line {line}: ' if line else ''}question {question_id!r}: {change} "
                            f"since {copy.source} was released as version {copy.version}; bump `version` (and say "
                            f"how earlier answers count in grading.earlier_versions), then release {copy.source} again")
    return problems, notices


def _changes_since(quiz: Quiz, copy: Quiz) -> list[tuple[str, str]]:
    released = {q.id: q for q in copy.questions}
    changes = []
    for question in quiz.questions:
        before = released.pop(question.id, None)
        if before is None:
            changes.append((question.id, "added"))
            continue
        if before.fingerprint != question.fingerprint:
            changes.append((question.id, "its text changed"))
        if before.points != question.points:
            changes.append((question.id, f"its points changed ({before.points:g} -> {question.points:g})"))
        if copy.mode == "practice" and question.auto_graded and not _same_answer(copy, before, question):
            changes.append((question.id, "its answer changed"))
    return changes + [(question_id, "removed") for question_id in released]


def _same_answer(copy: Quiz, before: Question, question: Question) -> bool:
    if question.kind == "choice_per_item":
        hashes = {item.id: item.answer_hash for item in before.items}
        return all(hashes.get(item.id) == answer_hash(copy.salt, question.id, item.answer, item_id=item.id)
                   for item in question.items)
    return before.answer_hash == answer_hash(copy.salt, question.id, canonical(question, key_answer(question)))
