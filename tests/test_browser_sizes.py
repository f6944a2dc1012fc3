"""The quiz widgets fit: full option texts, justification boxes for 40 words, no overflow at
1,000-1,400 px, the feedback of a wrong application answer as a list (issue 22.4)."""
from __future__ import annotations

from pathlib import Path

import pytest

from browser.artifacts import artifacts_dir
from browser.quiz_sizes import assert_quiz_sizes, measure_quiz_sizes

QUIZ_DIR = Path(__file__).resolve().parents[1] / "quizzes"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_quiz_widgets_fit_at_every_width(tmp_path):
    from coursekit.quiz import release_quizzes

    release_quizzes(QUIZ_DIR, tmp_path / "student-quizzes")
    assert_quiz_sizes(measure_quiz_sizes(tmp_path, tmp_path / "student-quizzes", shots=artifacts_dir()))
