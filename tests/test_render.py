"""``coursekit render``: executed lessons as static HTML with plots and widget state
embedded, scripts served from the output folder (no CDN), checked in headless Chromium."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from browser.artifacts import artifacts_dir
from browser.web_assets import require_web_assets
from coursekit.cli import main
from coursekit.render import (
    STATIC_DIR, WIDGET_STATE_MIME, RenderError, figures_shown_as_text, render_lessons,
)
from coursekit.render_kernel import WORKSPACE_PREFIX, CellProgress
from coursekit.render_model import choose_lesson_model, keep_trained_model

ROOT = Path(__file__).resolve().parents[1]

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
        # local paths a lesson prints: none may reach the page as an absolute path
        nbformat.v4.new_code_cell(
            "import sys, tempfile, warnings, coursekit\n"
            "results = os.environ['COURSEKIT_RESULTS']\n"
            "print('cwd', os.getcwd()); print('package', coursekit.__file__); print('python', sys.executable)\n"
            "print('home', os.path.expanduser('~/notes.txt')); print('tmp', tempfile.mkdtemp())\n"
            "warnings.warn('a warning names its file')\n"
            "open(os.path.expanduser('~/.written-by-a-library'), 'w').write('x')  # e.g. the Azure SDK, gunicorn\n"
            "print('azure cells:', os.environ.get('COURSEKIT_USE_AZURE'))\n"
            "w.Label(value=os.path.join(results, 'notebook-model'))"
        ),
        # the trained model the render was given, as lesson 02 would find it
        nbformat.v4.new_code_cell(
            "model_dir = os.path.join(results, 'notebook-model')\n"
            "print('reuse:', os.environ.get('COURSEKIT_REUSE_MODEL'), sorted(os.listdir(model_dir)))\n"
            "open(os.path.join(model_dir, 'written-by-the-lesson.txt'), 'w').write('x')"
        ),
    ]
    nbformat.write(nb, path)
    return path


def trained_model_folder(folder: Path, tier="offline", data=None) -> Path:
    """What `coursekit train` leaves (render reads config.json, metrics.json and the run card)."""
    from coursekit.profiles import get_profile

    profile = get_profile(tier)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "metrics.json").write_text(json.dumps({"test": {"accuracy": 0.9}}))
    (folder / "coursekit.json").write_text(json.dumps({
        "format": 1, "tier": tier, "base_model": profile.model, "max_length": 128, "labels": ["NEGATIVE", "POSITIVE"],
        "cleaning": {}, "data": {"source": str(data or profile.dataset)}, "split": {"seed": 42}}))
    (folder / "checkpoints").mkdir()
    return folder


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
    """Render the small lesson once for the module, with its own empty HOME and temporary
    folder (to see what the render leaves behind), a trained model to show, a progress bar."""
    require_web_assets()
    base = tmp_path_factory.mktemp("render")
    home, tmp = base / "home", base / "tmp"
    home.mkdir()
    tmp.mkdir()
    model = trained_model_folder(base / "results" / "my-model")
    model_files = sorted(p.name for p in model.iterdir())
    notebooks = base / "notebooks"
    notebooks.mkdir()
    logged, bar = [], io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for name in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "COURSEKIT_QUIZ_DIR", "COURSEKIT_RESULTS"):
            mp.delenv(name, raising=False)  # render puts these in its workspace (and releases the quizzes)
        for name, value in {"HOME": home, "HF_HOME": home / "hf", "TMPDIR": tmp, "MPLBACKEND": "Agg",
                            "COURSEKIT_PROFILE": "full", "HF_HUB_OFFLINE": "1"}.items():
            mp.setenv(name, str(value))
        mp.setattr(tempfile, "tempdir", str(tmp))
        mp.setattr(sys, "stderr", bar)
        notebook = lesson_notebook(notebooks / "tiny_lesson.ipynb")
        out = base / "site"
        lessons = render_lessons([notebook], out, profile="offline", model=model, progress_bar=True,
                                 log=logged.append)
    return {"out": out, "lessons": lessons, "home": home, "tmp": tmp, "base": base, "model": model,
            "model_files": model_files, "log": logged, "bar": bar.getvalue()}


def test_render_embeds_widget_state_plot_and_local_scripts(rendered):
    out, lessons = rendered["out"], rendered["lessons"]
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


def test_pages_hold_no_absolute_local_paths(rendered):
    (lesson,) = rendered["lessons"]
    page = lesson.html_path.read_text().replace("\\/", "/")  # JSON in <script> escapes slashes
    absolute = {str(rendered["base"]), str(rendered["home"]), str(rendered["tmp"]), sys.prefix, sys.base_prefix,
                str(ROOT), WORKSPACE_PREFIX, "file://"}
    for prefix in absolute:
        assert prefix not in page, f"the page shows the local path {prefix}"
    assert not re.search(r"(?<![\w;.~>])/(?:tmp|home|root|work|usr|opt|var)/", page)
    # ... and what stood there reads as a relative path or a named place
    for shown in ("cwd .", "package ./coursekit/__init__.py", "python &lt;venv&gt;/bin/", "home ~/notes.txt",
                  "tmp &lt;workspace&gt;/tmp/", '"value": "results/notebook-model"', "azure cells: 0"):
        assert shown in page, shown
    assert re.search(r"&lt;workspace&gt;/tmp/ipykernel_\d+/\d+\.py:\d+: UserWarning: a warning names its file", page)


def test_render_leaves_nothing_behind(rendered):
    """Kernel connection files, IPython history, matplotlib's cache, the lessons' results:
    all in the render's temporary workspace, which is gone; HOME holds at most HF_HOME."""
    assert list(rendered["tmp"].iterdir()) == []
    outside_hf = [p for p in rendered["home"].rglob("*") if not p.is_relative_to(rendered["home"] / "hf")]
    assert outside_hf == []


def test_lessons_show_the_given_model_without_changing_it(rendered):
    (lesson,) = rendered["lessons"]
    page = lesson.html_path.read_text()
    listed = "['config.json', 'coursekit.json', 'metrics.json', 'model.safetensors']"  # no checkpoints copied
    assert f"reuse: 1 {listed}" in page or f"reuse: 1 {listed}".replace("'", "&#x27;") in page
    assert sorted(p.name for p in rendered["model"].iterdir()) == rendered["model_files"]
    assert any("the lessons show the model trained in" in line for line in rendered["log"])


def test_progress_bar_counts_the_cells_of_each_notebook(rendered):
    assert "tiny_lesson.ipynb" in rendered["bar"] and "5/5" in rendered["bar"]
    assert any(line.startswith("rendered tiny_lesson.ipynb") for line in rendered["log"])


def test_without_a_terminal_progress_is_a_line_per_notebook():
    lines = []
    progress = CellProgress("02_x.ipynb", 30, bar=False, log=lines.append)
    progress.cell_started(cell=nbformat.v4.new_code_cell("x = 1"), cell_index=3)
    progress.cell_done()
    progress.close()
    assert lines == ["render: 02_x.ipynb: running 30 code cells"]


@pytest.mark.browser
def test_rendered_widget_and_formula_show_in_chromium_offline(rendered):
    from playwright.sync_api import sync_playwright

    from browser.chromium import launch, require_chromium
    from browser.processes import ChildReaper

    chromium = require_chromium()
    (lesson,) = rendered["lessons"]
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
        render_lessons([notebook], tmp_path / "site", fetch_assets=False)
    assert not (tmp_path / "site" / STATIC_DIR / "require.js").exists()


def test_missing_web_assets_are_fetched_on_first_use_with_one_line(tmp_path, monkeypatch):
    """The wiring: render runs the install script (here a stand-in that writes the files
    the real one unpacks from npm; `make test` runs the real one) and says so."""
    import coursekit.render_assets as assets

    target = tmp_path / "assets"
    monkeypatch.setenv("COURSEKIT_WEB_ASSETS", str(target))
    stand_in = tmp_path / "install.sh"
    stand_in.write_text("set -e\n" + "".join(
        f'mkdir -p "$(dirname "$COURSEKIT_WEB_ASSETS/node_modules/{src}")"; echo x > "$COURSEKIT_WEB_ASSETS/node_modules/{src}"\n'
        for src, _ in assets._ASSET_FILES))
    monkeypatch.setattr(assets, "INSTALL_SCRIPT", stand_in)
    lines = []
    notebook = lesson_notebook(tmp_path / "lesson.ipynb")
    with pytest.raises(RenderError, match="not a trained model folder"):  # checked once the scripts are there
        render_lessons([notebook], tmp_path / "site", model=tmp_path / "no-model", log=lines.append)
    assert assets.missing_web_assets() == []
    assert lines == [f"render: first use: fetching the offline browser scripts (widgets, require.js, MathJax; "
                     f"an 11 MB npm download) into {target}"]


def test_a_failing_fetch_is_one_line_naming_the_script(tmp_path, monkeypatch):
    import coursekit.render_assets as assets

    monkeypatch.setenv("COURSEKIT_WEB_ASSETS", str(tmp_path / "assets"))
    failing = tmp_path / "install.sh"
    failing.write_text("echo 'install_widget_assets: ERROR: npm not found' >&2; exit 1\n")
    monkeypatch.setattr(assets, "INSTALL_SCRIPT", failing)
    with pytest.raises(RenderError, match=r"could not fetch .*npm not found.*install_widget_assets.sh"):
        assets.fetch_web_assets(log=None)


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


# --- which model the lessons show ------------------------------------------------------------
def test_a_trained_lesson_model_is_chosen_before_the_demo_model(tmp_path):
    results = tmp_path / "results"
    assert choose_lesson_model(results, "offline", log=None) is None  # nothing trained: lesson 02 trains
    demo = trained_model_folder(results / "demo")
    assert choose_lesson_model(results, "offline", log=None) == demo
    lesson = trained_model_folder(results / "notebook-model")
    assert choose_lesson_model(results, "offline", log=None) == lesson


def test_models_of_another_tier_or_data_are_not_reused(tmp_path):
    results = tmp_path / "results"
    trained_model_folder(results / "demo", data="/somewhere/reviews.csv")
    trained_model_folder(results / "notebook-model", tier="full")
    lines = []
    assert choose_lesson_model(results, "offline", log=lines.append) is None
    from coursekit.profiles import get_profile

    assert lines == [f"render: not reusing {results / 'notebook-model'}: it was trained on the full tier",
                     f"render: not reusing {results / 'demo'}: it was trained on /somewhere/reviews.csv, the "
                     f"lessons use {get_profile('offline').dataset}"]
    with pytest.raises(RenderError, match=r"--model .*demo does not fit the offline lessons.*--retrain"):
        choose_lesson_model(results, "offline", results / "demo")
    with pytest.raises(RenderError, match=r"--model .*: not a trained model folder"):
        choose_lesson_model(results, "offline", tmp_path)


def test_a_model_the_lessons_trained_is_kept_for_the_next_render_without_replacing_one(tmp_path):
    workspace_results, results = tmp_path / "workspace" / "results", tmp_path / "results"
    trained = trained_model_folder(workspace_results / "notebook-model")
    results.mkdir()
    kept = keep_trained_model(workspace_results, results, log=None)
    assert kept == results / "notebook-model"
    assert sorted(p.name for p in kept.iterdir()) == ["config.json", "coursekit.json", "metrics.json",
                                                      "model.safetensors"]
    (trained / "config.json").write_text('{"newer": true}')
    assert keep_trained_model(workspace_results, results, log=None) is None  # never replaced
    assert (kept / "config.json").read_text() == "{}"
    assert [p.name for p in results.iterdir()] == ["notebook-model"]  # no partial copy left


def test_lesson_02_loads_a_reused_model_with_its_history_instead_of_training(offline_classifier, tmp_path):
    import shutil

    from coursekit.profiles import get_profile
    from coursekit.train import TrainConfig
    from coursekit.train.reuse import train_or_reuse

    folder = tmp_path / "model"
    shutil.copytree(offline_classifier, folder)  # a copy: metrics.json is written below
    history = [{"epoch": 1.0, "train_loss": 0.6, "eval_loss": 0.4}, {"epoch": 2.0, "train_loss": 0.3, "eval_loss": 0.2}]
    (folder / "metrics.json").write_text(json.dumps({
        "test": {"accuracy": 0.93}, "validation": {"accuracy": 0.95}, "history": history,
        "train_runtime_s": 41.5, "train_samples": 800}))
    config = TrainConfig.from_profile(get_profile("offline"), folder)
    result = train_or_reuse(None, config, reuse=True)  # no data: training would fail
    assert result.test_metrics == {"accuracy": 0.93} and result.history == history
    assert result.model.config.id2label == {0: "NEGATIVE", 1: "POSITIVE"} and result.output_dir == folder
    with pytest.raises(Exception):
        train_or_reuse(None, config, reuse=False)  # without reuse it trains (and needs data)


# --- stopping ---------------------------------------------------------------------------------
def test_sigterm_stops_the_render_and_removes_its_workspace_and_kernel(tmp_path):
    psutil = pytest.importorskip("psutil")
    require_web_assets()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    started = tmp_path / "kernel-started"
    nb.cells = [nbformat.v4.new_code_cell(
        f"import os, time\nopen({str(started)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)")]
    notebook = tmp_path / "slow.ipynb"
    nbformat.write(nb, notebook)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    render = subprocess.Popen([sys.executable, "-m", "coursekit.cli", "render", "--output", str(tmp_path / "site"),
                               "--notebooks", str(notebook), "--retrain"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(600):
            if started.exists() and started.read_text():
                break
            if render.poll() is not None:
                pytest.fail(f"render ended early: {render.stdout.read()}")
            time.sleep(0.1)
        kernel_pid = int(started.read_text())
        render.send_signal(signal.SIGTERM)
        output, _ = render.communicate(timeout=60)
    finally:
        if render.poll() is None:
            render.kill()
    assert render.returncode != 0, output
    for _ in range(100):  # the kernel is shut down on the way out
        if not psutil.pid_exists(kernel_pid) or psutil.Process(kernel_pid).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"kernel {kernel_pid} still running after the render stopped")
    assert list(tmp.iterdir()) == [], "the render's workspace (results, kernel files) was left behind"
    assert not (tmp_path / "site" / "slow.html").exists()


def test_render_refuses_to_replace_earlier_pages(tmp_path, capsys):
    from coursekit.cli import main

    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("earlier pages")
    assert main(["render", "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--overwrite" in err and len(err.strip().splitlines()) == 1
    assert (out / "index.html").read_text() == "earlier pages"
