"""Run shapelint over every fixture and compare its findings with the inline expectations.

Expectation syntax, as a comment on the line where a finding starts:

    x = w1 @ L0  # error: SL001
    dW = dY.T @ X  # warning: SL002, SL006
    reveal_shape(x)  # shape: (n, k)

`error:` / `warning:` name the severity of the expected findings; several codes are
comma-separated and a code may repeat to expect it twice.  `shape:` on a `reveal_shape(...)` line expects one SL000
note whose message reveals exactly that shape.  The comparison is strict: every expected
finding must be found (same line, code and severity), and nothing else may be reported.
A comment that starts like an expectation but does not parse fails the test, so a typo
cannot silently turn an expectation into prose.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))

# codes for which no buggy fixture can exist (internal error)
NO_FIXTURE_POSSIBLE = {"SL999"}
# codes that are not a rule with a buggy/clean pair under fixtures/rules/
NOT_PAIRED = {"SL000", "SL900", "SL999"}

_CODE = r"SL\d{3}"
_SEVERITY_GROUP = re.compile(rf"^(error|warning|note):\s*({_CODE}(?:\s*,\s*{_CODE})*)\s*$")
_SHAPE_GROUP = re.compile(r"^shape:\s*(\S.*?)\s*$")
_LOOKS_LIKE = re.compile(r"^(error|warning|note|shape)\s*:", re.IGNORECASE)


class Expected(NamedTuple):
    line: int
    code: str
    severity: str
    shape: str | None = None  # for SL000 reveal notes


class Found(NamedTuple):
    line: int
    code: str
    severity: str
    message: str


def _comments(source: str) -> list[tuple[int, str]]:
    """(line, comment text) for every comment; a file that does not tokenize is read line by line."""
    try:
        return [
            (tok.start[0], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        out = []
        for lineno, text in enumerate(source.splitlines(), start=1):
            m = re.search(r"#(?=\s*(?:error|warning|note|shape)\s*:).*$", text)
            if m:
                out.append((lineno, m.group(0)))
        return out


def parse_expectations(source: str) -> tuple[list[Expected], list[str]]:
    """The expectations of one file and the problems found while reading them."""
    expected: list[Expected] = []
    problems: list[str] = []
    lines = source.splitlines()
    for lineno, comment in _comments(source):
        if "reveal_shape(" not in (lines[lineno - 1] if lineno <= len(lines) else ""):
            # `X = np.load(p)  # shape: (n, d)` declares a shape for the analyser; not an expectation
            comment = re.sub(r"#\s*shape\s*:\s*\([^()]*\)", "", comment)
        # "# error: SL001  # warning: SL006" holds two groups
        groups = [g.strip() for g in comment.split("#") if g.strip()]
        for group in groups:
            if not _LOOKS_LIKE.match(group):
                continue
            m = _SEVERITY_GROUP.match(group)
            if m:
                severity = m.group(1)
                for code in re.findall(_CODE, m.group(2)):
                    expected.append(Expected(lineno, code, severity))
                continue
            m = _SHAPE_GROUP.match(group)
            if m:
                expected.append(Expected(lineno, "SL000", "note", m.group(1)))
                continue
            problems.append(f"line {lineno}: malformed expectation comment {comment!r}")
    return expected, problems


_SHAPE_TEXT = re.compile(r"(unknown|\([^()]*\))(?=$|[\s,;.])")


def revealed_shape(message: str) -> str:
    """The shape text of a reveal note.

    The note reads `x: (n, k)`, optionally followed by more text (` from ...`, ` — ...`).
    The shape is the first `unknown` or parenthesised group right after a ": "; the
    expression before it may itself contain ": " (slices), so each one is tried in turn.
    """
    start = 0
    while True:
        i = message.find(": ", start)
        if i < 0:
            return message.strip()
        m = _SHAPE_TEXT.match(message, i + 2)
        if m:
            return m.group(1)
        start = i + 1


def run_engine(path: Path) -> list:
    engine = pytest.importorskip("shapelint.engine")
    config = pytest.importorskip("shapelint.config")
    project = pytest.importorskip("shapelint.project")
    source = path.read_text(encoding="utf-8")
    # the fixture's folder under fixtures/ (packages in it included) is the set of checked files:
    # calls between its files are followed
    rel = path.relative_to(FIXTURES)
    top = FIXTURES / rel.parts[0] if len(rel.parts) > 1 else FIXTURES
    files = top.rglob("*.py") if top != FIXTURES else top.glob("*.py")
    folder = project.Project(sorted(str(p) for p in files))
    return list(engine.check_source(str(path), source, config.Settings(), folder))


def compare(expected: list[Expected], diagnostics: list) -> tuple[list[str], list[str]]:
    """(missing, unexpected), each as readable lines."""
    found = [Found(d.line, d.code, d.severity, d.message) for d in diagnostics]
    missing: list[str] = []
    unexpected: list[str] = []

    # reveal notes: matched by line and exact shape text
    reveal_expected = [e for e in expected if e.code == "SL000"]
    reveal_found = [f for f in found if f.code == "SL000"]
    pool = list(reveal_found)
    for e in reveal_expected:
        match = next(
            (f for f in pool if f.line == e.line and f.severity == "note" and revealed_shape(f.message) == e.shape),
            None,
        )
        if match is not None:
            pool.remove(match)
            continue
        same_line = [f for f in pool if f.line == e.line]
        got = "; ".join(repr(f.message) for f in same_line) or "no reveal note"
        missing.append(f"line {e.line}: SL000 expected shape {e.shape}, got {got}")
        for f in same_line[:1]:
            pool.remove(f)
    for f in pool:
        unexpected.append(f"line {f.line}: {f.severity} {f.code} {f.message}")

    # everything else: a multiset of (line, code, severity)
    want = Counter((e.line, e.code, e.severity) for e in expected if e.code != "SL000")
    have = Counter((f.line, f.code, f.severity) for f in found if f.code != "SL000")
    for key in sorted(want - have):
        line, code, severity = key
        near = [f for f in found if f.line == line and f.code != "SL000"]
        extra = " (on that line: " + "; ".join(f"{f.severity} {f.code} {f.message}" for f in near) + ")" if near else ""
        missing.extend([f"line {line}: {severity} {code}{extra}"] * (want - have)[key])
    surplus = have - want
    for f in sorted(found):
        key = (f.line, f.code, f.severity)
        if f.code != "SL000" and surplus[key] > 0:
            surplus[key] -= 1
            unexpected.append(f"line {f.line}: {f.severity} {f.code} {f.message}")
    return missing, unexpected


def _id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=_id)
def test_fixture(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    expected, problems = parse_expectations(source)
    assert not problems, "\n".join(problems)
    diagnostics = run_engine(path)
    missing, unexpected = compare(expected, diagnostics)
    if missing or unexpected:
        lines = [f"{_id(path)}: findings differ from the expectations"]
        if missing:
            lines.append("missing (expected, not found):")
            lines.extend("  " + m for m in missing)
        if unexpected:
            lines.append("unexpected (found, not expected):")
            lines.extend("  " + u for u in unexpected)
        pytest.fail("\n".join(lines), pytrace=False)


def _is_clean(path: Path) -> bool:
    return path.stem.endswith("_clean") or path.parent.name == "clean"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=_id)
def test_expectations_are_well_formed(path: Path) -> None:
    expected, problems = parse_expectations(path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)
    if _is_clean(path):
        bad = [e for e in expected if e.code != "SL000"]
        assert not bad, f"a clean fixture expects findings: {bad}"


def _expected_codes_by_file() -> dict[Path, set[str]]:
    return {
        p: {e.code for e in parse_expectations(p.read_text(encoding="utf-8"))[0]}
        for p in FIXTURE_FILES
    }


def test_every_rule_has_fixtures() -> None:
    rules = pytest.importorskip("shapelint.rules")
    codes = sorted({r.code for r in rules.ALL_RULES})
    by_file = _expected_codes_by_file()
    problems = []
    for code in codes:
        if code in NO_FIXTURE_POSSIBLE:
            continue
        buggy = [p for p, cs in by_file.items() if code in cs and not _is_clean(p)]
        if not buggy:
            problems.append(f"{code}: no fixture expects it")
        if code in NOT_PAIRED:
            continue
        pair = sorted(p for p in (FIXTURES / "rules").glob(f"{code}_*.py") if not p.stem.endswith("_clean"))
        if not pair:
            problems.append(f"{code}: no fixtures/rules/{code}_<name>.py")
        for p in pair:
            if code not in by_file[p]:
                problems.append(f"{_id(p)}: does not expect {code}")
            clean = p.with_name(p.stem + "_clean.py")
            if not clean.exists():
                problems.append(f"{_id(p)}: no clean counterpart {clean.name}")
    assert not problems, "\n".join(problems)


def test_rule_fixtures_name_known_rules() -> None:
    rules = pytest.importorskip("shapelint.rules")
    codes = {r.code for r in rules.ALL_RULES}
    unknown = []
    for p, cs in _expected_codes_by_file().items():
        for code in sorted(cs - codes - {"SL000"}):
            unknown.append(f"{_id(p)}: expects {code}, which is not in ALL_RULES")
    for p in (FIXTURES / "rules").glob("SL*.py"):
        code = p.stem.split("_", 1)[0]
        if code not in codes:
            unknown.append(f"{_id(p)}: named for {code}, which is not in ALL_RULES")
    assert not unknown, "\n".join(unknown)


# --- the runner's own parsing, checked without the engine -------------------

def test_parse_expectations() -> None:
    src = (
        "x = a @ b  # error: SL001\n"
        "y = c  # warning: SL002, SL006\n"
        "reveal_shape(x)  # shape: (n + 1, 2*d)\n"
        "z = 1  # errors happen when shapes differ\n"
        "w = 2  # error: SL001  # warning: SL006\n"
        "s = '# error: SL005'\n"
    )
    expected, problems = parse_expectations(src)
    assert not problems
    assert expected == [
        Expected(1, "SL001", "error"),
        Expected(2, "SL002", "warning"),
        Expected(2, "SL006", "warning"),
        Expected(3, "SL000", "note", "(n + 1, 2*d)"),
        Expected(5, "SL001", "error"),
        Expected(5, "SL006", "warning"),
    ]
    _, problems = parse_expectations("x = 1  # error: the product is wrong\n")
    assert problems


def test_revealed_shape() -> None:
    assert revealed_shape("x: (n, k)") == "(n, k)"
    assert revealed_shape("X[:, 0]: (n,) from annotation at line 3") == "(n,)"
    assert revealed_shape("w @ x: unknown — rank not known") == "unknown"
    assert revealed_shape("a: ()") == "()"
    assert revealed_shape("X: (n, d) named by unpacking X.shape, line 47") == "(n, d)"
    assert revealed_shape("X[1: 3]: (2, d)") == "(2, d)"
    assert revealed_shape("s: (?,) from the annotation of parameter s, line 36") == "(?,)"
