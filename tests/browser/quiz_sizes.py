"""The quiz widgets' sizes, measured in JupyterLab by headless Chromium (issue 22.4).

:func:`measure_quiz_sizes` serves a notebook that shows the Part 1 and Part 2 quizzes from
``quiz_dir`` (released student copies), answers Part 1's application task wrongly, fills
every justification box with 40 words and measures, at each window width: each dropdown
against its longest option's text, each justification box and whether 40 words fit in it
without scrolling, anything that reaches past the quiz's right edge (the reflection box
once did, by 4 px), and the wrong answer's feedback (a list, one line per item).
:func:`assert_quiz_sizes` states what must hold.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from browser.chromium import launch, require_chromium
from browser.jupyter_lab import start_jupyter_lab
from browser.lab_page import open_notebook, run_all_cells
from browser.processes import ChildReaper

WIDTHS = (1000, 1200, 1400)
NOTEBOOK = "quiz_sizes.ipynb"
FORTY_WORDS = " ".join(["DistilBERT reads short reviews fast and keeps most of what BERT knows about language,"
                        " so fine-tuning it on labelled reviews teaches the tone of customers"] * 2).split()[:40]

MEASURE = """(quiz) => {
    const q = quiz.getBoundingClientRect();
    const canvas = document.createElement('canvas').getContext('2d');
    const selects = [...quiz.querySelectorAll('.coursekit-item-row select')].map(s => {
        canvas.font = getComputedStyle(s).font;
        const widest = Math.max(...[...s.options].map(o => canvas.measureText(o.text).width));
        return {width: s.clientWidth, widest};
    });
    const boxes = [...quiz.querySelectorAll('.coursekit-justification textarea')].map(t => ({
        width: t.clientWidth, height: t.clientHeight, scrollHeight: t.scrollHeight,
        line: parseFloat(getComputedStyle(t).lineHeight) || 1.2 * parseFloat(getComputedStyle(t).fontSize)}));
    const over = [...quiz.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > q.right + 0.5;
    }).map(e => `${e.tagName}.${e.className}`.slice(0, 80));
    const feedback = quiz.querySelector('.coursekit-question-application .coursekit-feedback');
    return {quizWidth: q.width, selects, boxes, over: over.slice(0, 5), scrolls: quiz.scrollWidth > quiz.clientWidth,
            items: feedback ? feedback.querySelectorAll('.coursekit-details li').length : 0};
}"""


def _notebook(target: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (coursekit)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('from coursekit.quiz import build_quiz\n\nbuild_quiz("part1")'),
                nbformat.v4.new_code_cell('build_quiz("part2")')]
    nbformat.write(nb, target)


def _answer_application_wrongly(page) -> None:
    quiz = page.locator(".coursekit-quiz-part1")
    box = quiz.locator(".coursekit-question-application")
    box.locator("select").first.select_option(label="ResNet-50 (image classifier)")
    for area in box.locator(".coursekit-justification textarea").all():
        area.fill(" ".join(FORTY_WORDS))
    quiz.locator(".coursekit-check").click()
    box.locator(".coursekit-feedback.coursekit-incorrect").wait_for(timeout=30_000)


def measure_quiz_sizes(tmp_path: Path, quiz_dir: Path, shots: Path | None = None) -> dict[int, dict]:
    """``{window width: {quiz id: measurements}}`` for the Part 1 and Part 2 quizzes of ``quiz_dir``."""
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    root = tmp_path / "lab-root"
    root.mkdir()
    _notebook(root / NOTEBOOK)
    sizes: dict[int, dict] = {}
    with ChildReaper():
        lab = start_jupyter_lab(root, tmp_path / "lab", extra_env={
            "COURSEKIT_SUBMISSIONS_DIR": str(tmp_path / "submissions"), "COURSEKIT_QUIZ_DIR": str(quiz_dir),
            "COURSEKIT_STUDENT_ID": "size-student"})
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright, chromium)
                page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
                try:
                    open_notebook(page, lab, NOTEBOOK)
                    run_all_cells(page)
                    page.locator(".coursekit-quiz-part2").wait_for(state="visible", timeout=30_000)
                    _answer_application_wrongly(page)
                    for width in WIDTHS:
                        page.set_viewport_size({"width": width, "height": 900})
                        page.wait_for_timeout(300)  # let the layout settle
                        sizes[width] = {quiz_id: page.locator(f".coursekit-quiz-{quiz_id}").evaluate(MEASURE)
                                        for quiz_id in ("part1", "part2")}
                    if shots:
                        page.locator(".coursekit-question-application").screenshot(path=shots / "quiz-sizes.png")
                finally:
                    browser.close()
        finally:
            lab.stop()
    return sizes


def assert_quiz_sizes(sizes: dict[int, dict]) -> None:
    """Full option texts, justification boxes for 40 words, no overflow, the feedback as a list."""
    assert set(sizes) == set(WIDTHS)
    for width, quizzes in sizes.items():
        for quiz_id, m in quizzes.items():
            assert not m["over"] and not m["scrolls"], (width, quiz_id, m["over"])
        part1 = quizzes["part1"]
        assert len(part1["selects"]) == 3 and len(part1["boxes"]) == 3, (width, part1)
        for select in part1["selects"]:  # the longest option's text fits, with room for the arrow
            assert select["width"] >= select["widest"] + 16, (width, select)
        for box in part1["boxes"]:  # three lines, wide enough, 40 words without a scrollbar
            assert box["height"] >= 3.9 * box["line"] and box["width"] >= 360, (width, box)
            assert box["scrollHeight"] <= box["height"] + 1, (width, box)
        assert part1["items"] >= 3, (width, part1)
