"""A living realist programme theory: its records, checked, and the site and files made from them.

The pipeline runs one way, a stage a folder: `records` (read, validate, model, lifecycle,
editions) -> `site` (addresses, pages, diagrams, checks of what is generated) and `outputs`
(citations, files for other programs). Nothing here imports a site builder: the hooks in
../hooks/ adapt this public API to MkDocs' events, and `python -m livingtheory docs` writes the
same site as a docs tree for any builder.
"""
from .problems import CannotBuild, Problem, TheoryInvalid
from .records.loader import load_theory
from .site.generate import NOT_IN_NAV, PROBLEMS, GeneratedSite, StaticDrawingRequired, check, generate, write_docs

__all__ = ["CannotBuild", "GeneratedSite", "NOT_IN_NAV", "PROBLEMS", "Problem", "StaticDrawingRequired", "TheoryInvalid", "check",
           "generate", "load_theory", "write_docs"]
