"""A living realist programme theory: its records, checked, and the site and files made from them.

The pipeline runs one way, a stage a folder: `records` (read, validate, model, lifecycle,
editions) -> `site` (addresses, pages, diagrams, checks of what is generated) and `outputs`
(citations, files for other programs). Nothing here imports a site builder: the hooks in
../hooks/ adapt this public API to MkDocs' events, and `python -m livingtheory docs` writes the
same site as a docs tree for any builder.
"""
from .problems import CannotBuild, Problem, TheoryInvalid

# The rest is imported when first asked for: a process that needs one stage (the diagram worker
# beside a build imports site.drawing alone) does not pay for every other (about 0.2 s).
_PUBLIC = {"load_theory": ".records.loader", "NOT_IN_NAV": ".site.generate", "PROBLEMS": ".site.generate",
           "GeneratedSite": ".site.generate", "StaticDrawingRequired": ".site.generate", "check": ".site.generate",
           "generate": ".site.generate", "write_docs": ".site.generate"}

__all__ = ["CannotBuild", "GeneratedSite", "NOT_IN_NAV", "PROBLEMS", "Problem", "StaticDrawingRequired", "TheoryInvalid", "check",
           "generate", "load_theory", "write_docs"]


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'livingtheory' has no attribute {name!r}")
    from importlib import import_module
    value = getattr(import_module(_PUBLIC[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
