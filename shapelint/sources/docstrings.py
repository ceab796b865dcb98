"""Shapes written in docstrings: numpydoc (as scikit-learn writes them), the
``- x: A numpy array of shape (N, D)`` style of course assignments, and
Google style ``x (np.ndarray): ... shape (N, D)``.

Pure text: the caller hands in the docstring.  Only a single, unambiguous
shape counts: ``(n_samples,) or (n_samples, n_outputs)`` says nothing sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..shapes import Dim, Shape
from ..shapes.dim import OPAQUE, substitute
from .dimstring import DimStringError, parse_dim_token

CONTAINER_TYPE = re.compile(r"\b(list|tuple|dict|generator|iterator|iterable|sequence|mapping)s?\s+of\b|"
                            r"\bgenerator\b", re.IGNORECASE)
EXPRESSION_DIM = re.compile(r"^[A-Za-z_]\w*(\.\w+|\[\s*-?\d+\s*\])+$")  # X.shape[0], self.k
# sizes prose writes that no shape grammar has: N // 2 + 1, 1 + n_fft/2, N' (another N), M + 2R,
# self.n - t + 1, X.shape[1] - 1, |observed| (a set's size, pgmpy): one size, unknown
PROSE_DIM = re.compile(r"^(?=.*(/|\w'|\d[A-Za-z]|[A-Za-z_]\.[A-Za-z_]|\|\w+\|))[\w\s+\-*/().'|\[\]]+$")
# a Python container, not an array: librosa's "wp : list [shape=(N,)]" of (n, m) pairs is (N, 2)
# as an array; the shape is the container's length
PYTHON_CONTAINER = re.compile(r"^\W*(list|tuple|dict|set)\b(?!.*array)", re.IGNORECASE)
# two words side by side: a size in words ("radius index") or a comma left out ("n_samples
# n_features"): the rank is not sure
WORDS = re.compile(r"[A-Za-z_]\w*\s+[A-Za-z_]")
# optional dims in brackets (scikit-image): (M, N[, 3]), ([Q, ]M, N), (M[, ...], P): either rank
OPTIONAL_DIMS = re.compile(r"\[[^\]]*,|,\s*\]|\s\[|^\s*\[|\{")  # numpy-ml: (D, M [- 3]); mne: ([n_epochs], n, d), (M, N, {3, 4})
# "(3 x 1)", "(n × d)": sizes written with a times sign instead of commas
TIMES = re.compile(r"^\s*[\w.]+(?:\s+x\s+|\s*×\s*)[\w.]+(?:(?:\s+x\s+|\s*×\s*)[\w.]+)*\s*$")
# dipy's "of shape (nvolumes * patch_size) x (nvoxels)": one size per parenthesis
TIMES_PARENS = re.compile(r"\(([^(),]*)\)((?:\s*(?:\bx\b|×)\s*\([^(),]*\))+)")
EITHER_DIM = re.compile(r"\sor\s|\w\s*\|\s*\w")  # "3 or 4", "3|4": one size of two (|observed| is one)
BOUND_DIM = re.compile(r"^[<>]=?\s*\w+$|^\d+\+$")  # (>2,), (n, 3+): a size of at least 3, not known
# a shape that holds only under a condition: "(1, d) if n_classes == 2 ...", "(1,) when binary"
CONDITION = re.compile(r"^[`,\s)]*(if|when|unless)\b")
SHAPE_RE = re.compile(r"\bshape\s*[=:]?\s*`?\(([^()]*)\)")  # numpy-ml writes of shape `(n, d)`
# dipy's "A, B : arrays of shape (m, n), (n, k)": one shape per name, in order (a shape has
# a comma: "shape=(n, d), (read-only)" is one shape and a remark)
SHAPE_LIST = re.compile(r"\bshapes?\s*[=:]?\s*`?\([^()]*\)`?(?:\s*(?:,|\band\b)\s*`?\([^()]*,[^()]*\)`?)+")
NUMPYDOC_SECTION = re.compile(r"^\s*(Parameters|Returns|Yields|Other Parameters|Attributes|Raises|See Also|Notes|"
                              r"Examples|References|Warnings|Methods)\s*$")
UNDERLINE = re.compile(r"^\s*-{3,}\s*$")
NUMPYDOC_ENTRY = re.compile(r"^(?P<indent>\s*)(?P<names>\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*:\s*(?P<type>.*)$")
NUMPYDOC_RETURN_TYPE_ONLY = re.compile(r"^(?P<indent>\s*)(?P<type>[^:]*\bshape\b.*)$")
COURSE_ENTRY = re.compile(r"^\s*-\s*(?P<name>\w+)\s*:\s*(?P<desc>.*)$")
GOOGLE_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Returns|Yields|Raises|Attributes|Example|Examples|"
                            r"Note|Notes)\s*:\s*$")
GOOGLE_ENTRY = re.compile(r"^\s*(?P<name>\*{0,2}\w+)\s*\((?P<type>[^)]*)\)\s*:\s*(?P<desc>.*)$")
# "ndarray of shape `(n_ex, n_out)` or list of arrays": one array, or several of that shape
OR_LIST = re.compile(r"^(?P<array>.*\bshape\s*[=:]?\s*`?\([^()]*\)`?)\s*,?\s+or\s+(?:a\s+)?(?:list|sequence)\s+of\s+"
                     r"(?:such\s+)?(?:arrays|ndarrays|them)\b", re.IGNORECASE)
RETURNS_LINE = re.compile(r"^\s*Returns?\b", re.IGNORECASE)


ARRAY_TYPE = re.compile(r"\b(ndarray|[Aa]rray[_-]?[Ll]ike|[Aa]rray)\b")
# "float or numpy.ndarray" (galpy) is either: a scalar only where no array or sequence is named
SCALAR_TYPE = re.compile(r"^(float|complex|bool)\b(?!\s+of\b)"
                         r"(?!.*\b([Aa]rrays?|ndarray|[Aa]rray[_-]?[Ll]ike|list|tuple|[Ss]equence|[Ii]terable|Series"
                         r"|Tensor)\b)")
INT_TYPE = re.compile(r"^int\b(\s*(,|\(|$)|\s+or\s+None\b)(?!.*\b(array|ndarray|list|tuple|float|str)\b)")


@dataclass
class DocShapes:
    params: dict[str, Shape] = field(default_factory=dict)
    scalars: set = field(default_factory=set)  # documented as a plain float
    ints: dict = field(default_factory=dict)  # documented as an int: name -> its size (a symbol)
    returns: list[Optional[Shape]] = field(default_factory=list)  # one per documented return value
    return_names: list[Optional[str]] = field(default_factory=list)  # the name each has there, if any
    or_lists: dict[str, Shape] = field(default_factory=dict)  # "of shape S or list of arrays": S
    attributes: dict[str, Shape] = field(default_factory=dict)  # a class's Attributes section
    attribute_errors: list[str] = field(default_factory=list)  # unreadable shapes there (SL100)
    errors: list[str] = field(default_factory=list)  # shapes named but unreadable (SL100)
    # the same from "- name: ..." bullets outside Returns, by name: prose writes such lists of
    # things that are no parameters ("- shape: node shape (box, circle, etc.)", openmdao)
    bullet_errors: list[tuple[str, str]] = field(default_factory=list)


def _joined_sizes(m: re.Match) -> str:
    return "(" + ", ".join(g.strip() for g in [m.group(1), *re.findall(r"\(([^(),]*)\)", m.group(2))]) + ")"


def read_shape(text: str, errors: Optional[list] = None, opaque: bool = True,
               group: Optional[str] = None) -> Optional[Shape]:
    """The one shape ``text`` names, or None (none, several, unreadable, or a container of arrays).

    Symbols are opaque by default: docstrings are prose, often loose (``n_feature`` for
    ``n_features``, documented shapes the code never has), so a symbol equals only itself and
    is never taken as distinct from another.  Literal sizes and the rank still count.  With a
    ``group`` (the documented function), symbols are *documented*: distinct from the other names
    of the same docstring unless the two look alike (``in_ch``, ``in_channels``)."""
    kind = text.split("shape")[0]
    if CONTAINER_TYPE.search(kind) or PYTHON_CONTAINER.match(kind):
        return None  # "list of ndarray of shape (n,)", "generator of ndarray ...": not an array
    if "(" in text and (" x" in text or "×" in text):
        text = TIMES_PARENS.sub(_joined_sizes, text)
    found = SHAPE_RE.findall(text)
    if len(found) != 1 or SHAPE_LIST.search(text):
        return None
    rest = re.sub(r"\bor\s+None\b", "", text[text.index(found[0]) + len(found[0]):])  # "(n, d) or None": still (n, d)
    sentence = rest.split(".")[0]
    if re.search(r"\bor\b", sentence) or "or (" in text or re.search(r"\|\s*\(", rest):
        return None  # "(n,) or (n, k)", mne's "(3,) | (n, 3)": either, so neither for sure
    if CONDITION.match(sentence) or re.search(r"\b(else|otherwise)\b", sentence):
        return None  # "(1, n_features) if n_classes == 2 else (n_classes, n_features)": only sometimes
    inner = found[0].strip()
    if not inner or inner == ",":
        return Shape(())  # "shape ()", blackjax's "shape (,)": a 0-d array
    if TIMES.match(inner):
        inner = ", ".join(re.split(r"\s+x\s+|\s*×\s*", inner.strip()))
    if OPTIONAL_DIMS.search(inner) or any(WORDS.search(t) for t in inner.split(",")):
        return None  # a choice of ranks written on purpose, or words: no shape for sure, and no SL100
    # (`M`, `K`), reservoirpy's (`n_timesteps` + `order`, 1), qibo's (``ngates``, :math:`3`):
    # backticks and reST's math role are markup; reST "\*"
    tokens = [t.replace(":math:", "").replace("`", "").strip().replace("\\", "") for t in inner.split(",")]
    if tokens and tokens[-1] == "":
        tokens = tokens[:-1]
    # mdtraj's (n_frames, 3 x 3): a times sign among the commas too
    tokens = [p for t in tokens for p in (re.split(r"\s+x\s+|\s*×\s*", t) if TIMES.match(t) else [t])]
    batch = None
    variadic = [k for k, t in enumerate(tokens) if t in ("...", "…") or t.startswith("*")]
    if variadic:
        # (..., M, N), (n_ex, *, d_k), (N, d_1, ..., d_k): the dims after the last "..." are
        # known; before it, neither the rank nor the positions are
        tokens = tokens[variadic[-1] + 1:]
        batch = ""
    dims = []
    try:
        for t in tokens:
            if t in ("_", "None", "any", "-1") or set(t) == {"?"} or BOUND_DIM.match(t) or EITHER_DIM.search(t):
                # (n, -1): flattened; astroML's (??,); pytransform3d's (n_points, 3 or 4): one of two
                dims.append(None)
            elif t[:1] in ("?", "#"):
                raise DimStringError(f"cannot read dimension {t!r}")
            elif EXPRESSION_DIM.match(t) or PROSE_DIM.match(t):
                dims.append(Dim.sym(t.replace(" ", ""), opaque=True))  # X.shape[0], self.n_neighbors
            else:
                dims.append(parse_dim_token(t.replace(" ", "")))
    except DimStringError as exc:
        if errors is not None:
            errors.append(f"cannot read shape ({inner}): {exc}")
        return None
    if opaque:
        names = {n for d in dims if d is not None for n in d.symbols()}
        mapping = {n: Dim.documented(n, group) if group else Dim.sym(n, opaque=True)
                   for n in names if not n.startswith(OPAQUE)}
        dims = [substitute(d, mapping) for d in dims]
    return Shape(tuple(dims), batch)


def _blocks(lines: list[str], start: int, indent: int) -> list[str]:
    """Continuation lines of an entry: more indented than the entry itself."""
    out = []
    for line in lines[start:]:
        if not line.strip():
            break
        if len(line) - len(line.lstrip()) <= indent:
            break
        out.append(line.strip())
    return out


def _section_at(lines: list[str], k: int) -> Optional[tuple[str, bool]]:
    """(the section line k opens, whether it is Google style): a numpydoc heading over its
    underline, or ``Args:``; Google's ``Args`` and ``Arguments`` are ``Parameters``."""
    nd = NUMPYDOC_SECTION.match(lines[k])
    if nd and k + 1 < len(lines) and UNDERLINE.match(lines[k + 1]):
        return nd.group(1), False
    gs = GOOGLE_SECTION.match(lines[k])
    if gs:
        return {"Args": "Parameters", "Arguments": "Parameters"}.get(gs.group(1), gs.group(1)), True
    return None


def documents_parameters(doc: str) -> bool:
    """Whether the docstring has a section of parameters of its own."""
    lines = doc.expandtabs().splitlines()
    return any((_section_at(lines, k) or ("",))[0] == "Parameters" for k in range(len(lines)))


def parse(doc: str, opaque: bool = True, group: Optional[str] = None) -> DocShapes:
    result = DocShapes()
    if not doc or ("shape" not in doc and (group is None or " int" not in doc)):
        return result
    lines = doc.expandtabs().splitlines()
    section: Optional[str] = None
    google_style = False
    for k, line in enumerate(lines):
        opened = _section_at(lines, k)
        if opened is not None:
            section, google = opened
            google_style = google_style or google
            continue
        if google_style and section in ("Returns", "Yields") and line.strip():
            if k > 0 and GOOGLE_SECTION.match(lines[k - 1]):  # the first line: "type: description"
                indent = len(line) - len(line.lstrip())
                result.returns.append(read_shape(" ".join([line] + _blocks(lines, k + 1, indent)), result.errors,
                                                 opaque, group))
                result.return_names.append(None)
            continue
        if UNDERLINE.match(line):
            continue
        course = COURSE_ENTRY.match(line)
        if course:
            indent = len(line) - len(line.lstrip())
            text = " ".join([course.group("desc")] + _blocks(lines, k + 1, indent))
            in_returns = section in ("Returns", "Yields") or _after_returns_line(lines, k)
            errors: list[str] = []
            shape = read_shape(text, errors, opaque, group)
            if in_returns:
                result.errors.extend(errors)
            else:
                result.bullet_errors.extend((course.group("name"), e) for e in errors)
            if in_returns:
                result.returns.append(shape)
                result.return_names.append(course.group("name"))
            elif shape is not None:
                result.params.setdefault(course.group("name"), shape)
            continue
        google = GOOGLE_ENTRY.match(line)
        if google and section in ("Parameters", "Returns", "Attributes", None):
            indent = len(line) - len(line.lstrip())
            text = " ".join([google.group("type"), google.group("desc")] + _blocks(lines, k + 1, indent))
            attribute = section == "Attributes"
            shape = read_shape(text, result.attribute_errors if attribute else result.errors, opaque, group)
            if shape is not None and section != "Returns":
                found = result.attributes if attribute else result.params
                found.setdefault(google.group("name").lstrip("*"), shape)
            continue
        if section == "Attributes":
            entry = NUMPYDOC_ENTRY.match(line)
            if entry is not None and len(entry.group("indent")) <= _section_indent(lines, k):
                shape = read_shape(entry.group("type"), result.attribute_errors, opaque, group)
                if shape is not None:
                    for name in entry.group("names").split(","):
                        result.attributes.setdefault(name.strip(), shape)
            continue
        if section in ("Parameters", "Returns", "Yields", "Other Parameters"):
            entry = NUMPYDOC_ENTRY.match(line)
            if entry is None and section in ("Returns", "Yields"):
                entry = NUMPYDOC_RETURN_TYPE_ONLY.match(line)
            if entry is None:
                continue
            indent = len(entry.group("indent"))
            if indent > _section_indent(lines, k):
                continue  # a continuation line that happens to contain a colon
            type_text = entry.group("type")
            either = OR_LIST.match(type_text) if section not in ("Returns", "Yields") else None
            shape = read_shape(either.group("array") if either else type_text, result.errors, opaque, group)
            if either and shape is not None:
                for name in entry.group("names").split(","):
                    result.or_lists.setdefault(name.strip().lstrip("*"), shape)
            elif section in ("Returns", "Yields"):
                result.returns.append(shape)
                names = entry.groupdict().get("names")
                result.return_names.append(names.strip() if names and "," not in names else None)
            elif shape is not None and "names" in entry.groupdict():
                for name in entry.group("names").split(","):
                    result.params.setdefault(name.strip().lstrip("*"), shape)
            elif "names" in entry.groupdict() and "," in entry.group("names"):
                for name, each in _shape_per_name(entry.group("names"), type_text, result.errors, opaque, group):
                    result.params.setdefault(name, each)
            elif "names" in entry.groupdict() and SCALAR_TYPE.match(type_text.strip()):
                for name in entry.group("names").split(","):
                    result.scalars.add(name.strip())
            elif "names" in entry.groupdict() and INT_TYPE.match(type_text.strip()) and group is not None:
                for name in entry.group("names").split(","):
                    # the same size as the name in the docstring's shapes: n_out and (n_ex, n_out)
                    result.ints[name.strip()] = Dim.documented(name.strip(), group)
    return result


def _shape_per_name(names: str, text: str, errors: list, opaque: bool, group: Optional[str]) -> list:
    """``A, B : arrays of shape (m, n), (n, k)``: as many shapes as names, the first name's
    first; none when the counts differ (which shape is whose is then a guess)."""
    listed = SHAPE_LIST.search(text)
    if listed is None:
        return []
    split = [n.strip().lstrip("*") for n in names.split(",")]
    inners = re.findall(r"\(([^()]*)\)", listed.group(0))
    if len(inners) != len(split):
        return []
    out = []
    for name, inner in zip(split, inners):
        shape = read_shape(f"shape ({inner})", errors, opaque, group)
        if shape is not None:
            out.append((name, shape))
    return out


def documented_as_array(doc: str, name: str) -> bool:
    """Whether an entry of the docstring for ``name`` (numpydoc ``name : type``, maybe among
    other names, or Google ``name (type)``) names an array among its types."""
    entry = re.compile(rf"^\s*(?:[\w*]+\s*,\s*)*{re.escape(name)}\s*(?:,\s*[\w*]+\s*)*(?::|\()(?P<type>.*)$", re.M)
    return any(ARRAY_TYPE.search(m.group("type")) for m in entry.finditer(doc))


def _section_indent(lines: list[str], k: int) -> int:
    """Indentation of the entries of the numpydoc section that holds line k."""
    for j in range(k, 0, -1):
        if UNDERLINE.match(lines[j]):
            return len(lines[j]) - len(lines[j].lstrip())
    return 0


def _after_returns_line(lines: list[str], k: int) -> bool:
    """Course style: ``Returns a tuple of:`` then ``- out: ...`` entries."""
    for j in range(k - 1, -1, -1):
        s = lines[j].strip()
        if not s:
            continue
        if RETURNS_LINE.match(s):
            return True
        if s.startswith("-") or COURSE_ENTRY.match(lines[j]):
            continue
        if lines[j].startswith(" " * (len(lines[k]) - len(lines[k].lstrip()) + 1)):
            continue  # continuation of the previous entry
        return False
    return False
