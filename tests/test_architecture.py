"""The house's rules that no linter checks: no import cycle, no module too long to read at once.
(The layers and "model/ never imports streamlit" are import-linter's contracts in pyproject.toml.)"""

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 300


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("model", "ui", "pages", include_external_packages=False)


def test_no_module_imports_itself_back(graph):
    cycles = [
        (module, imported, graph.find_shortest_chain(importer=imported, imported=module))
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


def test_the_recognition_path_stands_alone(graph):
    # What a stroke needs must load without the code that makes models (and its TensorFlow data pipelines).
    reached = graph.find_upstream_modules("model.recognition.numbers") | graph.find_upstream_modules(
        "model.recognition.predictor"
    )
    assert not {module for module in reached if module.startswith(("model.making", "model.hosting", "model.rooms"))}


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("model", "ui", "pages")
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_page_enters_through_the_app():
    # A page that forgets it opens under Streamlit's file list when it is a fresh server's first visit.
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert pages
    for path in pages:
        body = ast.parse(path.read_text()).body
        statements = [node for node in body[1:] if not isinstance(node, (ast.Import, ast.ImportFrom))]
        first = statements[0]
        assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Call), path.name
        assert ast.unparse(first.value) == "enter_through_the_app()", path.name
