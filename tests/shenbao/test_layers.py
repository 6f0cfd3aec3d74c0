"""The layer graph: no import cycles between modules, earlier stages never import later ones, every module
imports on its own in any order."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Stages in order; a module may import its own stage and earlier ones, never a later one. The audit log sits
# below accounts: it names the user model only through settings.AUTH_USER_MODEL, and every app writes to it.
STAGES = [
    "core",
    "audit",
    "accounts",
    "notifications",
    "programmes",
    "enterprises",
    "applications",
    "reviews",
    "evaluation",
    "publicity",
    "reports",
]
PACKAGES = [*STAGES, "shenbao"]


def first_party_modules():
    modules = {}
    for package in PACKAGES:
        base = ROOT / package
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


MODULES = first_party_modules()


def top_level_imports(path, name):
    """First-party modules imported at module level (function-level imports are deliberate late binding)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            if target in MODULES and target != name:
                found.add(target)
    return found


GRAPH = {name: top_level_imports(path, name) for name, path in MODULES.items()}


def test_no_import_cycles():
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _stage(module):
    top = module.split(".")[0]
    return STAGES.index(top) if top in STAGES else None


def test_earlier_stages_never_import_later_ones():
    wrong = []
    for module, path in MODULES.items():
        if _stage(module) is None:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):  # function-level imports count here too
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for target in names:
                if _stage(target) is not None and _stage(target) > _stage(module):
                    wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_core_is_below_every_app():
    for module, imports in GRAPH.items():
        if module.startswith("core"):
            assert all(i.startswith("core") for i in imports), (module, imports)


@pytest.mark.parametrize("order", ["sorted", "reversed", "shuffled"])
def test_every_module_imports_in_any_order(order):
    names = sorted(MODULES)
    if order == "reversed":
        names.reverse()
    elif order == "shuffled":
        random.Random(2018).shuffle(names)
    script = "import django, importlib, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shenbao.settings')\n"
    script += f"django.setup()\nfor name in {names!r}:\n    importlib.import_module(name)\nprint('ok')\n"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
