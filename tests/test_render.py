"""``coursekit render``: executed lessons as static HTML with plots and widget state
embedded, scripts served from the output folder (no CDN), checked in headless Chromium."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from browser.artifacts import artifacts_dir
from browser.web_assets import require_web_assets
from coursekit.cli import main
from coursekit.render import (
    STATIC_DIR, WIDGET_STATE_MIME, RenderError, figures_shown_as_text, render_lessons,
)

pytestmark = pytest.mark.slow


def lesson_notebook(path: Path) -> Path:
    """A small lesson: a heading with a formula, a widget, a plot, the tier it ran on, a quiz."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny lesson\n\nPrecision is $\\frac{TP}{TP + FP}$."),
        nbformat.v4.new_code_cell(
            "import os\nimport ipywidgets as w\n"
            "print('tier:', os.environ['COURSEKIT_PROFILE'])\n"
            "w.VBox([w.Label(value='rendered widget'), w.IntSlider(value=7, description='epochs')])"
        ),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [1, 0.5])\nax.set_title('PR')\nplt.show()"
        ),
        nbformat.v4.new_code_cell('from coursekit.quiz import show_quiz\n\nshow_quiz("part1")'),
    ]
    nbformat.write(nb, path)
    return path


def local_references(page: str) -> list[str]:
    """Every ``src``/``href`` the page loads (anchors within the page excluded)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    refs = [tag["src"] for tag in soup.find_all(src=True)]
    refs += [tag["href"] for tag in soup.find_all("link", href=True)]
    for script in soup.find_all("script"):  # URLs assigned or imported in inline scripts
        refs += re.findall(r"""(?:Src\s*=|import\()\s*['"]([^'"]+)['"]""", script.string or "")
    return refs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render the small lesson once for the module (with its own temporary HOME)."""
    require_web_assets()
    base = tmp_path_factory.mktemp("render")
    home = base / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"HOME": home, "IPYTHONDIR": home / "ipython", "MPLCONFIGDIR": home / "mpl",
                            "JUPYTER_RUNTIME_DIR": home / "runtime", "MPLBACKEND": "Agg",
                            "COURSEKIT_PROFILE": "full", "HF_HUB_OFFLINE": "1"}.items():
            mp.setenv(name, str(value))
        mp.delenv("COURSEKIT_QUIZ_DIR", raising=False)  # render releases the student copies itself
        notebook = lesson_notebook(base / "tiny_lesson.ipynb")
        out = base / "site"
        lessons = render_lessons([notebook], out, profile="offline", log=None)
    return out, lessons


def test_render_embeds_widget_state_plot_and_local_scripts(rendered):
    out, lessons = rendered
    (lesson,) = lessons
    page = lesson.html_path.read_text()
    assert lesson.html_path == out / "tiny_lesson.html" and lesson.title == "Tiny lesson"

    # Widget state: the models of the VBox, Label and IntSlider, with their values.
    state_tag = re.search(rf'<script type="{re.escape(WIDGET_STATE_MIME)}">(.*?)</script>', page, re.S)
    assert state_tag, "no widget state embedded"
    models = json.loads(state_tag.group(1))["state"]
    values = [(m["model_name"], m["state"].get("value")) for m in models.values()]
    assert ("IntSliderModel", 7) in values and ("LabelModel", "rendered widget") in values
    assert lesson.widget_models == len(models) > 3
    assert "application/vnd.jupyter.widget-view+json" in page

    # The quiz is the students' practice copy, not the instructor key the repo holds.
    assert "Practice: instant feedback" in page and "Instructor copy" not in page

    # The plot is inline, and the kernel ran on the tier asked for (not $COURSEKIT_PROFILE).
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)
    assert "tier: offline" in page

    # Every script and stylesheet is a relative path to a file in the output folder.
    refs = local_references(page)
    assert any(r.endswith("embed-amd.js") for r in refs) and any(r.endswith("require.js") for r in refs)
    for ref in refs:
        if ref.startswith("data:"):
            continue
        assert not re.match(r"^[a-z]+:|^//", ref), f"page loads {ref} from outside the folder"
        assert (out / ref).is_file(), f"{ref} is referenced but not in {out}"
    assert not re.search(r"(unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com)", page)

    umask = os.umask(0)
    os.umask(umask)
    assert lesson.html_path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600

    index = (out / "index.html").read_text()
    assert 'href="tiny_lesson.html"' in index and "Tiny lesson" in index


@pytest.mark.browser
def test_rendered_widget_and_formula_show_in_chromium_offline(rendered):
    from playwright.sync_api import sync_playwright

    from browser.chromium import launch, require_chromium
    from browser.processes import ChildReaper

    chromium = require_chromium()
    out, (lesson,) = rendered
    outside = []
    with ChildReaper(), sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        page = browser.new_page(viewport={"width": 1000, "height": 800})

        def only_local(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        page.goto(lesson.html_path.as_uri())
        slider = page.locator(".widget-slider")
        slider.wait_for(timeout=30_000)  # drawn by the local html-manager from the saved state
        page.locator(".coursekit-quiz-part1 .coursekit-check").wait_for(timeout=30_000)
        label_text = page.locator(".widget-label", has_text="rendered widget").inner_text()
        readout = page.locator(".widget-hslider .widget-readout").inner_text()
        page.locator("mjx-container").first.wait_for(timeout=30_000)  # local MathJax typeset
        page.screenshot(path=artifacts_dir() / "rendered-lesson.png", full_page=True)
        browser.close()
    assert label_text == "rendered widget" and readout == "7"
    assert outside == [], f"the page tried to load {outside}"


def test_failed_cell_is_a_one_line_error_and_keeps_the_old_page(tmp_path, capsys):
    require_web_assets()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("x / 0")]
    notebook = tmp_path / "broken.ipynb"
    nbformat.write(nb, notebook)
    out = tmp_path / "site"
    out.mkdir()
    (out / "broken.html").write_text("previous page")

    code = main(["render", "--output", str(out), "--notebooks", str(notebook)])

    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "broken.ipynb" in err and "cell 1" in err and "ZeroDivisionError" in err
    assert (out / "broken.html").read_text() == "previous page"
    assert not (out / "index.html").exists()


def test_missing_web_assets_name_the_install_script(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_WEB_ASSETS", str(tmp_path / "nothing-here"))
    notebook = lesson_notebook(tmp_path / "lesson.ipynb")
    with pytest.raises(RenderError, match="install_widget_assets.sh"):
        render_lessons([notebook], tmp_path / "site")
    assert not (tmp_path / "site" / STATIC_DIR / "require.js").exists()


def test_missing_notebook_is_reported_before_anything_runs(tmp_path):
    with pytest.raises(RenderError, match="no such notebook"):
        render_lessons([tmp_path / "absent.ipynb"], tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_figures_shown_as_text_are_found():
    nb = nbformat.v4.new_notebook()
    text_only = nbformat.v4.new_code_cell("fig")
    text_only.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "<Figure size 600x500 with 1 Axes>"})]
    as_image = nbformat.v4.new_code_cell("fig")
    as_image.outputs = [nbformat.v4.new_output(
        "execute_result", {"text/plain": "<Figure size 600x500 with 1 Axes>", "image/png": "iVBORw0KGgo="})]
    printed = nbformat.v4.new_code_cell("print(fig)")
    printed.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Figure(600x500)\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), text_only, as_image, printed]
    assert figures_shown_as_text(nb) == [1]
