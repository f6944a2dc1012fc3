"""Concept-check quizzes: files, grading, notebook widgets, student release, gradebook.

* :mod:`~coursekit.quiz.schema`: load and validate quiz files (``quizzes/*.yml``)
* :mod:`~coursekit.quiz.grading`: grade answers in plain Python
* :mod:`~coursekit.quiz.widgets`: ``show_quiz("part1")`` in a notebook
* :mod:`~coursekit.quiz.release`: student copies without readable answers
* :mod:`~coursekit.quiz.submissions`: answers saved atomically on every Check
* :mod:`~coursekit.quiz.gradebook`: grade a folder of submissions into a gradebook
  (with :mod:`~coursekit.quiz.intake`, :mod:`~coursekit.quiz.policy`,
  :mod:`~coursekit.quiz.roster`, :mod:`~coursekit.quiz.manual`,
  :mod:`~coursekit.quiz.gradebook_files` and :mod:`~coursekit.quiz.lms`)
* :mod:`~coursekit.quiz.feedback` and :mod:`~coursekit.quiz.reflections`: pages for
  students and for the person scoring reflections
"""
from coursekit.quiz.grading import QuestionResult, QuizResult, grade_question, grade_quiz, word_count
from coursekit.quiz.gradebook import Gradebook, grade_submissions, write_gradebook
from coursekit.quiz.release import release_quiz, release_quizzes
from coursekit.quiz.schema import Question, Quiz, find_quiz_dir, load_quiz, load_quizzes, parse_quiz
from coursekit.quiz.submissions import mark_submitted, read_submission, record_answers
from coursekit.quiz.widgets import QuizView, build_quiz, show_quiz

__all__ = [
    "Gradebook", "Question", "QuestionResult", "Quiz", "QuizResult", "QuizView", "build_quiz",
    "find_quiz_dir", "grade_question", "grade_quiz", "grade_submissions", "load_quiz", "load_quizzes",
    "mark_submitted", "parse_quiz", "read_submission", "record_answers", "release_quiz",
    "release_quizzes", "show_quiz", "word_count", "write_gradebook",
]
