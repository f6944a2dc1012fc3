"""Load and validate quiz files (YAML or JSON) into :class:`Quiz` objects.

This module gathers the public names of the pieces that do the work:

* :mod:`~coursekit.quiz.model`: the :class:`Quiz` and :class:`Question` classes
* :mod:`~coursekit.quiz.validation`: JSON Schema plus the checks that span fields
  (every problem, each naming the file, the question and the field)
* :mod:`~coursekit.quiz.parsing`: :func:`parse_quiz` builds a quiz from checked data
* :mod:`~coursekit.quiz.loading`: safe file reading, the quiz folder, :func:`resolve_quiz`
"""
from coursekit.quiz.loading import (
    MAX_QUIZ_BYTES, QUIZ_DIR_ENV, QUIZ_SUFFIXES, find_quiz_dir, load_quiz, load_quizzes, quiz_file_problems,
    quiz_files, read_quiz_data, resolve_quiz, student_view,
)
from coursekit.quiz.model import (
    AUTO_GRADED_KINDS, DEFAULT_JUSTIFICATION, KINDS, RELEASE_MODES, Item, Option, Question, Quiz, RubricPoint,
)
from coursekit.quiz.parsing import parse_quiz
from coursekit.quiz.validation import quiz_json_schema, quiz_problems

__all__ = [
    "AUTO_GRADED_KINDS", "DEFAULT_JUSTIFICATION", "KINDS", "MAX_QUIZ_BYTES", "QUIZ_DIR_ENV", "QUIZ_SUFFIXES",
    "RELEASE_MODES", "Item", "Option", "Question", "Quiz", "RubricPoint", "find_quiz_dir", "load_quiz",
    "load_quizzes", "parse_quiz", "quiz_file_problems", "quiz_files", "quiz_json_schema", "quiz_problems",
    "read_quiz_data", "resolve_quiz", "student_view",
]
