"""`python -m peertheory check [THEORY_DIR]`: check the theory; exit 0 only when it is valid."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import TheoryInvalid, load_theory
from .editions import check_published, load_editions, snapshot, version_key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peertheory",
                                     description="Tools for the programme theory kept in theory/.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check every record; list every problem with its file and line")
    check.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    release = commands.add_parser("release", help="freeze the current theory version as an edition snapshot "
                                  "(editions/<version>.json); `make release` also publishes it with mike")
    release.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    commands.add_parser("version", help="print the theory's current version (theory/study.yaml)")
    cff = commands.add_parser("citation-cff", help="print CITATION.cff made from theory/study.yaml and mkdocs.yml")
    cff.add_argument("--config", default="mkdocs.yml", type=Path)
    args = parser.parse_args(argv)
    if args.command == "citation-cff":
        return _citation_cff(args.config)
    if args.command == "version":
        print(load_theory(Path("theory")).study.version)
        return 0
    try:
        theory = load_theory(args.theory_dir)
        problems = check_published(theory, load_editions(args.theory_dir.parent / "editions"), args.theory_dir.name)
        if problems:
            raise TheoryInvalid(problems)
    except TheoryInvalid as invalid:
        print(invalid, file=sys.stderr)
        return 1
    if args.command == "release":
        return _release(theory, args.theory_dir.parent / "editions")
    print(f"theory {theory.study.version} is valid: {len(theory.cmocs)} CMOCs, {len(theory.quotes)} quotes, "
          f"{len(theory.services)} services, {len(theory.outcomes)} outcomes")
    return 0


def _release(theory, folder: Path) -> int:
    version = theory.study.version
    target = folder / f"{version}.json"
    released = [p.stem for p in folder.glob("*.json")] if folder.is_dir() else []
    if target.exists():
        if target.read_text() == snapshot(theory):
            print(f"edition {version} is already released, and unchanged")
            return 0
        print(f"edition {version} was released with different content; editions never change.\n"
              f"    fix: raise theory → version in theory/study.yaml (and record why in the CMOC histories)",
              file=sys.stderr)
        return 1
    if released and version_key(version) <= max(version_key(v) for v in released):
        print(f"version {version} is not later than the released editions ({', '.join(sorted(released))})",
              file=sys.stderr)
        return 1
    folder.mkdir(exist_ok=True)
    target.write_text(snapshot(theory))
    print(f"edition {version} frozen in {target}")
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
