"""Driving the JupyterLab page the way a student does: open a notebook, wait for the
kernel, Run > Run All Cells from the menu bar, wait until every cell has run."""
from __future__ import annotations

import re

KERNEL_TIMEOUT_MS = 90_000


def open_notebook(page, lab, notebook_name: str, kernel_display_name: str = "coursekit") -> None:
    """Open ``notebook_name`` (relative to the server root) and wait for an idle kernel."""
    page.goto(lab.url(f"lab/tree/{notebook_name}"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=KERNEL_TIMEOUT_MS)
    page.wait_for_selector(f".jp-KernelName:has-text('{kernel_display_name}')", timeout=KERNEL_TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=KERNEL_TIMEOUT_MS)
    dismiss_toasts(page)


def dismiss_toasts(page) -> None:
    """Close any notification toast (news, updates) that would cover the notebook."""
    for button in page.locator(".Toastify__toast .jp-toast-button, .Toastify__close-button").all():
        try:
            button.click(timeout=1000)
        except Exception:  # noqa: BLE001 - a toast that vanished on its own is fine
            pass


class NotebookRunError(AssertionError):
    """Run All stopped before the last cell (a cell raised)."""


def run_all_cells(page, timeout_ms: int = 300_000) -> None:
    """Run > Run All Cells from the menu bar and wait until the notebook is done.

    The notebook must start without execution counts. JupyterLab stops a Run All at the
    first error and leaves the later cells at ``[ ]``: that raises
    :class:`NotebookRunError` quoting the failing cell's output."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(
        """() => {
            const status = document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent);
            const done = prompts.filter(t => /\\[\\d+\\]/.test(t)).length;
            const running = prompts.some(t => t.includes('*'));
            return status === 'idle' && !running && done > 0;
        }""",
        timeout=timeout_ms,
        polling=500,
    )
    prompts = cell_prompts(page)
    if not all(re.search(r"\[\d+\]", p) for p in prompts):
        cells = page.locator(".jp-CodeCell")
        last = max(i for i, p in enumerate(prompts) if re.search(r"\[\d+\]", p))
        output = cells.nth(last).locator(".jp-OutputArea").inner_text()
        raise NotebookRunError(f"Run All stopped at code cell {last} (prompts {prompts}):\n{output[-2000:]}")


def cell_prompts(page) -> list[str]:
    return page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
