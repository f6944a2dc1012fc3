"""Render the lessons as a static web folder a student can open offline.

Each notebook is executed on a tier (``offline`` by default) with nbconvert's
``ExecutePreprocessor``, which stores the live widget state in the notebook, then
exported with ``HTMLExporter`` (template ``coursekit_lesson``: JupyterLab's, minus every
CDN). The browser scripts (Jupyter widgets' HTML manager, require.js, MathJax 3) come
from local copies installed from npm by ``scripts/install_widget_assets.sh`` and are
copied into ``<output>/_static/``, referenced by relative URLs; plots are embedded as
data URIs. The folder works from ``file://`` with no network.
"""
from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from coursekit.errors import CoursekitError
from coursekit.fileio import write_text_atomic

ASSETS_ENV = "COURSEKIT_WEB_ASSETS"
STATIC_DIR = "_static"
TEMPLATE_NAME = "coursekit_lesson"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
INSTALL_HINT = "run 'bash scripts/install_widget_assets.sh' (needs npm) or set COURSEKIT_WEB_ASSETS"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"

# (source inside node_modules, destination inside _static): files the pages load.
_ASSET_FILES = [
    ("requirejs/require.js", "require.js"),
    ("requirejs/README.md", "require.README.md"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "html-manager/embed-amd.js"),
    ("@jupyter-widgets/html-manager/dist/embed.js.LICENSE.txt", "html-manager/LICENSE.txt"),
    ("mathjax/es5/tex-chtml-full.js", "mathjax/tex-chtml-full.js"),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
]
# (folder inside node_modules, destination folder, file suffixes): fonts the scripts fetch
# relative to their own URL.
_ASSET_FOLDERS = [
    ("@jupyter-widgets/html-manager/dist", "html-manager", (".woff2", ".woff", ".ttf", ".eot", ".svg")),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2", (".woff",)),
]
ASSET_URLS = {
    "require_js_url": f"{STATIC_DIR}/require.js",
    "widget_renderer_url": f"{STATIC_DIR}/html-manager/embed-amd.js",
    "mathjax_url": f"{STATIC_DIR}/mathjax/tex-chtml-full.js",
}


class RenderError(CoursekitError, RuntimeError):
    """A lesson could not be executed or rendered (names the notebook and cell)."""


@dataclass(frozen=True)
class RenderedLesson:
    """One notebook turned into a page."""

    source: Path
    html_path: Path
    title: str
    seconds: float
    widget_models: int


def web_assets_dir() -> Path:
    """Where ``scripts/install_widget_assets.sh`` put the npm packages."""
    configured = os.environ.get(ASSETS_ENV)
    return Path(configured) if configured else PROJECT_ROOT / "build" / "web-assets"


def _node_modules(assets_dir: Path) -> Path:
    return assets_dir / "node_modules" if (assets_dir / "node_modules").is_dir() else assets_dir


def copy_web_assets(output_dir: Path, assets_dir: Path | None = None) -> Path:
    """Copy the browser scripts (and their fonts and licences) into ``output_dir/_static``."""
    modules = _node_modules(Path(assets_dir) if assets_dir else web_assets_dir())
    missing = [src for src, _ in _ASSET_FILES if not (modules / src).is_file()]
    if missing:
        raise RenderError(
            f"offline browser scripts missing under {modules}: {', '.join(missing)}; {INSTALL_HINT}"
        )
    static = Path(output_dir) / STATIC_DIR
    for src, dest in _ASSET_FILES:
        target = static / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / src, target)
    for src, dest, suffixes in _ASSET_FOLDERS:
        folder = modules / src
        if not folder.is_dir():
            continue
        (static / dest).mkdir(parents=True, exist_ok=True)
        for item in folder.iterdir():
            if item.is_file() and item.suffix in suffixes:
                shutil.copyfile(item, static / dest / item.name)
    return static


def default_notebooks() -> list[Path]:
    """The course notebooks: ``notebooks/*.ipynb`` of the project (or of the current folder)."""
    for folder in (PROJECT_ROOT / "notebooks", Path.cwd() / "notebooks"):
        found = sorted(folder.glob("*.ipynb"))
        if found:
            return found
    return []


@contextlib.contextmanager
def _kernel_environment(profile: str, scratch: Path):
    """Environment the kernels inherit: the tier, inline plots, throw-away quiz
    submissions, and the students' copies of the quizzes (what a student would see)."""
    saved = dict(os.environ)
    os.environ["COURSEKIT_PROFILE"] = profile
    os.environ["COURSEKIT_SUBMISSIONS_DIR"] = str(scratch / "submissions")
    os.environ.pop("MPLBACKEND", None)  # a forced Agg backend would drop every plot
    student_quizzes = _release_student_quizzes(scratch / "quizzes")
    if student_quizzes is not None:
        os.environ["COURSEKIT_QUIZ_DIR"] = str(student_quizzes)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _release_student_quizzes(target: Path) -> Path | None:
    """Student copies of the course's quiz keys in ``target``; ``None`` (the notebooks
    then find their quizzes as usual) when ``$COURSEKIT_QUIZ_DIR`` already says where
    they are or there are no instructor keys to release."""
    if os.environ.get("COURSEKIT_QUIZ_DIR"):
        return None
    try:
        from coursekit.quiz import find_quiz_dir, release_quizzes

        release_quizzes(find_quiz_dir(), target)
    except CoursekitError:
        return None
    return target


def _failed_cell(nb) -> tuple[int, str]:
    """Index (from 0, Markdown cells included), first code line and error of the failed cell."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
                return index, f"{first_line[:60]!r}: {output.get('ename')}: {output.get('evalue')}"
    return -1, ""


def execute_notebook(path: Path, *, profile: str = "offline", timeout: int = 1800,
                     kernel_name: str = "python3"):
    """Run every cell of ``path`` (in its own folder) and return the executed notebook,
    with the widget state stored in its metadata. Quizzes show the students' copies and
    any answers saved while running go to a temporary folder."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert.preprocessors import ExecutePreprocessor

    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise RenderError(f"{path}: cannot read the notebook: {exc}") from exc
    executor = ExecutePreprocessor(timeout=timeout, kernel_name=kernel_name, store_widget_state=True)
    with tempfile.TemporaryDirectory(prefix="coursekit-render-") as scratch, \
            _kernel_environment(profile, Path(scratch)):
        try:
            executor.preprocess(nb, {"metadata": {"path": str(path.parent.resolve())}})
        except CellExecutionError as exc:
            index, error = _failed_cell(nb)
            where = f"cell {index}" if index >= 0 else "a cell"
            raise RenderError(f"{path}: {where} failed: {error or str(exc).splitlines()[-1]}") from exc
        except CellTimeoutError as exc:
            raise RenderError(f"{path}: a cell ran longer than {timeout} s") from exc
        except DeadKernelError as exc:
            raise RenderError(f"{path}: the kernel died: {exc}") from exc
    return nb


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


def render_lessons(notebooks: list[Path] | None, output_dir: Path, *, profile: str = "offline",
                   timeout: int = 1800, assets_dir: Path | None = None,
                   log=print) -> list[RenderedLesson]:
    """Execute ``notebooks`` (default: the course's) and write ``output_dir/<name>.html``,
    ``output_dir/index.html`` and ``output_dir/_static/``. Pages already in the folder are
    replaced only once their new version is complete."""
    notebooks = [Path(p) for p in (notebooks or default_notebooks())]
    if not notebooks:
        raise RenderError(f"no notebooks to render (looked in {PROJECT_ROOT / 'notebooks'})")
    for path in notebooks:
        if not path.is_file():
            raise RenderError(f"{path}: no such notebook")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    copy_web_assets(output_dir, assets_dir)

    lessons = []
    for path in notebooks:
        started = time.perf_counter()
        nb = execute_notebook(path, profile=profile, timeout=timeout)
        title = notebook_title(nb, path.stem)
        target = output_dir / f"{path.stem}.html"
        write_text_atomic(target, export_html(nb, title=title))
        lesson = RenderedLesson(path, target, title, time.perf_counter() - started, widget_model_count(nb))
        lessons.append(lesson)
        if log:
            log(f"rendered {path.name} -> {target} ({lesson.seconds:.1f} s, "
                f"{lesson.widget_models} widget models)")
            blank = figures_shown_as_text(nb)
            if blank:
                log(f"warning: {path.name}: cell(s) {', '.join(map(str, blank))} show a figure as "
                    "'<Figure size ...>' text, not an image (enable the inline backend: "
                    "'%matplotlib inline' or coursekit.lesson.start_lesson())")
    write_text_atomic(output_dir / "index.html", index_html(lessons, profile))
    return lessons
