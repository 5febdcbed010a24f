"""The package's shape: public names, the README's coverage of them, imports, module sizes."""

import ast
import pathlib
import re
import subprocess
import sys

import pytest

import sklearn_alrnn
from sklearn_alrnn import analysis, datasets, plotting

PACKAGE = pathlib.Path(sklearn_alrnn.__file__).parent
README = (PACKAGE.parent / "README.md").read_text()
MAX_MODULE_LINES = 600


def test_top_level_namespace_is_small_and_importable():
    assert len(sklearn_alrnn.__all__) <= 20
    for name in sklearn_alrnn.__all__:
        assert hasattr(sklearn_alrnn, name), name
    assert isinstance(sklearn_alrnn.__version__, str)


def test_analysis_module_holds_the_functional_layer():
    for name in ("regime_jacobian", "fixed_point", "find_cycles", "iterate_map", "code_to_bits",
                 "bits_to_code", "classify_stability", "FixedPoint", "Cycle", "LinearSystem", "Modes"):
        assert name in analysis.__all__ and callable(getattr(analysis, name))


def test_readme_mentions_every_public_name():
    names = set(sklearn_alrnn.__all__) | set(analysis.__all__) | set(datasets.__all__) | set(plotting.__all__)
    missing = sorted(name for name in names if not re.search(rf"\b{re.escape(name)}\b", README))
    assert not missing, f"README.md does not mention {missing}"


def _package_imports():
    """module -> the package modules it imports, at any depth of its code (function level too)."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        module = module.removesuffix(".__init__")
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                targets.add(target)
                targets.update(f"{target}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn_alrnn"):
                targets.add(node.module)
        graph[module] = targets
    return {module: {t for t in targets if t in graph and t != module} for module, targets in graph.items()}


def test_no_import_cycles_between_modules():
    graph = _package_imports()
    graph = {m: {t for t in ts if t != "sklearn_alrnn"} for m, ts in graph.items()}  # the package root
    state = {}

    def visit(module, path):
        if state.get(module) == "done":
            return
        assert state.get(module) != "active", "import cycle: " + " -> ".join(path + [module])
        state[module] = "active"
        for target in sorted(graph[module]):
            visit(target, path + [module])
        state[module] = "done"

    for module in sorted(graph):
        visit(module, [])


def test_no_module_is_longer_than_600_lines():
    lengths = {str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(lengths.values()) <= MAX_MODULE_LINES, sorted(lengths.items(), key=lambda kv: -kv[1])[:3]


@pytest.mark.slow
def test_every_public_module_imports_with_docstrings_stripped():
    """``python -OO`` (PYTHONOPTIMIZE=2, as some frozen or container images run) drops docstrings; the
    estimators fill theirs with shared sections at import, which raised AttributeError on None."""
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_"))
    script = f"import importlib\nfor name in {modules!r}:\n    importlib.import_module('sklearn_alrnn.' + name)\n"
    script += "from sklearn_alrnn import ALRNNClassifier\nprint(ALRNNClassifier.__doc__)\n"
    script += "print(ALRNNClassifier.from_parameters(a=[1.0, 0.5], W=[[0, 0.1], [0.2, 0]], h=[0, 0], C=[[1], [0]],"
    script += " B=[[1.0, -1.0]], n_nonlinear=1).predict([[[1.0], [0.0]]]))\n"
    result = subprocess.run([sys.executable, "-OO", "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["None", "[1]"]  # last states (1, 0.2): logit 1 - 0.2 > 0
