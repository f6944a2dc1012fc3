"""Regenerate the README's screenshots from the real thing, never by hand.

* ``docs/images/quiz-jupyterlab.png``: the Part 1 quiz in JupyterLab after a wrong and a
  right answer, taken by the browser test (``tests/test_browser.py``).
* ``docs/images/precision-recall.png``: the precision-recall plot of a lesson, as
  ``coursekit render`` draws it: the lesson is rendered to HTML, opened in headless
  Chromium, and the plot in the output of the first cell whose code mentions
  ``precision_recall`` (``plot_precision_recall(...)`` or
  ``analysis.figures["precision_recall.png"]``) is captured.
* ``docs/images/cross-validation.png``: lesson 03's cross-validation table (fine-tuning against
  the TF-IDF baseline on the same folds, with the sentence that interprets it), drawn with
  matplotlib from the ``cross_validation.json`` lesson 03 writes, or computed here with the
  lesson's own settings (offline tier, a 1,000-review sample of the shop's real reviews, compared on macro-F1;
  several minutes on a CPU).

Usage (from the repository root, after ``make install browser-deps``)::

    .venv/bin/python scripts/readme_images.py [--notebook NB.ipynb] [--skip-quiz] [--skip-plot]
                                              [--skip-cv] [--cv-json results/evaluation/cross_validation.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS_IMAGES = REPO / "docs" / "images"
PLOT_CALL = "precision_recall"
CV_FOLDS = 3  # lesson 03's CV_FOLDS on the offline tier
CV_SAMPLES = 1000  # lesson 03's CV_SAMPLES on a CPU
sys.path.insert(0, str(REPO / "tests"))  # the browser helpers live with the tests


def quiz_screenshot() -> None:
    env = dict(os.environ, COURSEKIT_UPDATE_DOCS_IMAGES="1")
    subprocess.run([sys.executable, "-m", "pytest", "tests/test_browser.py", "-q", "-p", "no:cacheprovider"],
                   cwd=REPO, env=env, check=True)
    print(f"wrote {DOCS_IMAGES / 'quiz-jupyterlab.png'}")


def notebooks_with_plot() -> list[Path]:
    """The lessons with a code cell that mentions the precision-recall plot."""
    import nbformat

    def has_plot(path: Path) -> bool:
        cells = nbformat.read(path, as_version=4).cells
        return any(c.cell_type == "code" and PLOT_CALL in c.source for c in cells)

    return [nb for nb in sorted((REPO / "notebooks").glob("*.ipynb")) if has_plot(nb)]


def plot_screenshot(notebook: Path, out_dir: Path) -> Path:
    from playwright.sync_api import sync_playwright

    from browser.chromium import launch, require_chromium
    from coursekit.render import render_lessons

    (lesson,) = render_lessons([notebook], out_dir, profile="offline")
    target = DOCS_IMAGES / "precision-recall.png"
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright, require_chromium())
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(lesson.html_path.as_uri())
        cell = page.locator(".jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text=PLOT_CALL))
        image = cell.locator(".jp-OutputArea-output img").first
        image.wait_for(timeout=30_000)
        image.screenshot(path=str(target))
        browser.close()
    print(f"wrote {target} (from {notebook.name}, rendered in {out_dir})")
    return target


def cross_validation_image(cv_json: Path | None, k: int = CV_FOLDS) -> Path:
    """Draw lesson 03's cross-validation table (computed now unless ``cv_json`` is given)."""
    from coursekit.evaluation.plots import plot_cross_validation_table

    if cv_json:
        saved = json.loads(cv_json.read_text())
        model, baseline = saved["fine_tuned"], saved["baseline"]
    else:
        from coursekit.data import prepare_dataset
        from coursekit.evaluation import FAST, cross_validate_baseline, cross_validate_finetune
        from coursekit.profiles import get_profile

        profile = get_profile("offline")
        dataset, _ = prepare_dataset(profile.dataset, max_samples=CV_SAMPLES, seed=42, verbose=False)
        model = cross_validate_finetune(dataset, profile, k=k, settings=FAST, seed=42).to_dict()
        baseline = cross_validate_baseline(dataset, k=k, settings=FAST, seed=42).to_dict()
    k = len(model["folds"])
    title = f"{k}-fold cross-validation on a sample of the shop's real reviews (mean ± std over folds)"
    target = DOCS_IMAGES / "cross-validation.png"
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    plot_cross_validation_table(model, baseline, title=title).savefig(target, dpi=150)
    print(f"wrote {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, help="lesson with a precision-recall plot (default: the first such in notebooks/)")
    parser.add_argument("--output", type=Path, default=REPO / "build" / "readme-render",
                        help="where the rendered lesson goes (default: build/readme-render)")
    parser.add_argument("--skip-quiz", action="store_true")
    parser.add_argument("--skip-plot", action="store_true")
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--cv-json", type=Path, help="cross_validation.json written by lesson 03 (default: compute it)")
    args = parser.parse_args(argv)
    if not args.skip_quiz:
        quiz_screenshot()
    if not args.skip_plot:
        candidates = [args.notebook] if args.notebook else notebooks_with_plot()
        if not candidates:
            print(f"no notebook in notebooks/ mentions {PLOT_CALL}; pass --notebook", file=sys.stderr)
            return 2
        plot_screenshot(candidates[0], args.output)
    if not args.skip_cv:
        cross_validation_image(args.cv_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
