"""The documents stay true: every Python snippet of README.md runs, in order, as a user would paste them;
the Layout names every module; the tests, benchmarks and examples the documents point to exist."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow
def test_readme_snippets_run(tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    pytest.importorskip("distributed")
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) >= 7
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}
    for i, block in enumerate(blocks):
        try:
            exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message says which block failed
            raise AssertionError(f"README python block {i + 1} failed: {exc!r}\n{block}") from exc
    assert (tmp_path / "model.alrnn.npz").exists()


def test_the_layout_names_every_module():
    # DESIGN.md: the README's Layout describes the tree as it is.
    package = README.parent / "sklearn_alrnn"
    layout = README.read_text().split("## Layout", 1)[1].split("\n    tests/", 1)[0]
    listed = set(re.findall(r"^      (\S+\.py)\b", layout, flags=re.M))
    modules = {str(path.relative_to(package)) for path in package.rglob("*.py")}
    assert modules - listed == set(), "modules the README's Layout does not name"
    assert listed - modules == set(), "the Layout names modules that do not exist"


@pytest.mark.parametrize("document", ["README.md", "RELIABILITY.md", "benchmarks/RESULTS.md"])
def test_the_tests_and_scripts_a_document_names_exist(document):
    # The evidence a document points to (a test file, a test in it, a benchmark or example) must be there.
    root = README.parent
    text = (root / document).read_text()
    named = set(re.findall(r"(tests/[\w/]+\.py)(?:::(\w+))?", text))
    assert len(named) >= 5
    missing = [f"{path}::{test}" if test else path for path, test in sorted(named)
               if not (root / path).exists() or (test and not re.search(rf"^def {test}\(", (root / path).read_text(),
                                                                        flags=re.M))]
    missing += [path for path in sorted(set(re.findall(r"((?:benchmarks|examples)/\w+\.(?:py|sh))", text)))
                if not (root / path).exists()]
    assert missing == [], f"{document} names what does not exist"


@pytest.mark.parametrize("document", ["README.md", "RELIABILITY.md", "benchmarks/RESULTS.md"])
def test_every_table_row_has_its_header_s_cells(document):
    # A "|" inside a row's code splits the cell where Markdown renders the table (RELIABILITY had one).
    lines = (README.parent / document).read_text().splitlines()
    uneven, header = [], None
    for number, line in enumerate(lines, 1):
        cells = len(re.split(r"(?<!\\)\|", line.strip())) if line.startswith("|") else None
        if cells and number < len(lines) and re.match(r"^\|\s*:?-", lines[number]) and header is None:
            header = cells
        elif cells is None:
            header = None
        elif header is None:
            uneven.append(f"line {number}: a row without a header and its |---| line above it")
        elif cells != header:
            uneven.append(f"line {number}: {cells - 2} cells, not {header - 2}")
    assert uneven == [], f"{document}: {uneven[:5]}"
