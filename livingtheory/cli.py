"""The command line: `python -m livingtheory check`, `release`, `withdraw`, `docs`, `new`, ... (see --help).

Every command reads the theory through the same checks; a problem of the records is printed as
located messages (file, line, what to do) with exit status 1, never a traceback, and a command
that writes does so only once everything it needs is valid.
"""
from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from pathlib import Path

from . import TheoryInvalid, load_theory
from . import check as check_theory
from .problems import CannotBuild, Problem


QUOTE_ID = re.compile(r"quote-[0-9]{2,}")  # as common.schema.json's quote_id


class Refused(Exception):
    """A command cannot do what it was asked (not a problem of the records): say why and what to do."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # The theory folder may come after a command's options (`withdraw quote-06 --reason r theory`):
    # argparse gives out positionals before it has read the options.
    if len(extra) == 1 and not extra[0].startswith("-") and getattr(args, "theory_dir", None) == Path("theory"):
        args.theory_dir, extra = Path(extra[0]), []
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return COMMANDS[args.command](args)
    except TheoryInvalid as invalid:
        if getattr(args, "format", "text") == "github":
            from .outputs.annotations import annotations
            print(annotations(invalid.problems), end="")
        print(invalid, file=sys.stderr)
        return 1
    except (CannotBuild, Refused) as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m livingtheory",
                                     description="Tools for the programme theory kept in theory/.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check every record; list every problem with its file and line")
    check.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="github: also print each problem as a GitHub annotation on its line")
    release = commands.add_parser("release", help="freeze the theory's version as an edition (editions/<version>.json, "
                                  "its manifest entry, CITATION.cff, .zenodo.json); `make release` also publishes it")
    release.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    release.add_argument("--date", help="the release date, YYYY-MM-DD (default: today)")
    version = commands.add_parser("version", help="print the theory's current version (theory/study.yaml)")
    version.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    version.add_argument("--edition", action="store_true", help="print it only if the theory is that released "
                         "edition, as released (exit 1 otherwise): the publishing workflow republishes it then")
    withdraw = commands.add_parser("withdraw", help="withdraw a quote: its words leave the records, every released "
                                   "snapshot and so every page, download and search index built from them")
    withdraw.add_argument("quote", help="the quote's id, e.g. quote-06")
    withdraw.add_argument("--reason", required=True, help="why, in words fit to publish (never who asked)")
    withdraw.add_argument("--date", help="YYYY-MM-DD (default: today)")
    withdraw.add_argument("--published-site", type=Path, help="a checkout of the published sites (the gh-pages "
                          "branch): its editions' pages, search indexes and downloads are scrubbed in the same run")
    withdraw.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    verify = commands.add_parser("verify-editions", help="check the released editions against a git ref (CI): "
                                 "nothing released was altered or added other than by `release` and `withdraw`")
    verify.add_argument("--base", default="origin/main")
    verify.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    doi = commands.add_parser("record-doi", help="record the DOI an archive (Zenodo) minted for a released edition")
    doi.add_argument("version", help="the edition, e.g. 1.0")
    doi.add_argument("doi", help="its version DOI, e.g. 10.5281/zenodo.1234567")
    doi.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    again = commands.add_parser("republish-editions", help="at an edition's tag: take editions/ from REF (main) up to "
                                "that edition, so that its pages are built again with its DOI and withdrawals")
    again.add_argument("version", help="the edition being rebuilt, e.g. 1.0")
    again.add_argument("--from", dest="ref", default="origin/main", help="where the manifest is kept (default: origin/main)")
    again.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    pdf = commands.add_parser("pdf", help="print a built site (mkdocs build) as the edition's archival PDF")
    pdf.add_argument("site", type=Path, help="the built site (directory URLs, as published)")
    pdf.add_argument("out", type=Path, help="the PDF to write")
    pdf.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    start = commands.add_parser("new-theory", help="start another theory from this project: the software, a small "
                                "valid theory to replace, your own name, address and edit links")
    start.add_argument("target", type=Path, help="a new folder for the new project")
    start.add_argument("--title", required=True, help="the theory's title")
    start.add_argument("--editor", required=True, help='its first editor, as "Family, Given"')
    start.add_argument("--site-url", required=True, help="where it will be published, https://... ending in /")
    start.add_argument("--repository", required=True, help="its repository, e.g. https://github.com/team/theory")
    new = commands.add_parser("new", help="write a new record with the next free ID")
    new_kinds = new.add_subparsers(dest="kind", required=True)
    new_cmoc = new_kinds.add_parser("cmoc", help="a proposed CMOC with placeholders to fill in")
    new_cmoc.add_argument("--outcome", required=True, help="the outcome's id (a file in theory/outcomes/)")
    new_cmoc.add_argument("--beneficiary", required=True, help="who benefits: a beneficiary of theory/study.yaml")
    new_cmoc.add_argument("--title", required=True)
    new_quote = new_kinds.add_parser("quote", help="a quote, cited by a CMOC with its direction")
    new_quote.add_argument("--participant", required=True, help="the participant's tag in its source")
    new_quote.add_argument("--source", help="the id of the participant's source (default: the source the theory "
                           "is based on)")
    new_quote.add_argument("--cmoc", required=True, help="the id of the CMOC it bears on")
    new_quote.add_argument("--direction", default="supports",
                           choices=("supports", "refines", "contradicts", "not-triggered"))
    new_quote.add_argument("--text", required=True, help="the quote, verbatim, without quotation marks")
    for kind in (new_cmoc, new_quote):
        kind.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    issue = commands.add_parser("from-issue", help="the YAML record(s) that a filled issue form describes")
    issue.add_argument("form", type=Path, help="the form, e.g. .github/ISSUE_TEMPLATE/new-cmoc.yml")
    issue.add_argument("body", type=Path, help="a file holding the issue's body (- for standard input)")
    issue.add_argument("--write", action="store_true", help="write the records into theory/ (only if they all pass)")
    issue.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    summary = commands.add_parser("summary", help="Markdown summary of the theory change against a git ref")
    summary.add_argument("--base", default="origin/main")
    summary.add_argument("--preview", help="the address of this change's preview, to link each changed record")
    summary.add_argument("--pull-request", type=int, help="link the preview published for this pull request "
                         "(<site_url>preview/pr-<number>/, site_url from mkdocs.yml)")
    docs = commands.add_parser("docs", help="write the whole site as a docs tree and a config (OUT/docs, "
                               "OUT/mkdocs.yml) that MkDocs, ProperDocs or Zensical build without hooks")
    docs.add_argument("out", type=Path)
    docs.add_argument("--project", default=".", type=Path, help="the project folder (mkdocs.yml, docs/, theory/)")
    docs.add_argument("--site-url", help="the published address (default: mkdocs.yml's site_url, or $SITE_URL)")
    qda = commands.add_parser("qda", help="the theory as a coding frame for NVivo, ATLAS.ti, MAXQDA or QualCoder "
                              "(REFI-QDA), and the segments a team codes on it back as quotes")
    qda_actions = qda.add_subparsers(dest="action", required=True)
    qda_export = qda_actions.add_parser("export", help="write the current CMOCs as codes a team imports into its tool")
    qda_export.add_argument("--output", required=True, type=Path, help="the REFI-QDA project to write (.qdpx)")
    qda_export.add_argument("--codebook", type=Path, help="also write the codes as a REFI-QDA codebook (.qdc)")
    qda_export.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    qda_import = qda_actions.add_parser("import", help="the coded segments of a REFI-QDA project as quotes, each "
                                        "cited by its CMOCs with its direction (nothing is written on any problem)")
    qda_import.add_argument("project", type=Path, help="the project exported by the team's tool (.qdpx)")
    qda_import.add_argument("--source", required=True, help="the id of the source the transcripts belong to "
                            "(written from the project when the theory has no such source)")
    qda_import.add_argument("--phase", help="the phase of a new source (default: the vocabulary's latest)")
    qda_import.add_argument("--dry-run", action="store_true", help="say what would be written, and write nothing")
    qda_import.add_argument("theory_dir", nargs="?", default="theory", type=Path)
    cff = commands.add_parser("citation-cff", help="print the CITATION.cff of the latest released edition")
    cff.add_argument("--project", default=".", type=Path)
    prepare = commands.add_parser("prepare", help="make once, at set-up, what every build uses and no theory "
                                  "changes: the site's font parts (from node_modules), its compiled templates "
                                  "and the core's compiled modules")
    prepare.add_argument("--project", default=".", type=Path)
    return parser


# ----------------------------------------------------------------------------- checking

def _check(args) -> int:
    theory = check_theory(args.theory_dir)
    print(f"theory {theory.study.version} is valid: {len(theory.cmocs)} CMOCs ({len(theory.current)} current), "
          f"{len(theory.quotes)} quotes, {len(theory.sources)} sources, {len(theory.services)} services, "
          f"{len(theory.outcomes)} outcomes")
    return 0


def _version(args) -> int:
    """The version theory/study.yaml records (only that record is read: the publishing workflow asks)."""
    from .records.schema import check_record
    from .records.yamlsource import read_record
    path = args.theory_dir / "study.yaml"
    if not path.is_file():
        raise TheoryInvalid([Problem(f"{args.theory_dir.name}/study.yaml", 0, 0, "the study record is missing",
                                     "run the command from the project folder")])
    record, problems = read_record(path, f"{args.theory_dir.name}/study.yaml")
    problems = problems or check_record("study", record)
    if problems:
        raise TheoryInvalid(problems)
    if args.edition:
        from .records.data import plain, theory_data
        from .records.editions import edition_of, load_editions
        theory = check_theory(args.theory_dir)
        editions = load_editions(args.theory_dir.parent / "editions", plain(theory.sources))
        if edition_of(theory.study.version, theory_data(theory), editions).draft:
            return 1
    print(record.data["theory"]["version"])
    return 0


# ----------------------------------------------------------------------------- releasing

def _today(value: str | None) -> str:
    if value is None:
        return datetime.date.today().isoformat()
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Refused(f"{value} is not a date: write YYYY-MM-DD") from None
    if day > datetime.date.today():
        raise Refused(f"{value} is in the future: a release or withdrawal is dated on the day it is made")
    return value


def _release(args) -> int:
    from .outputs.archive import citation_cff, zenodo_json
    from .outputs.crate import METADATA, archive_files, crate_json
    from .records.data import plain, theory_data, theory_json
    from .records.editions import diff, freeze, load_editions
    from .records.model import version_key
    from .web.addresses import all_pages
    from .site.config import publication_settings, repository_of
    theory = check_theory(args.theory_dir)
    project, folder = args.theory_dir.parent, args.theory_dir.parent / "editions"
    version = theory.study.version
    editions = load_editions(folder, plain(theory.sources))
    released = next((e for e in editions if e.version == version), None)
    if released:
        if not diff(released, theory_data(theory)):
            print(f"edition {version} is already released ({released.released}), and the theory is unchanged")
            return 0
        raise Refused(f"edition {version} was released with different content; editions never change: raise "
                      f"theory → version in theory/study.yaml (and record why in the histories)")
    if editions and version_key(version) <= version_key(editions[-1].version):
        raise Refused(f"version {version} is not later than edition {editions[-1].version}: raise theory → version")
    date = _today(args.date)
    target = freeze(folder, version, theory_json(theory, date), released=date, pages=sorted(all_pages(theory)))
    print(f"edition {version} frozen in {target}, released {date}, and recorded in {folder.name}/manifest.json")
    if (project / "mkdocs.yml").is_file():
        site_url, edit_base = publication_settings(project)
        _write(project / "CITATION.cff", citation_cff(theory.study, theory.based_on, version=version, released=date,
                                                      site_url=site_url, repository=repository_of(edit_base)))
        _write(project / ".zenodo.json", zenodo_json(theory.study, theory.based_on, version=version, released=date,
                                                    site_url=site_url, previous=editions[-1] if editions else None))
        records = [p.relative_to(project).as_posix() for p in sorted(args.theory_dir.rglob("*.yaml"))]
        _write(project / METADATA, crate_json(theory_data(theory, date), editions,
                                              site_url=site_url, files=archive_files(version, records)))
        print(f"CITATION.cff, .zenodo.json and {METADATA} (the edition's RO-Crate) written for it: commit them with "
              f"the snapshot, then tag v{version} to publish the edition and archive it")
    return 0


def _withdraw(args) -> int:
    """In this order, so that the words are never lost before every copy of them is gone: scrub the
    published sites, redact the snapshots, then take them out of the record."""
    from .outputs.scrub import remnants, scrub_site, unscrubbable
    from .records.editions import redact
    from .records.withdraw import withdraw_quote
    from .records.model import Quote
    date = _today(args.date)
    reason = " ".join(args.reason.split())
    if not reason:
        raise Refused("give the reason, in words fit to publish")
    if not QUOTE_ID.fullmatch(args.quote):  # checked before any file is touched: an id is never a path
        raise Refused(f"{args.quote!r} is not a quote's id: name the quote as its file in "
                      f"{args.theory_dir.name}/quotes/ is named, without .yaml, such as quote-06")
    quote = load_theory(args.theory_dir).by_id.get(args.quote)
    if not isinstance(quote, Quote):
        raise Refused(f"there is no quote {args.quote} in {args.theory_dir}: name a quote by its id, as in its file "
                      f"name ({args.theory_dir.name}/quotes/)")
    if args.published_site and not args.published_site.is_dir():
        raise Refused(f"{args.published_site} is not a folder: give a checkout of the published sites (the gh-pages "
                      "branch)")
    if args.published_site and quote.text:
        changed = scrub_site(args.published_site, args.quote, quote.text, date=date, reason=reason)
        left = remnants(args.published_site, quote.text)
        if left:
            raise Refused(f"the words are still in {', '.join(str(p) for p in left[:5])}: nothing was withdrawn "
                          "from the records; tell the maintainers (a form of the words this command does not know)")
        shown = "".join(f"\n  {path.relative_to(args.published_site)}" for path in changed)
        print(f"scrubbed {len(changed)} published file{'s' if len(changed) != 1 else ''} under "
              f"{args.published_site}, each run of the words replaced by the withdrawal notice:{shown}\n"
              "commit and push that branch")
        for pdf in unscrubbable(args.published_site):
            print(f"{pdf.relative_to(args.published_site)} may hold the words and cannot be edited: make it again from "
                  "the scrubbed pages (`python -m livingtheory pdf`), and for a copy already deposited in an archive "
                  "follow decision 10 (docs/decisions/0010-withdrawal.md)")
    path = withdraw_quote(args.theory_dir, args.quote, date=date, reason=reason)
    editions = redact(args.theory_dir.parent / "editions", args.quote, date=date, reason=reason)
    print(f"{path}: withdrawn on {date}; its words are gone from the record")
    if editions:
        print(f"redacted from the snapshots of edition{'s' if len(editions) > 1 else ''} {', '.join(editions)} "
              "(recorded in editions/manifest.json); republish them so that their pages drop the words too "
              "(CONTRIBUTING: withdrawing a quote)")
    load_theory(args.theory_dir)  # what remains is valid (or its problems are listed)
    return 0


def _verify_editions(args) -> int:
    from .records.verify import verify_against_git
    problems = verify_against_git(args.theory_dir, args.base)
    try:  # the theory's own problems too: no command reports a broken theory as fine
        check_theory(args.theory_dir)
    except TheoryInvalid as invalid:
        problems += [p for p in invalid.problems if p not in problems]
    if problems:
        raise TheoryInvalid(problems)
    print(f"the released editions are as released (checked against {args.base})")
    return 0


def _record_doi(args) -> int:
    from .records.editions import record_doi
    check_theory(args.theory_dir)  # nothing is written beside a broken theory
    try:
        record_doi(args.theory_dir.parent / "editions", args.version, args.doi.removeprefix("https://doi.org/"))
    except ValueError as why:
        raise Refused(str(why)) from None
    print(f"edition {args.version}: DOI {args.doi} recorded in editions/manifest.json; commit it, and its pages, "
          "citations and head tags carry it once republished")
    return 0


def _republish_editions(args) -> int:
    import subprocess
    from .records.verify import editions_for_republishing
    check_theory(args.theory_dir)
    try:
        written = editions_for_republishing(args.theory_dir, args.ref, args.version)
    except (ValueError, KeyError, subprocess.CalledProcessError) as why:
        raise Refused(f"editions/ cannot be taken from {args.ref}: {why}") from None
    print(f"editions/ as {args.ref} has it, up to edition {args.version}: {', '.join(written)}")
    load_theory(args.theory_dir)  # the edition's theory with them is valid (or its problems are listed)
    return 0


def _pdf(args) -> int:
    from .outputs.citation import edition_urls
    from .outputs.pdf import BrowserUnavailable, edition_document, print_pdf
    from .records.data import plain, theory_data
    from .records.editions import edition_of, load_editions
    from .site.config import publication_settings
    theory = check_theory(args.theory_dir)
    editions = load_editions(args.theory_dir.parent / "editions", plain(theory.sources))
    state = edition_of(theory.study.version, theory_data(theory), editions)
    if not (args.site / "index.html").is_file():
        raise Refused(f"{args.site} is not a built site: build it first (mkdocs build --site-dir {args.site})")
    site_url, _ = publication_settings(args.theory_dir.parent)
    pinned, _ = edition_urls(site_url, state.version, "")
    document = edition_document(args.site, theory, version=state.version, released=state.released, doi=state.doi,
                                url=pinned)
    try:
        print_pdf(args.site, document, args.out)
    except BrowserUnavailable as why:
        raise Refused(f"the PDF is printed by Chromium, and {why}") from None
    print(f"{args.out}: the {'edition' if not state.draft else 'draft'} {state.version} as one PDF")
    return 0


def _new_theory(args) -> int:
    from .contrib.newtheory import new_theory
    family, _, given = args.editor.partition(",")
    if not family.strip() or not given.strip():
        raise Refused('write the editor as "Family, Given"')
    project = Path(__file__).resolve().parent.parent
    try:
        new_theory(project, args.target, title=args.title, editor=(family.strip(), given.strip()),
                   site_url=args.site_url, repository=args.repository.rstrip("/"))
    except ValueError as why:
        raise Refused(str(why)) from None
    load_theory(args.target / "theory")  # what it starts with is valid (or its problems are listed)
    print(f"started {args.target}: replace the example records in {args.target / 'theory'} with your theory's, "
          f"then: cd {args.target} && git init && make serve")
    return 0


# ----------------------------------------------------------------------------- contributors

def _new(args) -> int:
    """Works from a half-made change too (a CMOC already reworded, its version not yet raised): the
    records are read as they are, the new files written only if the theory with them is valid, and
    otherwise every problem that would remain is listed, the files untouched."""
    from .contrib import scaffold
    from .records.loader import load
    theory_dir = args.theory_dir
    loaded = load(theory_dir)
    if loaded.theory is None or loaded.incomplete:  # records that cannot be read: nothing to build on
        raise TheoryInvalid(loaded.problems, incomplete=loaded.incomplete)
    theory, editions = loaded.theory, loaded.editions
    today = datetime.date.today().isoformat()
    if args.kind == "cmoc":
        files = scaffold.new_cmoc(theory_dir, theory, editions, outcome=args.outcome, beneficiary=args.beneficiary,
                                  title=args.title, today=today)
    else:
        files = scaffold.new_quote(theory_dir, theory, editions, source=args.source or theory.study.based_on,
                                   participant=args.participant, cmoc=args.cmoc, direction=args.direction,
                                   text=args.text, today=today)
    left = [p for p in scaffold.problems_with(theory_dir, files) if "is still a placeholder" not in p.message]
    if left:
        raise TheoryInvalid(left)
    for path, text in files.items():
        _write(path, text)
        print(f"wrote {path}")
    print(f"fill in what they ask (each `{scaffold.PLACEHOLDER}: ...>>`), then run `python -m livingtheory check`")
    return 0


def _from_issue(args) -> int:
    from .contrib import forms
    body = sys.stdin.read() if str(args.body) == "-" else args.body.read_text(encoding="utf-8")
    try:
        files = forms.records_from_issue(args.form, body, args.theory_dir, today=datetime.date.today().isoformat())
    except forms.Acknowledged as report:
        print(f"nothing to write: {report}")
        return 0
    if args.write:
        for path, text in files.items():
            _write(path, text)
        print("\n".join(f"wrote {path}" for path in files))
    else:
        for path, text in files.items():
            print(f"# {path}\n{text}", end="" if text.endswith("\n") else "\n")
    return 0


def _summary(args) -> int:
    from .outputs.summary import change_summary
    preview = args.preview
    if args.pull_request:
        from .site.config import publication_settings
        preview = f"{publication_settings(Path('.'))[0].rstrip('/')}/preview/pr-{args.pull_request}/"
    from .site.config import preview_addresses
    print(change_summary(Path("."), args.base, preview=preview, site=preview_addresses(Path("."))), end="")
    return 0


def _docs(args) -> int:
    from .site.docs import build_docs
    site = build_docs(args.project, args.out, site_url=args.site_url or os.environ.get("SITE_URL"))
    print(f"wrote {len(site.pages)} generated pages and the hand-written ones to {args.out / 'docs'}; "
          f"build with: zensical build -f {args.out / 'mkdocs.yml'} (or mkdocs, properdocs)")
    return 0


def _prepare(args) -> int:
    from .site.generate import prepare
    fonts, templates, modules = prepare(args.project)
    print(f"{fonts} font parts ready; {templates} templates and {modules} modules compiled")
    return 0


def _citation_cff(args) -> int:
    from .outputs.archive import citation_cff
    from .records.data import plain
    from .records.editions import load_editions
    from .site.config import publication_settings, repository_of
    theory = load_theory(args.project / "theory")
    editions = load_editions(args.project / "editions", plain(theory.sources))
    if not editions:
        raise Refused("no edition is released yet: CITATION.cff describes a released edition")
    site_url, edit_base = publication_settings(args.project)
    print(citation_cff(theory.study, theory.based_on, version=editions[-1].version, released=editions[-1].released,
                       site_url=site_url, repository=repository_of(edit_base)), end="")
    return 0


def _qda(args) -> int:
    from .contrib import qdaimport, refiqda
    from .outputs import codingframe
    if args.action == "export":
        theory = load_theory(args.theory_dir)
        codes = codingframe.frame(theory)
        name = f"{' '.join(theory.study.title.split())}: coding frame, version {theory.study.version}"
        try:
            codingframe.write_project(args.output, name, codes, origin="livingtheory")
            if args.codebook:
                _write(args.codebook, codingframe.codebook_text(theory))
        except OSError as cannot:
            raise Refused(f"cannot write {cannot.filename}: {cannot.strerror}: give a file in a folder that "
                          "exists and that you may write to") from None
        print(f"wrote {args.output}: {sum(len(o.children) for o in codes)} CMOC codes under {len(codes)} outcomes")
        if args.codebook:
            print(f"wrote {args.codebook}")
        return 0
    return _qda_import(args, qdaimport, refiqda)


def _qda_import(args, qdaimport, refiqda) -> int:
    from .contrib import scaffold
    from .records.loader import load
    loaded = load(args.theory_dir)
    if loaded.problems:  # the import builds on a theory that `check` accepts
        raise TheoryInvalid(loaded.problems, incomplete=loaded.incomplete)
    theory = loaded.theory
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", args.source):
        raise Refused(f"--source {args.source!r} is not a source id: lower-case letters and digits, words joined by "
                      "hyphens, e.g. phase-2-interviews")
    phases = [p.id for p in theory.study.vocabulary.phases]
    if args.phase and args.phase not in phases:
        raise Refused(f"--phase {args.phase!r} is not a phase of the vocabulary (study.yaml): use one of "
                      + (", ".join(phases) or "none yet: add the phase to `vocabulary` -> `phases` first"))
    try:
        project = refiqda.read(args.project)
    except refiqda.QdaError as error:
        raise Refused(str(error)) from None
    plan = qdaimport.plan(project, theory, args.source)
    for line in plan.renamed:
        print(f"participant tag: {line}")
    for line in plan.skipped:
        print(f"not imported (on no CMOC's code): {line}")
    refused = plan.refused + qdaimport.identifying(plan, theory)
    if refused:
        print("\n".join(f"refused: {line}" for line in refused), file=sys.stderr)
        print(f"nothing written ({len(refused)} refused)", file=sys.stderr)
        return 1
    imported = qdaimport.records(plan, project, theory, loaded.editions, args.theory_dir, source_id=args.source,
                                   phase=args.phase, today=datetime.date.today().isoformat())
    for word, lines in (("add", imported.added), ("change", imported.changed)):
        for line in lines:
            print(f"{word}: {line}")
    if imported.unchanged:
        print(f"unchanged: {len(imported.unchanged)} segments already cited as coded")
    if not imported.files:
        print("nothing to write: the theory already holds every coded segment of this project")
        return 0
    problems = scaffold.problems_with(args.theory_dir, imported.files)
    if problems:
        print(TheoryInvalid(problems), file=sys.stderr)
        print("nothing written: the theory with these records would not pass `check`", file=sys.stderr)
        return 1
    if args.dry_run:
        print("dry run: nothing written; these files would be:\n" + "\n".join(f"  {p}" for p in imported.files))
        return 0
    for path, text in imported.files.items():
        _write(path, text)
        print(f"wrote {path}")
    for line in imported.review:
        print(f"review: {line}")
    return 0


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a command stopped half-way leaves no torn file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


COMMANDS = {"check": _check, "version": _version, "release": _release, "withdraw": _withdraw,
            "verify-editions": _verify_editions, "new": _new, "from-issue": _from_issue, "summary": _summary,
            "docs": _docs, "citation-cff": _citation_cff, "record-doi": _record_doi,
            "republish-editions": _republish_editions, "pdf": _pdf, "new-theory": _new_theory, "qda": _qda,
            "prepare": _prepare}
