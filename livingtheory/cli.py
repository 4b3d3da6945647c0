"""The command line: `python -m livingtheory check`, `release`, `docs`, `new`, ... (see --help)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import TheoryInvalid, load_theory
from . import check as check_theory
from .records.editions import snapshot, version_key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m livingtheory",
                                     description="Tools for the programme theory kept in theory/.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check every record; list every problem with its file and line")
    check.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    release = commands.add_parser("release", help="freeze the current theory version as an edition snapshot "
                                  "(editions/<version>.json); `make release` also publishes it with mike")
    release.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    commands.add_parser("version", help="print the theory's current version (theory/study.yaml)")
    new = commands.add_parser("new", help="write a new record with the next free ID")
    new_kinds = new.add_subparsers(dest="kind", required=True)
    new_cmoc = new_kinds.add_parser("cmoc", help="a proposed CMOC with placeholders to fill in")
    new_cmoc.add_argument("--outcome", required=True, help="the outcome's id, e.g. hope")
    new_cmoc.add_argument("--beneficiary", required=True, choices=_beneficiaries(),
                          help="who benefits: one of the beneficiaries in theory/study.yaml")
    new_cmoc.add_argument("--title", required=True)
    new_quote = new_kinds.add_parser("quote", help="a quote, listed under the CMOC it illustrates")
    new_quote.add_argument("--participant", required=True, help='the participant\'s tag in its source, e.g. "#13"')
    new_quote.add_argument("--source", help="the id of the participant's source (default: the source the theory "
                           "is based on)")
    new_quote.add_argument("--cmoc", required=True, help="the id of the CMOC it illustrates")
    new_quote.add_argument("--text", required=True, help="the quote, verbatim, without quotation marks")
    issue = commands.add_parser("from-issue", help="print the YAML record that a filled issue form describes")
    issue.add_argument("form", type=Path, help="the form, e.g. .github/ISSUE_TEMPLATE/new-cmoc.yml")
    issue.add_argument("body", type=Path, help="a file holding the issue's body (- for standard input)")
    summary = commands.add_parser("summary", help="Markdown summary of the theory change against a git ref")
    summary.add_argument("--base", default="origin/main")
    docs = commands.add_parser("docs", help="write the whole site as a docs tree and a config (OUT/docs, "
                               "OUT/mkdocs.yml) that MkDocs, ProperDocs or Zensical build without hooks")
    docs.add_argument("out", type=Path)
    docs.add_argument("--project", default=".", type=Path, help="the project folder (mkdocs.yml, docs/, theory/)")
    docs.add_argument("--site-url", help="the published address (default: mkdocs.yml's site_url, or $SITE_URL)")
    cff = commands.add_parser("citation-cff", help="print CITATION.cff made from theory/study.yaml and mkdocs.yml")
    cff.add_argument("--config", default="mkdocs.yml", type=Path)
    args = parser.parse_args(argv)
    if args.command == "citation-cff":
        return _citation_cff(args.config)
    if args.command == "docs":
        import os
        from .site.docs import build_docs
        try:
            site = build_docs(args.project, args.out, site_url=args.site_url or os.environ.get("SITE_URL"))
        except TheoryInvalid as invalid:
            print(invalid, file=sys.stderr)
            return 1
        print(f"wrote {len(site.pages)} generated pages and the hand-written ones to {args.out / 'docs'}; "
              f"build with: zensical build -f {args.out / 'mkdocs.yml'} (or mkdocs, properdocs)")
        return 0
    if args.command == "version":
        print(load_theory(Path("theory")).study.version)
        return 0
    if args.command in ("new", "from-issue", "summary"):
        return _contrib(args)
    try:
        theory = check_theory(args.theory_dir) if args.command == "check" else load_theory(args.theory_dir)
    except TheoryInvalid as invalid:
        print(invalid, file=sys.stderr)
        return 1
    if args.command == "release":
        return _release(theory, args.theory_dir.parent / "editions")
    print(f"theory {theory.study.version} is valid: {len(theory.cmocs)} CMOCs, {len(theory.quotes)} quotes, "
          f"{len(theory.services)} services, {len(theory.outcomes)} outcomes")
    return 0


def _beneficiaries() -> list[str] | None:
    """The CLI's choices follow the theory's vocabulary (none offered when it cannot be read here)."""
    try:
        import yaml
        words = yaml.safe_load(Path("theory/study.yaml").read_text())["vocabulary"]["beneficiaries"]
        return [term["id"] for term in words]
    except Exception:  # noqa: BLE001 - not in a project folder, or a broken study.yaml: check will say why
        return None


def _contrib(args) -> int:
    import datetime

    from .contrib import tools as contrib
    theory_dir = Path("theory")
    today = datetime.date.today().isoformat()
    if args.command == "summary":
        print(contrib.change_summary(Path("."), args.base), end="")
        return 0
    version = load_theory(theory_dir).study.version
    if args.command == "from-issue":
        body = sys.stdin.read() if str(args.body) == "-" else args.body.read_text()
        kind = "cmoc" if "cmoc" in args.form.name else "quote"
        record_id = contrib.next_id(theory_dir / f"{kind}s", kind)
        text, problems = contrib.issue_to_yaml(args.form, body, record_id=record_id, today=today, version=version)
        print(text, end="")
        for problem in problems:
            print(f"{problem}", file=sys.stderr)
        return 1 if problems else 0
    if args.kind == "cmoc":
        path = contrib.new_cmoc(theory_dir, outcome=args.outcome, beneficiary=args.beneficiary, title=args.title,
                                today=today, version=version)
    else:
        path = contrib.new_quote(theory_dir, participant=args.participant, cmoc=args.cmoc, text=args.text,
                                 source=args.source or load_theory(theory_dir).study.based_on)
    print(f"wrote {path}: fill in what it asks, then run `python -m livingtheory check`")
    return 0


def _release(theory, folder: Path) -> int:
    version = theory.study.version
    target = folder / f"{version}.json"
    released = [p.stem for p in folder.glob("*.json")] if folder.is_dir() else []
    if target.exists():
        from .records.data import theory_data
        from .records.editions import diff, load_editions
        released_as = next(e for e in load_editions(folder) if e.version == version)
        if target.read_text() == snapshot(theory) or not diff(released_as, theory_data(theory)):
            print(f"edition {version} is already released, and unchanged")  # (an older snapshot format is kept)
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
    config = folder.parent / "mkdocs.yml"
    if config.is_file():  # GitHub's "Cite this repository" follows the newest edition, made here
        from .outputs.citation import citation_cff
        from .site.config import publication_settings, repository_of
        site_url, edit_base = publication_settings(folder.parent)
        repository = repository_of(edit_base)
        (folder.parent / "CITATION.cff").write_text(citation_cff(theory.study, theory.based_on, site_url=site_url,
                                                                 repository=repository))
        print(f"CITATION.cff written for edition {version}")
    return 0


def _citation_cff(config_file: Path) -> int:
    from .outputs.citation import citation_cff
    from .site.config import publication_settings, repository_of
    site_url, edit_base = publication_settings(config_file.parent)
    repository = repository_of(edit_base)
    theory = load_theory(config_file.parent / "theory")
    print(citation_cff(theory.study, theory.based_on, site_url=site_url, repository=repository), end="")
    return 0

