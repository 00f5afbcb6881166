"""Mutation check: plant realistic defects one at a time and see whether the tests catch them.

Each mutant changes one thing in a throw-away copy of the repository (data, shapes, queries or
code), runs the test files that should notice, and counts as *caught* when pytest fails. The copy
is made from a git ref (``--ref main``: that commit's code, data and tests) or from the working
tree, in a temporary folder that is a git repository of its own (so ``--update-golden``'s guard
sees clean goldens); the checkout this script lives in is never touched. The *golden absorption*
mutants plant a data defect, run ``pytest --update-golden`` (a careless curator accepting every
diff) and then run the tests: they count as caught only if a test that does not read a golden
still fails.

    python bench/mutate.py                 # the working tree's code and tests
    python bench/mutate.py --ref main      # another commit's (e.g. before a change)
    python bench/mutate.py --only hpoa-count,shape-source-mincount --keep

Mutants run one after the other (the machine is shared); a run takes about 10-15 minutes.
Exit status: 0 when the score reaches ``--target`` percent, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ipexkg.model import frequency_term_for

REPO = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------------------------
# Editing helpers (each raises NotApplicableError when its anchor is missing, so a stale mutant is
# reported instead of silently planting nothing)
# ------------------------------------------------------------------------------------------------


class NotApplicableError(Exception):
    """The anchor of a mutant is not in this copy of the repository."""


def replace(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise NotApplicableError(f"{rel}: {old!r} not found")
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def sub(root: Path, rel: str, pattern: str, new: str, flags: int = 0) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    changed, n = re.subn(pattern, new, text, count=1, flags=flags)
    if n == 0:
        raise NotApplicableError(f"{rel}: /{pattern}/ not found")
    path.write_text(changed, encoding="utf-8")


Row = dict[str, str]


def _read(root: Path, table: str) -> tuple[list[str], list[Row]]:
    with (root / "data" / f"{table}.tsv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return list(reader.fieldnames or ()), list(reader)


def _write(root: Path, table: str, header: list[str], rows: list[Row]) -> None:
    lines = ["\t".join(header)] + ["\t".join(row[c] or "" for c in header) for row in rows]
    (root / "data" / f"{table}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_row(
    root: Path, table: str, match: Callable[[Row], bool], change: Callable[[Row], object]
) -> None:
    """Apply ``change`` to the first row of ``table`` that ``match``es."""
    header, rows = _read(root, table)
    for row in rows:
        if match(row):
            if change(row) is False:
                continue
            _write(root, table, header, rows)
            return
    raise NotApplicableError(f"no matching row in {table}.tsv")


def delete_row(root: Path, table: str, match: Callable[[Row], bool]) -> None:
    header, rows = _read(root, table)
    for i, row in enumerate(rows):
        if match(row):
            del rows[i]
            _write(root, table, header, rows)
            return
    raise NotApplicableError(f"no matching row in {table}.tsv")


def _hpoa(row: Row) -> bool:
    return row["primary_knowledge_source"] == "infores:hpo-annotations"


def _orpha(row: Row) -> bool:
    return row["comment"].startswith("HPOA row for ORPHA")


def _plausible_count(row: Row) -> bool | None:
    """Change has_count by one so that the frequency term (and lint) still agree."""
    if not row["has_count"]:
        return False
    count, total = int(row["has_count"]), int(row["has_total"])
    for new in (count + 1, count - 1):
        if 0 <= new <= total and frequency_term_for(new, total) == frequency_term_for(count, total):
            row["has_count"] = str(new)
            return None
    return False


def _other_pmid(root: Path, not_this: str) -> str:
    _, pubs = _read(root, "publications")
    return next(p["id"] for p in pubs if p["id"].startswith("PMID:") and p["id"] != not_this)


def _swap_source(root: Path, table: str, match: Callable[[Row], bool]) -> None:
    def change(row: Row) -> None:
        row["source"] = _other_pmid(root, row["source"])

    edit_row(root, table, lambda r: match(r) and r["source"].startswith("PMID:"), change)


def _other_phenotype(root: Path) -> Callable[[Row], bool | None]:
    """Give a row another valid HPO phenotype (one in nodes.tsv, label and all)."""
    _, nodes = _read(root, "nodes")
    _, phen = _read(root, "phenotypes")
    used = {(r["object"], r["source"]) for r in phen}

    def change(row: Row) -> bool | None:
        for node in nodes:
            if node["category"] != "biolink:PhenotypicFeature" or node["id"] == row["object"]:
                continue
            if (node["id"], row["source"]) not in used:
                row["object"], row["object_label"] = node["id"], node["label"]
                return None
        return False

    return change


def _relabel_everywhere(root: Path, curie: str, new_label: str) -> None:
    """A wrong label for a non-HPO node, made consistently in every table (lint stays quiet)."""
    _, nodes = _read(root, "nodes")
    old = next((n["label"] for n in nodes if n["id"] == curie), None)
    if old is None:
        raise NotApplicableError(f"{curie} not in nodes.tsv")
    for path in (root / "data").glob("*.tsv"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"\t{old}\t", f"\t{new_label}\t"), encoding="utf-8")


def _duplicate_row(root: Path, table: str) -> None:
    header, rows = _read(root, table)
    if not rows:
        raise NotApplicableError(f"{table}.tsv is empty")
    copy = dict(rows[0])
    copy["comment"] = copy.get("comment", "") + " (again)"
    rows.append(copy)
    _write(root, table, header, rows)


def _drop_min_count(root: Path, shape: str) -> None:
    sub(
        root,
        "shapes/ipex.shapes.ttl",
        rf"(ipexsh:{re.escape(shape)}\n(?:    .*\n)*?)    sh:minCount 1 ;\n",
        r"\1",
    )


def _round_half_even(root: Path) -> None:
    rel = "src/ipexkg/model.py"
    replace(
        root, rel, "quantize(Decimal(1), ROUND_HALF_UP)", "quantize(Decimal(1), ROUND_HALF_EVEN)"
    )
    replace(root, rel, "import ROUND_HALF_UP,", "import ROUND_HALF_EVEN, ROUND_HALF_UP,")


def _cache_ignores_changes(root: Path) -> None:
    """The store cache answers from the old store although the graph changed."""
    sub(
        root,
        "src/ipexkg/engines.py",
        r"cached\[0\]\(\) is graph and cached\[1\] == \w+",
        "cached[0]() is graph",
    )


# ------------------------------------------------------------------------------------------------
# The mutants
# ------------------------------------------------------------------------------------------------

CURATION = ["tests/test_curation.py", "tests/test_lint_rules.py"]
#: data defects: independent tests first, then the query goldens (-x: the first failure ends it)
GOLDEN_ANSWERS = "tests/test_queries.py::test_query_gives_its_golden_answer"
COVERAGE = ["tests/test_coverage.py", "tests/test_independent.py", GOLDEN_ANSWERS]
BUILD = ["tests/test_build.py", "tests/test_independent.py", GOLDEN_ANSWERS]
#: slow tests about reproducibility, not content: left out of every run to keep it short
DESELECT = [
    "tests/test_build.py::test_build_is_byte_identical_across_hash_seeds",
    "tests/test_build.py::test_main_job_builds_validates_exports_and_answers",
    "tests/test_queries.py::test_answers_stay_the_same_among_other_diseases",
]
SHAPES = ["tests/test_shapes.py", "tests/test_required_properties.py", "tests/test_validate.py"]
QC = ["tests/test_validate.py", "tests/test_numeric_edges.py"]
QUERIES = ["tests/test_queries.py", "tests/test_numeric_edges.py"]
MODEL = ["tests/test_curation.py", "tests/test_numeric_edges.py", "tests/test_hpoa_graph.py"]
#: the test files whose goldens a careless ``--update-golden`` would rewrite
GOLDEN_FILES = [
    GOLDEN_ANSWERS,
    "tests/test_release.py::test_release_files_equal_their_golden_files",
]


@dataclass(frozen=True)
class Mutant:
    name: str
    what: str
    plant: Callable[[Path], None]
    tests: tuple[str, ...]
    absorb_goldens: bool = False


def _m(name: str, what: str, plant: Callable[[Path], None], *tests: list[str]) -> Mutant:
    return Mutant(name, what, plant, tuple(dict.fromkeys(t for group in tests for t in group)))


MUTANTS: list[Mutant] = [
    # ---- data: rows taken from phenotype.hpoa
    _m(
        "hpoa-count",
        "an HPOA-derived count off by one (same frequency term)",
        lambda r: edit_row(r, "phenotypes", _hpoa, _plausible_count),
        COVERAGE,
    ),
    _m(
        "hpoa-pmid",
        "an HPOA-derived row cites another PMID",
        lambda r: _swap_source(r, "phenotypes", _hpoa),
        COVERAGE,
    ),
    _m(
        "hpoa-hp-term",
        "an HPOA-derived row states another valid HPO phenotype",
        lambda r: edit_row(r, "phenotypes", _hpoa, _other_phenotype(r)),
        COVERAGE,
    ),
    _m(
        "hpoa-frequency-term",
        "an Orphanet row's frequency term swapped for the next one",
        lambda r: edit_row(
            r,
            "phenotypes",
            lambda x: _orpha(x) and x["frequency"] == "HP:0040284",
            lambda x: x.update(frequency="HP:0040283"),
        ),
        COVERAGE,
    ),
    _m(
        "hpoa-evidence",
        "an HPOA-derived row's evidence code changed to another valid ECO code",
        lambda r: edit_row(
            r,
            "phenotypes",
            lambda x: _hpoa(x) and x["evidence"] == "ECO:0006017",
            lambda x: x.update(evidence="ECO:0000304"),
        ),
        COVERAGE,
    ),
    _m(
        "hpoa-onset",
        "an HPOA-derived row given an onset phenotype.hpoa does not state",
        lambda r: edit_row(
            r,
            "phenotypes",
            lambda x: (_hpoa(x) or _orpha(x)) and not x["onset"],
            lambda x: x.update(onset="HP:0011461"),
        ),
        COVERAGE,
    ),
    _m(
        "hpoa-row-deleted",
        "an HPOA-derived row deleted",
        lambda r: delete_row(r, "phenotypes", _orpha),
        COVERAGE,
    ),
    # ---- data: rows read from the seeds and other sources
    _m(
        "seed-count",
        "a seed-derived count changed (2 of 3 transplanted -> 1 of 3)",
        lambda r: edit_row(
            r,
            "associations",
            lambda x: (x["has_count"], x["has_total"]) == ("2", "3"),
            lambda x: x.update(has_count="1"),
        ),
        BUILD,
    ),
    _m(
        "seed-wildin",
        "Wildin 2002's 13 of 14 written as 12 of 14",
        lambda r: edit_row(
            r,
            "associations",
            lambda x: (x["has_count"], x["has_total"]) == ("13", "14"),
            lambda x: x.update(has_count="12"),
        ),
        BUILD,
    ),
    _m(
        "seed-source-swapped",
        "a curated (non-HPOA) fact cites another PMID",
        lambda r: _swap_source(r, "associations", lambda x: x["has_count"] == ""),
        BUILD,
    ),
    _m(
        "seed-row-deleted",
        "a MedlinePlus phenotype row deleted",
        lambda r: delete_row(
            r, "phenotypes", lambda x: x["primary_knowledge_source"] == "infores:medlineplus"
        ),
        BUILD,
    ),
    _m(
        "statement-deleted",
        "a text statement deleted",
        lambda r: delete_row(r, "statements", lambda x: True),
        BUILD,
    ),
    _m(
        "seed-hp-term",
        "a curated phenotype row states another valid HPO phenotype",
        lambda r: edit_row(
            r,
            "phenotypes",
            lambda x: x["primary_knowledge_source"] == "infores:medlineplus",
            _other_phenotype(r),
        ),
        BUILD,
    ),
    _m(
        "wrong-label-consistent",
        "a non-HPO node relabelled consistently in every table",
        lambda r: _relabel_everywhere(r, "CHEBI:4031", "cyclosporine B"),
        BUILD,
    ),
    _m(
        "wrong-label-row",
        "one row's object label differs from nodes.tsv",
        lambda r: edit_row(
            r, "phenotypes", lambda x: True, lambda x: x.update(object_label="Diarrhoea")
        ),
        CURATION,
    ),
    _m(
        "duplicate-row",
        "a phenotype row entered twice",
        lambda r: _duplicate_row(r, "phenotypes"),
        CURATION,
    ),
    # ---- shapes
    _m(
        "shape-source-mincount",
        "sh:minCount removed from AssociationShape-source",
        lambda r: _drop_min_count(r, "AssociationShape-source"),
        SHAPES,
    ),
    _m(
        "shape-label-mincount",
        "sh:minCount removed from EnglishLabel",
        lambda r: _drop_min_count(r, "EnglishLabel"),
        SHAPES,
    ),
    _m(
        "shape-curator-mincount",
        "sh:minCount removed from AssociationShape-curator",
        lambda r: _drop_min_count(r, "AssociationShape-curator"),
        SHAPES,
    ),
    _m(
        "shape-total-mincount",
        "sh:minCount removed from AssociationShape-count-needs-total",
        lambda r: _drop_min_count(r, "AssociationShape-count-needs-total"),
        SHAPES,
    ),
    _m(
        "shape-object-type-mincount",
        "sh:minCount removed from CausesShape-object",
        lambda r: _drop_min_count(r, "CausesShape-object"),
        SHAPES,
    ),
    _m(
        "shape-mondo-pattern",
        "the MONDO id pattern accepts any number of digits",
        lambda r: replace(r, "shapes/ipex.shapes.ttl", "MONDO_[0-9]{7}$", "MONDO_[0-9]+$"),
        SHAPES,
    ),
    _m(
        "shape-severity",
        "the evidence rule demoted to a warning",
        lambda r: sub(
            r,
            "shapes/ipex.shapes.ttl",
            r"(ipexsh:AssociationShape-evidence\n    a sh:PropertyShape ;\n)",
            r"\1    sh:severity sh:Warning ;\n",
        ),
        SHAPES,
    ),
    # ---- queries
    _m(
        "qc-count-total-edge",
        "QC count-exceeds-total lets count = total + 1 pass",
        lambda r: replace(
            r,
            "queries/qc/count-exceeds-total-violation.rq",
            "FILTER(?value > ?total)",
            "FILTER(?value > ?total + 1)",
        ),
        QC,
    ),
    _m(
        "qc-frequency-range",
        "QC frequency query: Very frequent starts at 81 %",
        lambda r: replace(
            r,
            "queries/qc/frequency-contradicts-fraction-violation.rq",
            "(HP:0040281 80 99)",
            "(HP:0040281 81 99)",
        ),
        QC,
    ),
    _m(
        "qc-frequency-no-round",
        "QC frequency query compares the unrounded percentage",
        lambda r: replace(
            r,
            "queries/qc/frequency-contradicts-fraction-violation.rq",
            "BIND(ROUND(COALESCE(100 * ?count / ?total, ?given)) AS ?percentage)",
            "BIND(COALESCE(100 * ?count / ?total, ?given) AS ?percentage)",
        ),
        QC,
    ),
    _m(
        "cq-threshold",
        "manifestations-above-frequency: >= turned into >",
        lambda r: replace(
            r,
            "queries/cq/manifestations-above-frequency.rq",
            "?percentage >= ?min_percentage",
            "?percentage > ?min_percentage",
        ),
        QUERIES,
    ),
    # ---- code
    _m(
        "model-range-edge",
        "FREQUENCY_TERMS: Very frequent starts at 81 %",
        lambda r: replace(
            r, "src/ipexkg/model.py", '"HP:0040281": (80.0, 99.0)', '"HP:0040281": (81.0, 99.0)'
        ),
        MODEL,
    ),
    _m(
        "model-rounding",
        "halves rounded to even instead of up",
        _round_half_even,
        MODEL,
    ),
    _m(
        "model-lower-bound",
        "a range's lower bound made exclusive (<= -> <)",
        lambda r: replace(
            r, "src/ipexkg/model.py", "if low <= whole <= high:", "if low < whole <= high:"
        ),
        MODEL,
    ),
    _m(
        "model-zero-total",
        "a total of 0 accepted by frequency_term_for",
        lambda r: replace(r, "src/ipexkg/model.py", "if total <= 0 or", "if total < 0 or"),
        MODEL,
    ),
    _m(
        "lint-duplicates-off",
        "the duplicate-row rule switched off",
        lambda r: replace(
            r, "src/ipexkg/curation.py", "if key in seen:", "if False and key in seen:"
        ),
        CURATION,
    ),
    _m(
        "lint-label-off",
        "the 'label differs from nodes.tsv' rule switched off",
        lambda r: replace(
            r,
            "src/ipexkg/curation.py",
            'if label_column in row.cells and row[label_column] != node["label"]:',
            "if False:",
        ),
        CURATION,
    ),
    _m(
        "lint-count-total-off-by-one",
        "lint lets has_count = has_total + 1 pass",
        lambda r: replace(
            r,
            "src/ipexkg/curation.py",
            "int(count) > int(total)",
            "int(count) > int(total) + 1",
        ),
        CURATION,
    ),
    _m(
        "lint-obsolete-off",
        "the obsolete-HPO-term rule switched off",
        lambda r: replace(r, "src/ipexkg/curation.py", "elif term.obsolete:", "elif False:"),
        CURATION,
    ),
    _m(
        "lint-curator-off",
        "the curator-must-be-listed rule switched off",
        lambda r: replace(
            r, "src/ipexkg/curation.py", 'if row["curator"] not in curators:', "if False:"
        ),
        CURATION,
    ),
    _m(
        "lint-writes-broken",
        "lint rewrites tables even when problems remain",
        lambda r: replace(r, "src/ipexkg/lint.py", "if fix and not problems:", "if fix:"),
        CURATION,
    ),
    _m(
        "cache-ignores-changes",
        "the Oxigraph store cache ignores a changed graph",
        _cache_ignores_changes,
        ["tests/test_caches.py", "tests/test_queries.py"],
    ),
    _m(
        "build-writes-nonconforming",
        "'ipexkg build' writes the release although the graph does not conform",
        lambda r: sub(
            r,
            "src/ipexkg/cli.py",
            r'(print\("the graph does not conform; nothing was written", file=sys.stderr\)\n)'
            r"        return EXIT_FAILED\n",
            r"\1",
        ),
        ["tests/test_build_guard.py", "tests/test_build.py"],
    ),
    _m(
        "validate-ignores-qc",
        "validate_graph forgets the QC queries' findings",
        lambda r: replace(
            r, "src/ipexkg/validate.py", "_add_qc_results(report, ", "(lambda *a: None)(report, "
        ),
        ["tests/test_validate.py"],
    ),
]

ABSORBED = ["hpoa-evidence", "seed-source-swapped", "statement-deleted"]
for _name in ABSORBED:
    _base = next(m for m in MUTANTS if m.name == _name)
    MUTANTS.append(
        Mutant(
            f"golden-absorbs-{_name}",
            f"{_base.what}, then 'pytest --update-golden' run",
            _base.plant,
            _base.tests,
            absorb_goldens=True,
        )
    )

# ------------------------------------------------------------------------------------------------
# Running
# ------------------------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=mutate", "-c", "user.email=mutate@localhost", *args]
    return subprocess.run(
        command,
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def make_copy(ref: str | None, into: Path) -> Path:
    """Copy the repository (at ``ref``, or the working tree) into a fresh git repo ``into``."""
    into.mkdir(parents=True)
    if ref:
        command = ["git", "archive", ref]
        archive = subprocess.run(command, cwd=REPO, check=True, capture_output=True).stdout
        tar = ["tar", "-x", "-C", str(into)]
        subprocess.run(tar, input=archive, check=True)
    else:
        files = _git(REPO, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
        for name in filter(None, files):
            source = REPO / name
            if source.is_file():
                (into / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, into / name)
    _git(into, "init", "-q")
    _git(into, "add", "-A")
    _git(into, "commit", "-q", "-m", "copy")
    return into


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env["PYTHONPATH"] = str(root / "src")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _pytest(root: Path, tests: list[str], *extra: str, timeout: int) -> tuple[int, str]:
    deselect = [f"--deselect={d}" for d in DESELECT]
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *deselect]
    cmd += [*extra, *tests]
    try:
        done = subprocess.run(
            cmd, cwd=root, env=_env(root), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    lines = [ln for ln in done.stdout.splitlines() if ln.strip()]
    failed = next((ln for ln in lines if ln.startswith(("FAILED", "ERROR"))), "")
    return done.returncode, failed or (lines[-1] if lines else done.stderr[-200:])


def run_mutant(root: Path, mutant: Mutant, timeout: int) -> tuple[str, str]:
    """Plant ``mutant`` in ``root``, run its tests, restore ``root``; return (verdict, detail)."""
    try:
        tests = [t for t in mutant.tests if (root / t.split("::")[0]).exists()]
        if not tests:
            return "n/a", "none of its test files exist in this copy"
        try:
            mutant.plant(root)
        except NotApplicableError as error:
            return "n/a", str(error)
        if not _git(root, "status", "--porcelain"):
            return "n/a", "planting changed nothing"
        if mutant.absorb_goldens:
            goldens = [t for t in GOLDEN_FILES if (root / t.split("::")[0]).exists()]
            _pytest(root, goldens, "--update-golden", timeout=timeout)
            if not _git(root, "status", "--porcelain", "--", "tests/golden"):
                return "n/a", "the defect changed no golden file (nothing to absorb)"
            _git(root, "add", "-A", "tests/golden")
            _git(root, "commit", "-q", "-m", "goldens accepted")
            # the goldens now agree with the defect: only the other tests can still catch it
            golden_files = {g.split("::")[0] for g in goldens}
            tests = [t for t in tests if t.split("::")[0] not in golden_files]
        code, detail = _pytest(root, tests, timeout=timeout)
        if code == 0:
            return "SURVIVED", detail
        if code in (1, 2, 3, -1):
            return "caught", detail
        return "error", f"pytest exit {code}: {detail}"
    finally:
        _git(root, "reset", "-q", "--hard", "HEAD")
        _git(root, "clean", "-qfdx", "-e", ".venv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", help="git ref to copy (default: the working tree)")
    parser.add_argument("--only", help="comma-separated mutant names")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument("--timeout", type=int, default=420, help="seconds per pytest run")
    parser.add_argument("--target", type=float, default=90.0, help="score needed for exit 0")
    args = parser.parse_args(argv)
    mutants = MUTANTS
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in MUTANTS if m.name in wanted]
    if args.list:
        for m in mutants:
            print(f"{m.name:32} {m.what}  [{' '.join(m.tests)}]")
        return 0
    # a stopped run (kill PID) still removes its temporary copy
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    tmp = Path(tempfile.mkdtemp(prefix="ipexkg-mutate-"))
    root = make_copy(args.ref, tmp / "repo")
    baseline = _git(root, "rev-parse", "HEAD").strip()
    print(f"copy of {args.ref or 'the working tree'} in {root}; {len(mutants)} mutants", flush=True)
    results: list[tuple[Mutant, str, str]] = []
    started = time.monotonic()
    try:
        for mutant in mutants:
            t0 = time.monotonic()
            verdict, detail = run_mutant(root, mutant, args.timeout)
            _git(root, "reset", "-q", "--hard", baseline)
            results.append((mutant, verdict, detail))
            print(
                f"{verdict:9} {mutant.name:40} {time.monotonic() - t0:5.0f} s  {detail[:110]}",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    scored = [r for r in results if r[1] in {"caught", "SURVIVED"}]
    caught = sum(1 for r in scored if r[1] == "caught")
    score = 100.0 * caught / len(scored) if scored else 0.0
    print(
        f"\n{caught} of {len(scored)} mutants caught ({score:.0f} %); "
        f"{len(results) - len(scored)} not applicable or errors; "
        f"{time.monotonic() - started:.0f} s"
    )
    for mutant, verdict, _ in results:
        if verdict != "caught":
            print(f"  {verdict}: {mutant.name} ({mutant.what})")
    return 0 if score >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
