"""Run a command in a real terminal (a pseudo-terminal, 100x40) and save what it printed
as readable text: the docs/terminal/*.txt captures of what a newcomer sees.

    .venv/bin/python scripts/capture_terminal.py docs/terminal/demo.txt -- make demo
    .venv/bin/python scripts/capture_terminal.py docs/terminal/export.txt -- .venv/bin/coursekit export results/demo

Nothing is left out: every redraw of a progress bar (a carriage return in the terminal)
becomes its own line, so the text shows the progress as it happened; only the terminal's
cursor-control sequences are dropped. The command's exit status and wall time end the file.
"""
from __future__ import annotations

import argparse
import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

COLUMNS, ROWS = 100, 40
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


def readable(raw: bytes) -> str:
    """Terminal output as lines: CR-LF and lone CRs become line breaks, control sequences go."""
    text = _CONTROL.sub("", raw.decode("utf-8", errors="replace"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for i, line in enumerate(lines) if line or (i and lines[i - 1])) + "\n"


def without_local_paths(text: str, root: Path = Path.cwd()) -> str:
    """Paths under ``root`` (the checkout the command ran in) made relative, home shown as ``~``:
    a capture in the docs must not name this machine's folders."""
    text = text.replace(f"{root}/", "").replace(str(root), ".")
    return text.replace(f"{Path.home()}/", "~/")


def run_in_terminal(command: list[str]) -> tuple[int, bytes, float]:
    """Run ``command`` with a pseudo-terminal as stdin/stdout/stderr; return (status, output, seconds)."""
    primary, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {**os.environ, "COLUMNS": str(COLUMNS), "LINES": str(ROWS), "TERM": os.environ.get("TERM", "xterm")}
    env.pop("CI", None)  # a terminal session, as a person has it
    started = time.monotonic()
    child = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, env=env,
                             start_new_session=True)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the terminal closed with the command
            break
        if not chunk:
            break
        chunks.append(chunk)
    status = child.wait()
    os.close(primary)
    return status, b"".join(chunks), time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="text file to write")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    status, raw, seconds = run_in_terminal(command)
    header = f"$ {' '.join(command)}\n"
    footer = f"[exit status {status}, {seconds:.0f} s wall time, {COLUMNS}x{ROWS} terminal]\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(without_local_paths(header + readable(raw) + footer), encoding="utf-8")
    print(f"wrote {args.output} ({status=}, {seconds:.0f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
