"""The core's shape, as a newcomer relies on it: data flows one way (records -> site -> outputs),
the MkDocs adapters use only the public entry point, every module says what it holds, and nothing
in the code, templates or schemas belongs to one paper or one country."""
import ast
import re
from pathlib import Path

import pytest

from conftest import REPO

CORE = REPO / "livingtheory"
MODULES = sorted(p for p in CORE.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[str]:
    """Absolute names of the livingtheory modules a file imports."""
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name.split(".")[0] == "livingtheory"]


def test_records_depend_on_nothing_downstream():
    """The model and its checks never import how it is shown or exported."""
    for path in (CORE / "records").rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("livingtheory.site", "livingtheory.outputs", "livingtheory.contrib")), \
                (path.relative_to(REPO), name)


def test_the_outputs_and_the_web_stage_never_import_the_site():
    """Addresses, page text and records' names are a stage of their own (web/), which the site and
    the outputs both stand on: the outputs never reach up into the site, nor web/ past the records."""
    for path in (CORE / "outputs").rglob("*.py"):
        assert not [n for n in _imports(path) if n.startswith("livingtheory.site")], path.relative_to(REPO)
    for path in (CORE / "web").rglob("*.py"):
        assert all(n.startswith(("livingtheory.records", "livingtheory.web")) for n in _imports(path)), \
            path.relative_to(REPO)


def test_the_site_never_imports_the_contributors_tools():
    for path in [*(CORE / "site").rglob("*.py"), *(CORE / "outputs").rglob("*.py"), *(CORE / "web").rglob("*.py")]:
        assert not [n for n in _imports(path) if n.startswith("livingtheory.contrib")], path.relative_to(REPO)


def test_the_mkdocs_adapters_use_only_the_public_entry_point():
    for path in (REPO / "hooks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("livingtheory"):
                assert node.module == "livingtheory", (path.name, node.module)
                import livingtheory
                assert all(alias.name in dir(livingtheory) and not alias.name.startswith("_") for alias in node.names)


def test_every_module_says_what_it_holds():
    for path in [*MODULES, *(REPO / "hooks").glob("*.py")]:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if path.name == "__init__.py" and not path.read_text().strip():
            continue
        assert doc and doc.split("\n")[0].strip(), path.relative_to(REPO)


# What belongs to the first edition's paper and place alone. The reader of old snapshot formats
# (records/editions.py) must name the fields those formats had (paper_section, paper_title).
TRACES = [r"Thompson", r"Table 1\b", r"Birmingham", r"Walsall", r"West Midlands", r"\bNHS\b", r"\bF2F\b",
          r"#13\b", r"paper_\w+", r"peer-support-ipt", r"peertheory", r"s44192", r"Discover Mental Health",
          r"paediatric", r"\+44", r"(?i)\bhope\b"]
OLD_FORMATS = {("livingtheory/records/editions.py", r"paper_\w+")}


@pytest.mark.parametrize("path", [p for p in [*MODULES, *CORE.rglob("*.j2"), *CORE.rglob("*.json"), *CORE.rglob("*.js"),
                                              *(REPO / "hooks").glob("*.py"), *(REPO / "overrides").rglob("*.html"),
                                              *CORE.rglob("*.css")]
                                  if "__pycache__" not in p.parts], ids=lambda p: str(p.relative_to(REPO)))
def test_nothing_in_the_code_belongs_to_one_paper_or_place(path):
    text = path.read_text(encoding="utf-8")
    for trace in TRACES:
        if (str(path.relative_to(REPO)), trace) in OLD_FORMATS:
            continue
        assert not re.search(trace, text), f"{path.relative_to(REPO)}: {trace}"


def test_a_page_has_one_kind_of_placeholder():
    """Every part of a generated page (an HTML fragment or a diagram) stands in its Markdown as one
    kind of placeholder, filled in one place (site/assembly.fill)."""
    placeholders = set()
    for path in (CORE / "site").rglob("*"):
        if path.suffix in (".py", ".j2"):
            placeholders |= set(re.findall(r'data-(part|diagram|fragment|placeholder)="', path.read_text()))
    assert placeholders == {"part"}
