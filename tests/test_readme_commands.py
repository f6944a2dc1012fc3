"""The README's "Command line" block, run line by line in a fresh folder, so it cannot drift.

Each line runs as written, through the same entry point as the ``coursekit`` command
(``coursekit.cli.main``; ``serve`` as its own process), with only these changes, so the
whole block takes about a minute:

* ``demo`` and ``train`` get ``--max-samples 48 --max-steps 2`` (a two-step fine-tune),
  ``train`` also ``--max-length 32`` (the ``--literal`` line pads every text to it);
* ``evaluate`` gets ``--bootstrap 20``; ``export`` gets ``--limit 8`` (it times nothing without ``--benchmark``);
* ``render`` gets ``--notebooks lessons/tiny.ipynb``: a two-cell lesson instead of the
  course's four notebooks (minutes); it still reuses the model the ``demo`` line trained;
* ``serve`` gets a free ``--port``, scores one review (which ``monitor`` then reads) and is stopped with
  Ctrl-C (SIGINT);
* ``quiz submit`` first finds answers saved for the student, as the quiz widget saves them.

Lines that are not run, each with its reason:

* ``source .venv/bin/activate``: the test already runs inside the environment ``make`` built;
* ``torchrun ...``: two training processes; tests/test_distributed.py runs that path;
* the cloud lines (``azure train/deploy/invoke/logs/monitor/delete``) and the ``--profile full``
  line need an Azure workspace or the Hugging Face Hub: they must fail at once with a
  one-line error that says what is missing.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from coursekit.cli import build_parser, main, subcommand_parsers

ROOT = Path(__file__).resolve().parents[1]
TINY_TRAINING = ["--max-samples", "48", "--max-steps", "2"]
ADDED = {
    "demo": TINY_TRAINING,
    "train": [*TINY_TRAINING, "--max-length", "32"],
    "evaluate": ["--bootstrap", "20"],
    "export": ["--limit", "8"],
    "render": ["--notebooks", "lessons/tiny.ipynb"],
}
CLOUD = ("azure train", "azure deploy", "azure invoke", "azure logs", "azure monitor", "azure delete")
NOT_RUN = {
    "source .venv/bin/activate": "the test runs inside the environment `make` built",
    "torchrun ": "two training processes: tests/test_distributed.py runs that path",
}


def readme_commands() -> list[str]:
    """The lines of the first bash block under '## Command line', comments removed."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Command line\n", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [shlex.join(shlex.split(line, comments=True)) for line in block.splitlines()
            if shlex.split(line, comments=True)]


def subcommand(line: str) -> str:
    """'quiz grade' for 'coursekit quiz grade ...'; '' for lines that are not coursekit."""
    words = shlex.split(line)
    if words[0] != "coursekit":
        return ""
    names = [w for w in words[1:3] if not w.startswith("-")]
    return " ".join(names[:2] if names[:1] in (["quiz"], ["azure"]) else names[:1])


def test_every_subcommand_is_in_the_readme_block():
    listed = {subcommand(line) for line in readme_commands()}
    leaves = set()
    for prog, parser, _ in subcommand_parsers(build_parser()):
        if not any(action.__class__.__name__ == "_SubParsersAction" for action in parser._actions):
            leaves.add(prog.removeprefix("coursekit "))
    assert leaves <= listed, f"commands missing from README's Command line block: {sorted(leaves - listed)}"
    assert readme_commands()[0] == "source .venv/bin/activate"
    assert re.search(r"^VENV\s*\?=\s*\.venv$", (ROOT / "Makefile").read_text(), re.M)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tiny_lesson(folder: Path) -> None:
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A tiny lesson"), nbformat.v4.new_code_cell(
        "import os\nmodel = os.path.join(os.environ['COURSEKIT_RESULTS'], 'notebook-model')\n"
        "print('reused:', os.environ.get('COURSEKIT_REUSE_MODEL'), sorted(os.listdir(model)))")]
    nbformat.write(nb, folder / "tiny.ipynb")


def _run_in_process(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:  # --version, argparse errors
        code = exit_.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def _serve(argv: list[str], workdir: Path) -> tuple[int, str, bool]:
    """Start `coursekit serve` in its own process group, wait until it answers, then press
    Ctrl-C as a terminal does (SIGINT to the group); anything left is killed."""
    port = _free_port()
    argv = [*argv[: argv.index("--port") + 1], str(port), *argv[argv.index("--port") + 2:]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "coursekit.cli", *argv], cwd=workdir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    answered = False
    try:
        for _ in range(1200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as reply:
                    answered = reply.status == 200
                request = urllib.request.Request(f"http://127.0.0.1:{port}/score", method="POST",
                                                 data=b'{"texts": ["Fits well, soft fabric."]}',
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=30) as reply:  # one request for `monitor` to read
                    answered = answered and reply.status == 200
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)  # the group: the server's own children too
        except ProcessLookupError:
            pass
        server.wait()
    return server.returncode, output, answered


@pytest.mark.slow
def test_readme_command_line_block_runs_in_order(tmp_path, monkeypatch, capsys):
    from browser.web_assets import require_web_assets
    from coursekit.quiz import load_quiz
    from coursekit.quiz import record_answers

    require_web_assets()
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME", "AZURE_CLIENT_ID",
                 "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "COURSEKIT_QUIZ_DIR"):
        monkeypatch.delenv(name, raising=False)
    workdir = tmp_path / "project"
    workdir.mkdir()
    for name in ("coursekit", "quizzes", "notebooks", "azureml"):  # what the lines name, read-only
        (workdir / name).symlink_to(ROOT / name)
    _tiny_lesson(workdir / "lessons")
    monkeypatch.chdir(workdir)

    report = []
    for line in readme_commands():
        reason = next((why for start, why in NOT_RUN.items() if line.startswith(start)), None)
        if reason:
            report.append(f"not run  {line}  ({reason})")
            continue
        argv = shlex.split(line)[1:]
        command = subcommand(line)
        argv += ADDED.get(command, [])
        started = time.perf_counter()
        if command == "serve":
            code, output, answered = _serve(argv, workdir)
            assert answered and code == 0 and "stopping the server" in output, f"{line}\n{output[-3000:]}"
        else:
            if command == "quiz submit":
                record_answers(load_quiz(ROOT / "quizzes" / "part2.yml"), "s123", {})  # pressed Check
            code, out, err = _run_in_process(argv, capsys)
            if command in CLOUD:
                assert code == 2, f"{line}: exit {code}\n{err}"
                assert re.fullmatch(r"coursekit azure: error: no Azure ML workspace configured.*\n", err), err
            elif "--profile full" in line:
                assert code == 2 and err.count("\n") == 1 and "offline" in err, f"{line}: exit {code}\n{err}"
            else:
                assert code == 0, f"{line}: exit {code}\n{out[-2000:]}\n{err[-3000:]}"
        report.append(f"{time.perf_counter() - started:6.1f} s  {line}")
    print("\n".join(report))

    results = workdir / "results"
    assert json.loads((results / "my-model" / "metrics.json").read_text())["test"]
    assert (results / "my-model" / "onnx" / "export.json").is_file()
    assert (results / "my-model-eval" / "report.html").is_file()
    page = (workdir / "build" / "lessons" / "tiny.html").read_text()
    assert "reused: 1" in page and "coursekit.json" in page  # render showed the demo model
    assert (workdir / "student-copy").is_dir() and (workdir / "student" / "quizzes").is_dir()
    assert "s123" in (workdir / "gradebook.csv").read_text()
    assert (workdir / "grades" / "part2.html").is_file() and (workdir / "grades" / "feedback" / "s123.html").is_file()
