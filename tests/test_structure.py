"""The package's shape: no import cycles (imports inside functions count), small modules.

The graph has one edge per import statement
anywhere in a module (top level, inside functions, under ``if TYPE_CHECKING:``), per
``importlib.import_module("course...")`` with a constant name, and per ``"course.x:attr"``
registry string (course.validate.VALIDATORS). ``from a.b import c`` is an edge to the module
``a.b.c`` when that is a module, else to ``a.b`` (its ``__init__``).

An acyclic graph is not yet enough: ``import course.content.loader`` first runs
``course/content/__init__.py`` and, through an import of ``course.safety.x``, the whole of
``course/safety/__init__.py``. ``test_every_module_imports_first`` imports each module as the
first ``course`` module of the process, which is where such an order problem shows.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "course"
REPO = PACKAGE.parent
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The deepest module of the package that ``name`` names (``a.b.attr`` -> ``a.b``)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(module: str, path: Path, node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            yield submodule if submodule in MODULES else source
    elif isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        if func.endswith(("import_module", "__import__")) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if text.startswith("course.") and ":" in text and " " not in text:
            yield text.partition(":")[0]


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: line of the first such import}."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        edges = graph.setdefault(module, {})
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for target in _targets(module, path, node):
                resolved = _resolve(target) if target.startswith("course") else None
                if resolved is not None and resolved != module:
                    edges.setdefault(resolved, getattr(node, "lineno", 0))
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for node in graph:
        if node not in index:
            visit(node)
    return found


def _describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    inside = set(component)
    lines = [
        f"  {a} -> {b} ({MODULES[a].relative_to(PACKAGE.parent)}:{line})"
        for a in component
        for b, line in graph[a].items()
        if b in inside
    ]
    return "import cycle:\n" + "\n".join(lines)


def test_course_has_no_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "\n".join(_describe(c, graph) for c in found)


def test_the_cycle_finder_sees_a_function_local_cycle() -> None:
    """The check itself works: a cycle closed only inside a function is found."""
    graph = {"course.a": {"course.b": 1}, "course.b": {"course.a": 9}, "course.c": {}}
    assert cycles(graph) == [["course.a", "course.b"]]
    source = "def f():\n    from course.safety import assess\n"
    node = ast.parse(source).body[0].body[0]  # type: ignore[attr-defined]
    assert list(_targets("course.x", PACKAGE / "x.py", node)) == ["course.safety"]


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_no_module_is_over_400_lines(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module]} has {lines} lines (at most {MAX_LINES})"


_FIRST_IMPORT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "course" or m.startswith("course.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_first() -> None:
    """Each module imports cleanly as the first course module of a process (no init-order trap)."""
    names = [m for m in MODULES if not m.endswith("__main__")]
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_IMPORT, *names],
        capture_output=True,
        text=True,
        timeout=600,
        env={"MPLBACKEND": "Agg", **__import__("os").environ},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _caught_names(handler: ast.ExceptHandler) -> list[str]:
    """The class names an ``except`` clause names (``except (a.B, C)`` -> ``["B", "C"]``)."""
    if handler.type is None:
        return []
    parts = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [p.attr if isinstance(p, ast.Attribute) else ast.unparse(p) for p in parts]


def narrow_catches(source: str) -> list[tuple[int, str]]:
    """Each ``except`` of a CLI module that names a CourseError subclass (catch the base) or an
    OSError (turn it into a CourseError where the library meets the system): (line, name)."""
    import builtins

    import course.errors

    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler):
            continue
        for name in _caught_names(node):
            cls = getattr(course.errors, name, None) or getattr(builtins, name, None)
            if not isinstance(cls, type):
                continue
            base = course.errors.CourseError
            if (issubclass(cls, base) and cls is not base) or issubclass(cls, OSError):
                found.append((node.lineno, name))
    return found


def test_commands_catch_only_the_base_error() -> None:
    """Every command reports expected errors through course.cli.output (``guarded`` / ``fail``)
    by catching ``CourseError`` itself: a new error type needs no new ``except`` in a CLI."""
    cli = sorted((PACKAGE / "cli").glob("*.py"))
    assert len(cli) >= 8
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: except {name}"
        for path in cli
        for line, name in narrow_catches(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_catch_check_sees_subclasses_and_os_errors() -> None:
    source = (
        "try:\n    f()\nexcept (errors.HubSetupError, KeyError):\n    pass\n"
        "try:\n    f()\nexcept PermissionError as exc:\n    pass\n"
        "try:\n    f()\nexcept CourseError:\n    pass\nexcept KeyboardInterrupt:\n    pass\n"
    )
    assert narrow_catches(source) == [(3, "HubSetupError"), (7, "PermissionError")]


def public_error_classes(source: str) -> list[tuple[int, str]]:
    """Public classes of a module whose base is named like an error (``...Error``,
    ``...Exception``): (line, name)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = [ast.unparse(b).rpartition(".")[2] for b in node.bases]
            if any(b.endswith(("Error", "Exception")) for b in bases):
                found.append((node.lineno, node.name))
    return found


def test_every_error_type_lives_in_course_errors_under_course_error() -> None:
    """One hierarchy: a public error class anywhere else, or one in course/errors.py that is not
    a CourseError, fails (private control-flow exceptions like ``_InvalidError`` may stay)."""
    import course.errors

    elsewhere = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: class {name}"
        for module, path in MODULES.items()
        if module != "course.errors"
        for line, name in public_error_classes(path.read_text(encoding="utf-8"))
    ]
    assert not elsewhere, "\n".join(elsewhere)
    defined = public_error_classes(Path(course.errors.__file__).read_text(encoding="utf-8"))
    classes = [n for n in course.errors.__all__ if isinstance(getattr(course.errors, n), type)]
    assert sorted(name for _line, name in defined) == sorted(classes)
    names = [name for _line, name in defined if name != "CourseError"]
    for name in names:
        assert issubclass(getattr(course.errors, name), course.errors.CourseError), name


def test_the_error_class_check_sees_a_stray_error() -> None:
    source = "class TrialError(errors.CourseError):\n    pass\nclass _Quiet(Exception):\n    pass\n"
    assert public_error_classes(source) == [(1, "TrialError")]


@pytest.mark.parametrize("script", sorted(p.name for p in (REPO / "benchmarks").glob("*.py")))
def test_every_benchmark_loads_as_make_bench_runs_it(script: str) -> None:
    """``make bench`` runs each script by its path: its own imports (the browser harness, test
    helpers) must resolve from there, not only inside pytest."""
    code = f"import runpy; runpy.run_path({str(REPO / 'benchmarks' / script)!r}, run_name='load')"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd="/", capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_latency_benchmark_refuses_a_slowdown_below_one() -> None:
    """``--slowdown N`` throttles the page's CPU N times (a slower learner's computer); below
    1 it would claim a faster machine than the one measured: refused before anything starts."""
    script = str(REPO / "benchmarks" / "browser_latency.py")
    done = subprocess.run(
        [sys.executable, script, "--slowdown", "0.5"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "--slowdown must be 1 or more" in done.stderr
    assert "Traceback" not in done.stderr
