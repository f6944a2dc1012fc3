"""The built wheel, installed outside the checkout, trains, exports and serves (issue 23.2); a missing extra
is named in one line.

A fresh ``python -m venv`` with every dependency downloaded would take many minutes and the network, so
(as ``test_release.py`` does): the venv is made ``--without-pip`` from the base interpreter; the wheel
built from this checkout is really installed into it (``pip install --no-deps --target``); a ``.pth``
file appends the shared environment's site-packages for the third-party packages only (a plain path:
its own ``.pth`` files, the editable coursekit among them, do not run). Every command runs with
``python -I`` (no PYTHONPATH, no user site) from a folder outside the checkout. Tiny sizes: 60 reviews,
2 steps, max length 32.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from coursekit.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of a fresh venv holding only the wheel, its site-packages, an environment, a folder outside)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "--quiet", "-w", str(tmp / "dist"), str(ROOT)], capture_output=True, text=True, env=env)
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next((tmp / "dist").glob("coursekit-*.whl"))
    venv = tmp / "venv"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv)],
                   check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-compile", "--quiet",
                    "--target", str(site), str(wheel)], check=True, env=env, capture_output=True)
    (site / "zz_shared_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env.update(HOME=str(tmp / "home"), CI="true", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    return python, site, env, elsewhere


def _coursekit(installed, *argv, timeout=600):
    python, _, env, elsewhere = installed
    run = subprocess.run([str(python), "-I", "-m", "coursekit.cli", *argv], cwd=elsewhere, capture_output=True,
                         text=True, env=env, timeout=timeout)
    assert run.returncode == 0, f"coursekit {argv[0]}:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}"
    return run.stdout


@pytest.mark.slow
def test_the_wheel_outside_the_checkout_trains_exports_and_serves(installed):
    python, site, env, elsewhere = installed
    where = subprocess.run([str(python), "-I", "-c", "import coursekit; print(coursekit.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert Path(where).is_relative_to(site)  # the wheel's coursekit, not the checkout's
    model = elsewhere / "model"
    trained = _coursekit(installed, "train", "--output", str(model), "--max-samples", "60", "--max-steps", "2",
                         "--patience", "0", "--batch-size", "8", "--max-length", "32")
    assert "womens_clothing_reviews.csv.gz" in trained and "verdict:" in trained  # the data shipped in the wheel
    exported = _coursekit(installed, "export", str(model))
    assert (model / "onnx" / "model.onnx").is_file() and "parity" in exported.lower()
    port = _free_port()
    server = subprocess.Popen([str(python), "-I", "-m", "coursekit.cli", "serve", str(model), "--port", str(port)],
                              cwd=elsewhere, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    banner = []
    try:
        for line in server.stdout:  # the launcher says what it serves once its server answers: wait for that line
            banner.append(line)
            if line.startswith("serving"):
                break
        answer = _score(port, "Love this dress! it's sooo pretty.")  # a real review of the shop export
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # coursekit serve stops its own server on SIGTERM
        output = "".join(banner) + server.communicate(timeout=60)[0]
    assert server.returncode == 0, output[-3000:]
    assert answer["predictions"][0]["label"] in ("POSITIVE", "NEGATIVE")
    assert "serving" in output and "stopping the server" in output


def _score(port: int, text: str, wait_s: float = 120.0) -> dict:
    """POST one review to /score once the server answers (it starts in a few seconds)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/score", data=json.dumps({"texts": [text]}).encode(),
                                     headers={"Content-Type": "application/json"})
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.parametrize("argv, extra, module", [
    (["export", "no-such-model"], "export", "onnxruntime"),
    (["render", "--output", "pages"], "notebooks", "nbclient"),
])
def test_a_missing_extra_is_named_in_one_line(monkeypatch, capsys, tmp_path, argv, extra, module):
    import coursekit.errors

    monkeypatch.chdir(tmp_path)
    real = coursekit.errors.module_available
    monkeypatch.setattr(coursekit.errors, "module_available", lambda name: name != module and real(name))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"pip install 'coursekit[{extra}]'" in err and module in err and len(err.strip().splitlines()) == 1


def test_an_import_error_from_an_extra_names_it(monkeypatch, capsys):
    """Any path that imports a module of a missing extra ends in the same one line (here: the Azure SDK)."""
    import coursekit.commands.azure_cmd as azure_cmd

    def no_sdk(args):
        raise ModuleNotFoundError("No module named 'azure.ai'", name="azure.ai")

    monkeypatch.setattr(azure_cmd, "run_plan", no_sdk)  # the parser is built after this: it binds no_sdk
    assert main(["azure", "plan"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("pip install 'coursekit[azure]'") and "azure.ai" in err and "\n" not in err
