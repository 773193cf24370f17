"""The package's modules import each other in layers: no cycles, no imports of the package hidden inside
functions, and no submodule hidden behind a name of the package's namespace."""

import ast
import importlib
from pathlib import Path

import momentum as m

PACKAGE = Path(m.__file__).parent


def imports() -> dict[str, tuple[set[str], list[str]]]:
    """module -> (package modules it imports at module level, package imports found inside functions)."""
    found = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text())
        top, hidden = set(), []
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("momentum"):
                names = [node.module] if node.module != "momentum" else [f"momentum.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("momentum")]
            if not names:
                continue
            inside = any(isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef)
                         for parent in ast.walk(tree) if node in ast.walk(parent) and parent is not node)
            (hidden.extend if inside else top.update)(names)
        found[f"momentum.{path.stem}" if path.stem != "__init__" else "momentum"] = (top, hidden)
    return found


def test_no_package_imports_inside_functions():
    hidden = {module: names for module, (_, names) in imports().items() if names}
    assert not hidden, f"imports hidden inside functions: {hidden}"


def test_modules_form_layers_without_cycles():
    graph = {module: top - {"momentum"} for module, (top, _) in imports().items() if module != "momentum"}
    order, done = [], set()
    while len(done) < len(graph):
        ready = [module for module, deps in graph.items() if module not in done and deps <= done]
        assert ready, f"import cycle among {sorted(set(graph) - done)}"
        done.update(ready)
        order.append(sorted(ready))
    assert order[0][:2] == ["momentum._blocks", "momentum._checks"]  # the bottom layer validates and blocks


def test_no_submodule_is_shadowed_by_a_name_of_the_package():
    for module in imports():
        name = module.rpartition(".")[2]
        if module != "momentum" and hasattr(m, name):
            assert getattr(m, name) is importlib.import_module(module), f"momentum.{name} hides the submodule"
