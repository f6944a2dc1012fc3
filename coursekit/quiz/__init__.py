"""Concept-check quizzes, by stage (as nbgrader and otter-grader group the same duties):

* the format: :mod:`~coursekit.quiz.model` (what a quiz is; the one date reader),
  :mod:`~coursekit.quiz.validate` (the one validation path, every problem with its line),
  :mod:`~coursekit.quiz.quizfile` (reading keys, finding them, writing student copies)
* the student side: :mod:`~coursekit.quiz.widgets` (``show_quiz("part1")``),
  :mod:`~coursekit.quiz.answers` (answer shapes, practice hashes),
  :mod:`~coursekit.quiz.submissions` (answers saved on every Check, Submit)
* grading: :mod:`~coursekit.quiz.grading` (plain Python, no kernel)
* the gradebook: :mod:`coursekit.quiz.gradebook` (intake, rules, rows, files, LMS, pages)
"""
from coursekit.quiz.gradebook import Gradebook, grade_submissions, write_gradebook
from coursekit.quiz.grading import QuestionResult, QuizResult, grade_question, grade_quiz, word_count
from coursekit.quiz.model import Question, Quiz
from coursekit.quiz.quizfile import (
    find_quiz_dir, load_quiz, load_quizzes, parse_quiz, read_quiz_data, release_quiz, release_quizzes,
)
from coursekit.quiz.submissions import mark_submitted, read_submission, record_answers, submission_path
from coursekit.quiz.widgets import QuizView, build_quiz, show_quiz

__all__ = [
    "Gradebook", "Question", "QuestionResult", "Quiz", "QuizResult", "QuizView", "build_quiz",
    "find_quiz_dir", "grade_question", "grade_quiz", "grade_submissions", "load_quiz", "load_quizzes",
    "mark_submitted", "parse_quiz", "read_quiz_data", "read_submission", "record_answers", "release_quiz",
    "release_quizzes", "show_quiz", "submission_path", "word_count", "write_gradebook",
]
