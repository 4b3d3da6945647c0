"""The peer support programme theory: load and validate theory/, and render its pages.

Nothing here imports MkDocs: the hooks in ../ adapt it to MkDocs events.
"""
from .loader import load_theory
from .problems import Problem, TheoryInvalid

__all__ = ["load_theory", "Problem", "TheoryInvalid"]
