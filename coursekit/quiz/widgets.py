"""The quiz in a notebook: ipywidgets, a Check button, explained feedback, a score line.

``show_quiz("part1")`` displays the quiz; ``build_quiz(...)`` returns the :class:`QuizView`
(tests set ``.value``, call ``.click()``, read ``.value``). Feedback is written to widget
values (never ``with out:``), so it looks the same in JupyterLab, under nbval and in pytest.
Which quiz file is shown: :func:`coursekit.quiz.quizfile.resolve_quiz` (a key found by
searching the folders is shown as its student copy). Answers are saved on every Check
(:mod:`coursekit.quiz.submissions`); the student id comes from ``student_id=``, else
``$COURSEKIT_STUDENT_ID``, else the text box.

Its stable CSS classes (``coursekit-quiz``, ``coursekit-check``, ``coursekit-feedback``...), for
browser tests and styling, are listed in ``quizzes/README.md`` (*Using a quiz*).
"""
from __future__ import annotations

import html
import os
import re
from typing import Any

from coursekit.errors import CoursekitError
from coursekit.quiz.grading import QuestionResult, QuizResult, grade_quiz, word_count
from coursekit.quiz.model import Question, Quiz
from coursekit.quiz.widget_css import QUIZ_CSS
from coursekit.quiz.quizfile import resolve_quiz
from coursekit.quiz.submissions import (
    STUDENT_ENV, default_submissions_dir, read_submission, record_answers, submission_path,
)

STATE_CLASSES = ("coursekit-correct", "coursekit-incorrect", "coursekit-saved", "coursekit-unanswered")
_MODE_NOTES = {"practice": "Practice: instant feedback; your answers are saved on every Check.",
               "assessed": "Assessed: your answers are saved on every Check; feedback comes with your grade.",
               "key": "Instructor copy (answers included)."}
def _style_widget(w):
    return _classed(w.HTML(value=f"<style>{QUIZ_CSS}</style>", layout=w.Layout(height="0px", margin="0")),
                    "coursekit-style")


def _text(text: str) -> str:
    """Escape ``text`` for an HTML widget, showing `code` spans as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _set_state(widget, state: str) -> None:
    for name in (n for n in STATE_CLASSES if n != state and n in widget._dom_classes):
        widget.remove_class(name)
    widget.add_class(state)


def _classed(widget, *classes: str):
    for name in classes:
        widget.add_class(name)
    return widget


class QuestionView:
    """One question: prompt, inputs and feedback."""

    def __init__(self, question: Question, number: int):
        import ipywidgets as w

        self.question, q = question, question
        self.inputs: dict[str, Any] = {}
        self.justifications: dict[str, Any] = {}
        self.word_count = None
        header = w.HTML(f"<b>Q{number}.</b> {_text(q.prompt)} <i>({q.points:g} point{'s' if q.points != 1 else ''})</i>")
        objective = w.HTML(f"<small>Checks: {html.escape(q.objective)}</small>")
        body = self._inputs(w)
        self.feedback = _classed(w.HTML(value=""), "coursekit-feedback", "coursekit-unanswered")
        self.widget = _classed(w.VBox([header, objective, *body, self.feedback], layout=w.Layout(margin="0 0 1em 0")),
                               "coursekit-question", f"coursekit-question-{q.id}")

    def _inputs(self, w) -> list:
        q = self.question
        wide = w.Layout(width="auto")
        if q.kind == "single_choice":
            self.inputs[""] = w.RadioButtons(options=[(o.text, o.id) for o in q.options], value=None, layout=wide)
        elif q.kind == "true_false":
            self.inputs[""] = w.RadioButtons(options=[("True", True), ("False", False)], value=None, layout=wide)
        elif q.kind == "multiple_select":
            for option in q.options:
                self.inputs[option.id] = w.Checkbox(value=False, description=option.text, indent=False, layout=wide)
        elif q.kind == "choice_per_item":
            rows = []
            rule = q.justification
            for item in q.items:
                # the dropdown as wide as its longest option; the justification below it, sized for its words
                choice = w.Dropdown(options=[("Choose...", None)] + [(o.text, o.id) for o in q.options],
                                    value=None, layout=w.Layout(width="auto", max_width="100%"))
                reason = _classed(w.Textarea(placeholder=f"Why? {rule['min_words']} to {rule['max_words']} words",
                                             rows=5, layout=w.Layout(width="100%")), "coursekit-justification")
                self.inputs[item.id], self.justifications[item.id] = choice, reason
                _classed(choice, "coursekit-answer")
                row = _classed(w.VBox([choice, reason]), "coursekit-item-row")
                rows.append(w.VBox([w.HTML(_text(item.prompt)), row]))
            return rows
        else:  # reflection
            box = w.Textarea(placeholder=f"{q.min_words} to {q.max_words} words",
                             layout=w.Layout(width="100%", height="12em"))
            self.inputs[""] = box
            self.word_count = _classed(w.Label(value=self._count_text("")), "coursekit-word-count")
            box.observe(lambda change: setattr(self.word_count, "value", self._count_text(change["new"])), "value")
            _classed(box, "coursekit-answer")
            return [box, self.word_count]
        for widget in self.inputs.values():
            _classed(widget, "coursekit-answer")
        return list(self.inputs.values())

    def _count_text(self, text: str) -> str:
        n = word_count(text)
        return f"{n} word{'s' if n != 1 else ''} (aim for {self.question.min_words} to {self.question.max_words})"

    def get_answer(self) -> Any:
        """The current answer in submission shape, or ``None`` when nothing is entered."""
        q = self.question
        if q.kind == "multiple_select":
            return [oid for oid, box in self.inputs.items() if box.value] or None
        if q.kind == "choice_per_item":
            pairs = {i.id: (self.inputs[i.id].value, self.justifications[i.id].value.strip()) for i in q.items}
            return {k: {"choice": c, "justification": t} for k, (c, t) in pairs.items() if c is not None or t} or None
        value = self.inputs[""].value
        return None if value in (None, "") else value

    def set_answer(self, answer: Any) -> None:
        """Fill the inputs from a saved answer (ignores what no longer fits)."""
        q = self.question
        try:
            if q.kind == "multiple_select":
                for oid, box in self.inputs.items():
                    box.value = oid in (answer or [])
            elif q.kind == "choice_per_item":
                for item in q.items:
                    entry = (answer or {}).get(item.id) or {}
                    if entry.get("choice") in q.option_ids:
                        self.inputs[item.id].value = entry["choice"]
                    self.justifications[item.id].value = str(entry.get("justification") or "")
            elif answer is not None:
                self.inputs[""].value = answer
        except Exception:  # noqa: BLE001 - a stale saved answer must not break the quiz
            pass

    def show(self, result: QuestionResult) -> None:
        """Write the verdict, the feedback and (when there is one) the explanation."""
        if result.kind == "reflection" or result.correct is None:
            state, mark = ("coursekit-saved" if result.answered else "coursekit-unanswered"), ""
        else:
            state, mark = ("coursekit-correct", "&#10004; ") if result.correct else ("coursekit-incorrect", "&#10008; ")
        verdict, *details = result.feedback.splitlines() or [""]
        if result.items:  # one line per item under a short verdict, not one bold run-on paragraph
            verdict, details = ("All right." if result.correct else "Not all right yet:"), result.feedback.splitlines()
        text = f"{mark}<b>{_text(verdict)}</b>"
        text += "<ul class='coursekit-details'>" + "".join(f"<li>{_text(d)}</li>" for d in details) + "</ul>" if details else ""
        if result.why:
            text += "".join(f"<div class='coursekit-why'>Why not: {_text(line)}</div>" for line in result.why.splitlines())
        text += f"<div class='coursekit-hint'>Hint: {_text(result.hint)}</div>" if result.hint else ""
        if result.explanation:
            explanation = "<br>".join(_text(line) for line in result.explanation.splitlines())
            text += f"<div class='coursekit-explanation'>{explanation}</div>"
        self.feedback.value = text
        _set_state(self.feedback, state)


class QuizView:
    """A whole quiz: student id, questions, Check and Submit buttons, score and status."""

    def __init__(self, quiz: Quiz, submissions_dir=None, student_id: str | None = None):
        import ipywidgets as w

        self.quiz = quiz
        self.submissions_dir = default_submissions_dir(submissions_dir)
        self.last_result: QuizResult | None = None
        self.student = _classed(w.Text(value=(student_id or os.environ.get(STUDENT_ENV, "")).strip(),
                                       description="Student ID", placeholder="your student id",
                                       continuous_update=False),  # on Enter or leaving the box, not per key
                                "coursekit-student-id")
        self.questions = [QuestionView(q, i) for i, q in enumerate(quiz.questions, start=1)]
        self.check_button = _classed(w.Button(description="Check", button_style="primary", icon="check"),
                                     "coursekit-check")
        self.submit_button = _classed(w.Button(description="Submit", icon="paper-plane",
                                               tooltip="Save your answers as handed in"), "coursekit-submit")
        self.score = _classed(w.HTML(value=""), "coursekit-score")
        self.status = _classed(w.HTML(value=""), "coursekit-status")
        self.check_button.on_click(lambda _: self.check())
        self.submit_button.on_click(lambda _: self.check(event="submit"))
        title = w.HTML(f"<h3>{html.escape(quiz.title)}</h3><small>{_MODE_NOTES[quiz.mode]}</small>")
        self.widget = _classed(w.VBox([_style_widget(w), title, self.student, *(v.widget for v in self.questions),
                                       w.HBox([self.check_button, self.submit_button]), self.score, self.status]),
                               "coursekit-quiz", f"coursekit-quiz-{quiz.id}")
        self._restore()
        # A student who types the id after the quiz appears gets their saved answers back,
        # unless they have already started answering.
        self.student.observe(lambda _: self._restore() if not self.answers() else None, names="value")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def question(self, question_id: str) -> QuestionView:
        found = [v for v in self.questions if v.question.id == question_id]
        if not found:
            raise KeyError(question_id)
        return found[0]

    def answers(self) -> dict:
        """The answers entered so far, keyed by question id."""
        answers = {v.question.id: v.get_answer() for v in self.questions}
        return {k: v for k, v in answers.items() if v is not None}

    def _restore(self) -> None:
        """Prefill the answers this student saved before for this quiz version."""
        try:
            path = submission_path(self.submissions_dir, self.student.value, self.quiz.id)
            saved = read_submission(path) if path.exists() else None
        except CoursekitError:  # no id entered yet, or a file that cannot be read
            return
        if saved is None:
            return
        if saved.quiz_version == self.quiz.version:
            for view in self.questions:
                if view.question.id in saved.answers:
                    view.set_answer(saved.answers[view.question.id])
            self.status.value = f"Restored your saved answers from {html.escape(str(path))}."

    def check(self, event: str = "check") -> QuizResult:
        """Grade, show feedback and the score, and save the answers (the buttons call this)."""
        answers = self.answers()
        result = grade_quiz(self.quiz, answers)
        for view, question_result in zip(self.questions, result.results):
            view.show(question_result)
        self.score.value = f"<b>{html.escape(result.score_line())}</b>"
        self.last_result = result
        self._save(answers, result, event)
        return result

    def _save(self, answers: dict, result: QuizResult, event: str) -> None:
        try:
            saved = record_answers(self.quiz, self.student.value, answers, self.submissions_dir,
                                   event=event, shown_score=result.score_line())
        except (CoursekitError, OSError) as exc:
            self.status.value = f"<b>Not saved:</b> {html.escape(str(exc))}"
            self.status.add_class("coursekit-error")
            return
        self.status.remove_class("coursekit-error")
        where = html.escape(str(saved.path))
        message = (f"Submitted. Hand in this file: <code>{where}</code>" if event == "submit" else
                   f"Saved to <code>{where}</code> (check {saved.history_length}).")
        self.status.value = message + (f"<br>Note: {html.escape(saved.note)}" if saved.note else "")


def build_quiz(quiz, quiz_dir=None, submissions_dir=None, student_id: str | None = None) -> QuizView:
    """The :class:`QuizView` for ``quiz`` (an id, a quiz file or a :class:`Quiz`)."""
    return QuizView(resolve_quiz(quiz, quiz_dir), submissions_dir=submissions_dir, student_id=student_id)


def show_quiz(quiz, quiz_dir=None, submissions_dir=None, student_id: str | None = None) -> None:
    """Display the quiz in the notebook (``show_quiz("part1")``)."""
    from IPython.display import display

    display(build_quiz(quiz, quiz_dir, submissions_dir, student_id).widget)
