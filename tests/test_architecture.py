"""The architecture of docs/architecture.md, checked from the source with the ``ast`` module.

- no import cycle between coursekit modules (imports inside functions count: they run too);
- no import back up the stages: a module imports only modules of its own stage or of earlier
  ones (the ranks below, as docs/architecture.md draws them); ``quiz`` stands beside the
  pipeline; nothing imports the command line (``cli``, ``commands/``, ``options``) but the
  command line itself;
- ``serving/score.py`` (uploaded alone as the endpoint's code) imports no torch, no
  transformers and nothing of coursekit;
- no module over 300 lines, no function over 60.

The quiz package is checked like every other (``QUIZ_CHECKED``; it was restructured on its own
branch, now merged).
The modules in ``ELSEWHERE`` are being changed on other branches too; their size cases are xfail
until those are merged (empty the dict, or ``COURSEKIT_CHECK_ALL=1``).
"""
from __future__ import annotations

import ast
import os
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coursekit"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
QUIZ_CHECKED = True
# Module -> the branch that is changing it now (its size findings are xfail until that branch is merged).
ELSEWHERE: dict[str, str] = {}  # every branch is merged: nothing is excused

# The stages, earliest first. A module may import from its own rank and from lower ranks only
# (evaluation and export share a rank but are two stages: neither imports the other).
FOUNDATION = ("coursekit", "coursekit.errors", "coursekit.fileio", "coursekit.paths", "coursekit.labels",
              "coursekit.defaults", "coursekit.progress", "coursekit.profiles", "coursekit.models",
              "coursekit.outputs", "coursekit.settings_files", "coursekit.metrics")
RANKS = {
    **{name: 0 for name in FOUNDATION},
    "coursekit.data": 1,
    "coursekit.model_folder": 2,  # the contract: training writes it, every later stage reads it
    "coursekit.train": 3,
    "coursekit.evaluation": 4,
    "coursekit.export": 4,
    "coursekit.serving": 5,
    "coursekit.azure": 6,
    "coursekit.monitoring": 6,  # reads what serving collects; trained models get its reference through a hook
    # the course around the pipeline: lessons, exercises, rendering, the student copy
    **{name: 7 for name in ("coursekit.lesson", "coursekit.exercises", "coursekit.fundamentals",
                            "coursekit.render", "coursekit.render_assets", "coursekit.render_kernel",
                            "coursekit.render_model", "coursekit.release", "coursekit.release_checks")},
    # the command line: a thin layer over everything
    **{name: 8 for name in ("coursekit.cli", "coursekit.commands", "coursekit.options")},
}
SIBLINGS = [{"coursekit.evaluation", "coursekit.export"}]  # same rank, two stages
QUIZ = "coursekit.quiz"
COMMAND_LINE = ("coursekit.cli", "coursekit.commands", "coursekit.options")
SCORE_SCRIPT = "coursekit.serving.score"
SCORE_FORBIDDEN = ("torch", "transformers", "coursekit")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


PROBES: dict[str, str] = {}  # module name -> source: modules that exist only for the self-test


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    found.update({name: PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".py") for name in PROBES})
    return found


def source(name: str) -> str:
    return PROBES[name] if name in PROBES else modules()[name].read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def tree(name: str) -> ast.Module:
    return ast.parse(source(name), filename=str(modules()[name]))


def _resolve(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = name.split(".") if modules()[name].name == "__init__.py" else name.split(".")[:-1]
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(name: str) -> list[tuple[str, int]]:
    """Every module ``name`` imports (top level or inside a function), with its line."""
    found = []
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in modules() else target, node.lineno))
    return found


def internal_imports(name: str) -> list[tuple[str, int]]:
    known = modules()
    out = []
    for target, line in imports(name):
        while target and target not in known:  # `import coursekit.a.b` names a module, or its package
            target = target.rpartition(".")[0]
        if target and target != name and (target, line) not in out:
            out.append((target, line))
    return out


def stage_of(name: str) -> str | None:
    """The key of RANKS (or QUIZ) that ``name`` belongs to: the longest matching prefix."""
    candidates = [key for key in (*RANKS, QUIZ)
                  if name == key or (key != "coursekit" and name.startswith(key + "."))]
    return max(candidates, key=len) if candidates else None


def is_quiz(name: str) -> bool:
    return name == QUIZ or name.startswith(QUIZ + ".")


def is_quiz_side(name: str) -> bool:
    """The quiz package and its two commands (restructured on another branch)."""
    return is_quiz(name) or name.startswith("coursekit.commands.quiz")


def every_module(findings):
    """pytest params, one per module. A module of the quiz side (until QUIZ_CHECKED) or one in
    ELSEWHERE whose ``findings(name)`` are not empty today is xfail: reported, not failed."""
    def marks(name):
        if is_quiz_side(name) and not QUIZ_CHECKED and findings(name):
            return (pytest.mark.xfail(reason="quiz/ is restructured on its own branch", strict=False),)
        if name in ELSEWHERE and findings(name):
            return (pytest.mark.xfail(reason=f"changed on the {ELSEWHERE[name]} branch", strict=False),)
        return ()
    return [pytest.param(name, id=name, marks=marks(name)) for name in modules()]


# --- the findings ----------------------------------------------------------------------------
def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), i.e. import cycles."""
    graph = {name: sorted({t for t, _ in internal_imports(name)}) for name in modules()}
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def stage_violations(name: str) -> list[str]:
    """Imports of ``name`` that run back up the stages, into the quiz, or into the command line."""
    own = stage_of(name)
    problems = []
    for target, line in internal_imports(name):
        theirs = stage_of(target)
        if theirs is None or own is None or theirs == own:
            continue
        where = f"{modules()[name].relative_to(ROOT)}:{line} imports {target}"
        if theirs in COMMAND_LINE and own not in COMMAND_LINE:
            problems.append(f"{where}: nothing outside the command line imports it")
        elif is_quiz(target) and not is_quiz(name) and RANKS.get(own, 0) < 7:
            problems.append(f"{where}: the pipeline does not import the quiz")
        elif is_quiz(name) and not is_quiz(target) and RANKS[theirs] > 0:
            problems.append(f"{where}: the quiz imports nothing of the pipeline")
        elif not is_quiz(name) and not is_quiz(target) and (
                RANKS[theirs] > RANKS[own] or {own, theirs} in SIBLINGS):
            problems.append(f"{where}: an import back up the stages ({own} is not after {theirs})")
    return problems


def long_functions(name: str) -> list[str]:
    return [f"{modules()[name].relative_to(ROOT)}:{node.lineno} {node.name}() is "
            f"{node.end_lineno - node.lineno + 1} lines"
            for node in ast.walk(tree(name)) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]


def module_lines(name: str) -> int:
    return len(source(name).splitlines())


# --- the tests -------------------------------------------------------------------------------
def test_every_module_has_a_stage():
    assert [name for name in modules() if stage_of(name) is None] == []


def test_no_import_cycle_outside_the_quiz():
    found = [c for c in cycles() if not all(is_quiz_side(m) for m in c)]
    assert found == [], f"import cycles: {found}"


@pytest.mark.xfail(not QUIZ_CHECKED, reason="quiz/ is restructured on its own branch", strict=False)
def test_no_import_cycle_in_the_quiz():
    assert cycles() == []


@pytest.mark.parametrize("module", every_module(lambda name: stage_violations(name)))
def test_no_import_back_up_the_stages(module):
    assert stage_violations(module) == []


@pytest.mark.parametrize("module", every_module(lambda name: long_functions(name)))
def test_no_function_over_60_lines(module):
    assert long_functions(module) == []


@pytest.mark.parametrize("module", every_module(lambda name: module_lines(name) > MAX_MODULE_LINES))
def test_no_module_over_300_lines(module):
    assert module_lines(module) <= MAX_MODULE_LINES, f"{modules()[module].relative_to(ROOT)}: {module_lines(module)} lines"


def endpoint_modules() -> set[str]:
    """score.py and the modules it loads: uploaded together as the endpoint's code."""
    return {name for name in modules() if name == SCORE_SCRIPT
            or name.startswith("coursekit.serving.score_") or name == "coursekit.serving.http_guard"}


def test_the_scoring_script_imports_no_torch_and_no_coursekit():
    """The endpoint's code imports its own siblings and nothing else of coursekit, and no torch."""
    code = endpoint_modules()
    assert SCORE_SCRIPT in code and len(code) > 1
    bad = [(name, target, line) for name in sorted(code) for target, line in imports(name)
           if target.split(".")[0] in SCORE_FORBIDDEN and target not in code]
    assert bad == []


def test_the_checks_find_what_they_look_for(monkeypatch):
    """Each check fails on a module that breaks its rule (so a passing run means something)."""
    name = "coursekit.data._architecture_probe"
    source = ("from coursekit.train import config\n"  # data -> train: back up the stages
              "from coursekit import options\n"  # the command line, from the pipeline
              "def long():\n" + "    x = 1\n" * 61 + "\n" * 240)
    monkeypatch.setitem(PROBES, name, source)
    modules.cache_clear()
    tree.cache_clear()
    try:
        found = stage_violations(name)
        assert any("back up the stages" in p for p in found), found
        assert any("command line" in p for p in found), found
        assert long_functions(name) and module_lines(name) > MAX_MODULE_LINES
    finally:
        PROBES.pop(name, None)
        modules.cache_clear()
        tree.cache_clear()
