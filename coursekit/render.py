"""Render the lessons as a static web folder a student can open offline.

Each notebook is executed on a tier (``offline`` by default) with nbconvert's
``ExecutePreprocessor``, which stores the live widget state in the notebook, then
exported with ``HTMLExporter`` (template ``coursekit_lesson``: JupyterLab's, minus every
CDN). The browser scripts (widgets' HTML manager, require.js, MathJax 3) are local npm
copies (``coursekit.render_assets``), copied into ``<output>/_static/`` and referenced by
relative URLs; plots are embedded as data URIs; local paths in outputs are made
relative (no ``/home/...`` in a page). The folder works from ``file://`` with no network.

A render reuses a trained lesson model (``coursekit.render_model``) and runs in a
temporary workspace that is removed when it ends (``coursekit.render_kernel``).
"""
from __future__ import annotations

from coursekit.paths import PACKAGE_DIR, project_root

import html
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coursekit.fileio import write_text_atomic
from coursekit.render_assets import (  # noqa: F401 - the public names of `coursekit.render`
    ASSET_URLS, ASSETS_ENV, INSTALL_HINT, STATIC_DIR, RenderError, copy_web_assets, fetch_web_assets,
    missing_web_assets, web_assets_dir,
)
from coursekit.render_kernel import CellProgress, code_cell_count, execute_notebook, kernel_environment, render_workspace
from coursekit.render_model import (
    REUSE_ENV, choose_lesson_model, keep_trained_model, lesson_results_dir, stage_lesson_model,
)

TEMPLATE_NAME = "coursekit_lesson"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PROJECT_ROOT = project_root() or PACKAGE_DIR.parent  # the checkout (coursekit.paths)
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"


@dataclass(frozen=True)
class RenderedLesson:
    """One notebook turned into a page."""

    source: Path
    html_path: Path
    title: str
    seconds: float
    widget_models: int


def default_notebooks() -> list[Path]:
    """The course notebooks: ``notebooks/*.ipynb`` of the project (or of the current folder)."""
    for folder in (PROJECT_ROOT / "notebooks", Path.cwd() / "notebooks"):
        found = sorted(folder.glob("*.ipynb"))
        if found:
            return found
    return []


def notebook_title(nb, fallback: str) -> str:
    """``metadata.title``, else the first Markdown heading, else ``fallback``."""
    if nb.metadata.get("title"):
        return str(nb.metadata["title"])
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def export_html(nb, *, title: str | None = None) -> str:
    """Static HTML for an executed notebook, loading scripts from ``./_static``."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        embed_images=True,
        **ASSET_URLS,
    )
    if title:
        nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return body


_FIGURE_REPR = re.compile(r"^<(?:matplotlib\.figure\.)?Figure size [\d.]+x[\d.]+ with \d+ Axes>$")


def figures_shown_as_text(nb) -> list[int]:
    """Cells whose matplotlib figure came out as ``<Figure size ...>`` text instead of an
    image (the inline backend was never enabled in the kernel)."""
    cells = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = data.get("text/plain", output.get("text", ""))
            if isinstance(text, list):
                text = "".join(text)
            if "image/png" not in data and _FIGURE_REPR.match(str(text).strip()):
                cells.append(index)
                break
    return cells


def widget_model_count(nb) -> int:
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {})
    return len(state.get("state", {}))


def index_html(lessons: list[RenderedLesson], profile: str) -> str:
    """A plain table of contents linking every lesson page."""
    items = "\n".join(
        f'    <li><a href="{html.escape(lesson.html_path.name)}">{html.escape(lesson.title)}</a></li>'
        for lesson in lessons
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>coursekit lessons</title>\n"
        "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}</style>\n"
        "</head>\n<body>\n<h1>Cloud-based fine-tuning: the lessons</h1>\n"
        f"<p>Executed on the <code>{html.escape(profile)}</code> tier. Plots and widgets are "
        "embedded; the widgets show their state but need a running kernel (JupyterLab) to react.</p>\n"
        f"<ol>\n{items}\n</ol>\n</body>\n</html>\n"
    )


def path_replacements(workspace: Path, project_root: Path) -> list[tuple[str, str]]:
    """(absolute prefix, what a page shows instead), longest first: the lessons' results
    become ``results``, project files relative paths, the rest ``<workspace>``, ``<venv>``,
    ``<python>``, ``<tmp>`` or ``~``."""
    pairs = [
        (str(workspace / "results"), "results"),
        (str(workspace / "home"), "~"),  # the kernels' HOME
        (str(workspace), "<workspace>"),
    ]
    pairs += [(str(project_root), "."), (str(PROJECT_ROOT), ".")]  # the lessons' project, coursekit's own
    pairs += [(sys.prefix, "<venv>"), (sys.base_prefix, "<python>"), (tempfile.gettempdir(), "<tmp>"),
              (os.path.expanduser("~"), "~")]
    variants = {}
    for prefix, label in pairs:
        if len(prefix) > 1:
            for form in (prefix, os.path.realpath(prefix)):
                variants.setdefault(form, label)
    return sorted(variants.items(), key=lambda pair: len(pair[0]), reverse=True)


def _portable(value, pattern: re.Pattern, labels: dict[str, str]):
    if isinstance(value, str):
        # one pass: the rest of a matched path is kept as it is, never matched again
        return pattern.sub(lambda match: labels[match.group(1)] + match.group(2), value)
    if isinstance(value, list):
        return [_portable(item, pattern, labels) for item in value]
    if isinstance(value, dict):
        return {key: item if key == "buffers" else _portable(item, pattern, labels) for key, item in value.items()}
    return value


def make_paths_portable(nb, replacements: list[tuple[str, str]]) -> None:
    """Rewrite local absolute paths in the outputs and widget state (images untouched)."""
    labels = dict(replacements)
    alternatives = "|".join(re.escape(prefix) for prefix, _ in replacements)  # longest first
    pattern = re.compile(rf"({alternatives})(?![\w.-])([^\s'\"<>]*)")  # a whole path component, then the rest
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for key in ("text", "traceback", "evalue"):
                if key in output:
                    output[key] = _portable(output[key], pattern, labels)
            for mime, data in output.get("data", {}).items():
                if not mime.startswith(("image/", "application/pdf")):
                    output["data"][mime] = _portable(data, pattern, labels)
    widgets = nb.metadata.get("widgets", {})
    if WIDGET_STATE_MIME in widgets:
        widgets[WIDGET_STATE_MIME] = _portable(widgets[WIDGET_STATE_MIME], pattern, labels)


def _check_notebooks(notebooks: list[Path] | None) -> list[Path]:
    notebooks = [Path(p) for p in (notebooks or default_notebooks())]
    if not notebooks:
        raise RenderError(f"no notebooks to render (looked in {PROJECT_ROOT / 'notebooks'})")
    for path in notebooks:
        if not path.is_file():
            raise RenderError(f"{path}: no such notebook")
    return notebooks


def _render_one(path: Path, output_dir: Path, replacements, timeout: int, progress_bar, log) -> RenderedLesson:
    import nbformat

    progress = CellProgress(path.name, code_cell_count(nbformat.read(path, as_version=4)), bar=progress_bar, log=log)
    try:
        nb = execute_notebook(path, timeout=timeout, progress=progress)
    finally:
        seconds = progress.close()
    make_paths_portable(nb, replacements)
    title = notebook_title(nb, path.stem)
    target = output_dir / f"{path.stem}.html"
    write_text_atomic(target, export_html(nb, title=title))
    lesson = RenderedLesson(path, target, title, seconds, widget_model_count(nb))
    if log:
        log(f"rendered {path.name} -> {target} ({lesson.seconds:.1f} s, {lesson.widget_models} widget models)")
        blank = figures_shown_as_text(nb)
        if blank:
            log(f"warning: {path.name}: cell(s) {', '.join(map(str, blank))} show a figure as "
                "'<Figure size ...>' text, not an image (enable the inline backend: "
                "'%matplotlib inline' or coursekit.lesson.start_lesson())")
    return lesson


def render_lessons(notebooks: list[Path] | None, output_dir: Path, *, profile: str = "offline",
                   timeout: int = 1800, assets_dir: Path | None = None, model: Path | None = None,
                   retrain: bool = False, fetch_assets: bool = True, progress_bar: bool | None = None,
                   log=print) -> list[RenderedLesson]:
    """Execute ``notebooks`` (default: the course's) and write ``output_dir/<name>.html``,
    ``output_dir/index.html`` and ``output_dir/_static/``. Pages already in the folder are
    replaced only once their new version is complete.

    The lessons show ``model`` (or the trained lesson model found in ``results/``, see
    :mod:`coursekit.render_model`) unless ``retrain``; missing browser scripts are fetched
    first when ``fetch_assets``; ``progress_bar`` None means a bar only in a terminal.
    """
    notebooks = _check_notebooks(notebooks)
    if missing_web_assets(assets_dir):
        if not fetch_assets:
            copy_web_assets(output_dir, assets_dir)  # raises, naming what is missing
        fetch_web_assets(assets_dir, log=log)
    results_dir = lesson_results_dir(notebooks)
    reused = None if retrain else choose_lesson_model(results_dir, profile, model, log=log)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    copy_web_assets(output_dir, assets_dir)

    lessons = []
    with render_workspace() as workspace:
        extra = {}
        if reused is not None:
            stage_lesson_model(reused, workspace / "results")
            extra[REUSE_ENV] = "1"
            if log:
                log(f"render: the lessons show the model trained in {reused} (--retrain to train it again)")
        replacements = path_replacements(workspace, results_dir.parent)  # with the user's own HOME
        with kernel_environment(profile, workspace, extra):
            for path in notebooks:
                lessons.append(_render_one(path, output_dir, replacements, timeout, progress_bar, log))
        if reused is None:
            keep_trained_model(workspace / "results", results_dir, log=log)
    write_text_atomic(output_dir / "index.html", index_html(lessons, profile))
    return lessons
