"""`python -m peertheory check [THEORY_DIR]`: check the theory; exit 0 only when it is valid."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import TheoryInvalid, load_theory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peertheory",
                                     description="Tools for the programme theory kept in theory/.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check every record; list every problem with its file and line")
    check.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    cff = commands.add_parser("citation-cff", help="print CITATION.cff made from theory/study.yaml and mkdocs.yml")
    cff.add_argument("--config", default="mkdocs.yml", type=Path)
    args = parser.parse_args(argv)
    if args.command == "citation-cff":
        return _citation_cff(args.config)
    try:
        theory = load_theory(args.theory_dir)
    except TheoryInvalid as invalid:
        print(invalid, file=sys.stderr)
        return 1
    print(f"theory {theory.study.version} is valid: {len(theory.cmocs)} CMOCs, {len(theory.quotes)} quotes, "
          f"{len(theory.services)} services, {len(theory.outcomes)} outcomes")
    return 0


def _citation_cff(config_file: Path) -> int:
    import re

    from .citation import citation_cff
    config = config_file.read_text()
    site_url = re.search(r'^site_url: .*"(https?://[^"]+)"', config, re.M).group(1)  # the !ENV default
    edit_uri = re.search(r"^edit_uri: (\S+)", config, re.M).group(1)
    theory = load_theory(config_file.parent / "theory")
    print(citation_cff(theory.study, site_url=site_url, repository=edit_uri.split("/edit/")[0]), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
