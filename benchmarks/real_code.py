#!/usr/bin/env python3
"""Measure shapelint on real numpy ML code that nobody on this team wrote.

What it does (see the "Measured on real code" section of the README):

1. Installs pinned releases of numpy-ml and scikit-learn (and the numpy, scipy,
   joblib and threadpoolctl they run on) from PyPI with
   ``pip install --no-deps --target`` into a temporary folder.
2. Runs shapelint over the corpus (numpy-ml's neural-network layers, losses,
   activations and the utils they call; scikit-learn's ``neural_network`` and
   ``linear_model``, tests excluded) and lists every finding.
3. Mutation testing: injects single shape mutations (drop or add a ``.T``, swap
   the operands of a product, drop ``keepdims=True``, change an ``axis``, drop
   a ``[:, None]`` or ``.reshape(-1, 1)``) into the functions that compute
   forward passes, losses and gradients.  Each mutant is *run* (this benchmark
   only: shapelint itself never executes code) by the harnesses of
   ``real_code_harness.py`` on small arrays of the documented shapes, in a
   subprocess of the pinned runtime; a mutant "breaks shapes" when the run
   raises a shape ValueError/IndexError/AxisError or produces an array (output,
   gradient, updated parameter) whose shape differs from the unmutated run.
   shapelint is then run on the mutated file (with the corpus files it
   imports) and the mutant counts as detected when a finding that the
   unmutated file does not have starts on a mutated line (the issue's measure).
   A new finding on another line is counted apart: the mutation is the only
   change, so it caused it, but shapelint reported it where the broken shape
   is used (``X - X_mean`` after ``X_mean = X.mean(axis=1)``), not at the edit.
4. Prints a summary table.  Exits 0 whatever it measured; 2 when setup fails.

Only the standard library, subprocess and pip are used.  Usage::

    pip install ".[test]" && python benchmarks/real_code.py [--quick]
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "real_code_harness.py"

# Pinned so that the numbers are reproducible.  numpy-ml 0.1.2 (2020) is the
# latest release of numpy-ml; scikit-learn 1.7.2 is the newest release that
# still supports every Python shapelint supports (3.10+).  The runtime pins are
# what scikit-learn 1.7.2 runs on; numpy-ml needs only numpy.
CORPUS_PACKAGES = ["numpy-ml==0.1.2", "scikit-learn==1.7.2"]
RUNTIME_PACKAGES = [
    "numpy==2.2.6",
    "scipy==1.15.3",
    "joblib==1.5.2",
    "threadpoolctl==3.6.0",
]

# Directories (relative to the install folder) that make up the corpus.  Files
# under a "tests" directory are left out.  numpy-ml's neural_nets/utils is in
# because the convolution and pooling layers do their shape work there (im2col,
# col2im, conv2D, pad2D).
CORPUS_DIRS = [
    "numpy_ml/neural_nets/layers",
    # the layers get their weights from these initializer objects (WeightInitializer)
    "numpy_ml/neural_nets/initializers",
    "numpy_ml/neural_nets/losses",
    "numpy_ml/neural_nets/activations",
    "numpy_ml/neural_nets/utils",
    "sklearn/neural_network",
    "sklearn/linear_model",
]

# Functions whose name says they compute a forward pass, a loss, a gradient or
# a prediction.  numpy-ml names its helpers _fwd/_bwd, its activations fn and
# does the convolutions' forward passes in utils (conv2D, im2col, ...);
# scikit-learn names its MLP steps _forward_pass/_backprop/_compute_loss_grad,
# its activations inplace_* (and inplace_*_derivative), and the RBM's forward
# pass _mean_hiddens/_sample_visibles/_free_energy/gibbs.
FUNCTION_NAME_RE = re.compile(
    r"forward|backward|_fwd|_bwd|backprop|grad|loss|predict|decision_function"
    r"|deriv|hessian|^fn$|softmax|^inplace_|hiddens|visibles|free_energy|gibbs"
    r"|conv\dD|im2col|col2im|dilate|pad\dD",
    re.IGNORECASE,
)

PRODUCT_FUNCTIONS = {"dot", "matmul", "safe_sparse_dot"}
NUMPY_NAMES = {"np", "numpy", "jnp"}
REDUCTIONS = {
    "sum", "mean", "max", "min", "std", "var", "prod", "argmax", "argmin",
    "any", "all", "average", "median", "cumsum", "nanmax", "nanmin", "nansum",
    "nanmean", "logsumexp", "ptp", "amax", "amin",
}

# A ValueError whose message says this is about values, not shapes.
VALUE_ERROR_RE = re.compile(
    r"\bNaN\b|infinity|singular|positive definite|did not converge|converge",
    re.IGNORECASE,
)

QUICK_MUTANTS = 24
MUTANT_TIMEOUT = 120
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "PYTHONWARNINGS": "ignore",
}


class SetupError(Exception):
    pass


# --------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def install(site: Path) -> None:
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
        "--disable-pip-version-check", "--no-input", "--target", str(site),
        *CORPUS_PACKAGES, *RUNTIME_PACKAGES,
    ]
    print("$ python " + " ".join(cmd[1:]), flush=True)
    proc = run(cmd)
    if proc.returncode != 0:
        raise SetupError("pip install failed:\n" + proc.stdout + proc.stderr)


def corpus_files(site: Path) -> list[str]:
    files = []
    for d in CORPUS_DIRS:
        root = site / d
        if not root.is_dir():
            raise SetupError(f"{d} is missing from the installed packages")
        for p in sorted(root.rglob("*.py")):
            rel = p.relative_to(site)
            if "tests" in rel.parts or "__pycache__" in rel.parts:
                continue
            files.append(rel.as_posix())
    return files


def copy_corpus(site: Path, files: list[str], dest: Path) -> None:
    """The corpus files, and the ``__init__.py`` of every package above them (copied, not
    checked): without ``sklearn/__init__.py`` the copy of ``sklearn/neural_network/_rbm.py`` would
    be the module ``neural_network._rbm``, and its ``from ..utils import ...`` would name nothing
    that a check of the installed package sees."""
    packages = set()
    for rel in files:
        parent = Path(rel).parent
        while parent != Path(".") and (site / parent / "__init__.py").is_file():
            packages.add(str(parent / "__init__.py"))
            parent = parent.parent
    for rel in sorted(set(files) | packages):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site / rel, target)


# --------------------------------------------------------------------------
# shapelint
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    notes: tuple = ()

    def cited_lines(self) -> set:
        """Lines the notes name as where a shape came from ("X_mean: (n,) from X.mean(...), line 12")."""
        return {int(m.group(1)) for n in self.notes for m in [NOTE_LINE.search(n)] if m}


def shapelint_help() -> str:
    return run([sys.executable, "-m", "shapelint", "check", "--help"]).stdout


EXTRA_SHAPELINT_ARGS: list[str] = []  # --shapelint-arg, e.g. --trust-docstrings


def shapelint_base_cmd() -> list[str]:
    cmd = [sys.executable, "-m", "shapelint", "check", "--format", "json"]
    if "--no-cache" in shapelint_help():
        cmd.append("--no-cache")
    return cmd + EXTRA_SHAPELINT_ARGS


def shapelint(base_cmd: list[str], cwd: Path, paths: list[str]) -> list[Finding]:
    proc = run([*base_cmd, *paths], cwd=cwd)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise SetupError(
            f"shapelint exited {proc.returncode} without JSON:\n"
            + proc.stdout[-2000:] + proc.stderr[-2000:]
        )
    return [
        Finding(f["path"].replace(os.sep, "/"), f["line"], f["column"], f["code"], f["message"],
                tuple(f.get("notes") or ()))
        for f in data
    ]


# --------------------------------------------------------------------------
# Mutants
# --------------------------------------------------------------------------


@dataclass
class Mutant:
    id: int
    path: str  # relative to the install folder
    function: str  # qualified name
    operator: str
    description: str
    edits: list  # [(start_byte, end_byte, replacement_bytes)]
    lines: tuple  # (first, last) lines of the mutated expression's statement
    mutated_lines: frozenset  # lines whose text the mutation changes
    line: int  # the line reported
    subjects: list = field(default_factory=list)  # source of the arrays involved
    anchor: tuple = None  # (line, column) of the statement the mutation is in
    # filled in later
    revealed: list = field(default_factory=list)  # what shapelint inferred for the subjects
    elsewhere: list = field(default_factory=list)  # new findings on other lines
    harnesses: list = field(default_factory=list)
    verdict: str = ""  # not-run | same | breaks | other-error | timeout
    evidence: str = ""
    raised: bool = False  # broke shapes by raising (not by giving another shape)
    raised_at: int | None = None  # the line of the mutated file the error came through last
    detected: bool = False  # a new finding on a mutated line (the measure)
    findings: list = field(default_factory=list)


class Source:
    def __init__(self, text: str):
        self.text = text
        self.data = text.encode("utf-8")
        self.line_starts = [0]
        for i, b in enumerate(self.data):
            if b == 0x0A:
                self.line_starts.append(i + 1)

    def offset(self, line: int, col: int) -> int:
        return self.line_starts[line - 1] + col

    def span(self, node) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    def seg(self, node) -> str:
        a, b = self.span(node)
        return self.data[a:b].decode("utf-8")

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1


ATOMS = (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant)


def atom(src: Source, node) -> str:
    text = src.seg(node)
    return text if isinstance(node, ATOMS) else f"({text})"


def short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_numpy_call(func, names) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr in names
        and isinstance(func.value, ast.Name)
        and func.value.id in NUMPY_NAMES
    )


def is_numpy_module(node) -> bool:
    """np, numpy, np.linalg, np.random, ..."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in NUMPY_NAMES


def int_value(node):
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def new_axes(k: int) -> list[int]:
    # 0 <-> 1, otherwise add 1 (for -1 that is 0).
    if k == 0:
        return [1]
    if k == 1:
        return [0, 2]
    return [k + 1]


def is_newaxis(node) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Attribute)
        and node.attr == "newaxis"
        and isinstance(node.value, ast.Name)
        and node.value.id in NUMPY_NAMES
    )


def is_full_slice(node) -> bool:
    return (
        isinstance(node, ast.Slice)
        and node.lower is None
        and node.upper is None
        and node.step is None
    ) or (isinstance(node, ast.Constant) and node.value is Ellipsis)


def mutations_in(src: Source, func) -> list[tuple[str, str, list, object, list]]:
    """(operator, description, edits, node, subjects) for every mutation site
    in func; the subjects are the arrays whose shapes the mutation is about."""
    out = []

    def edit(node, text):
        a, b = src.span(node)
        return (a, b, text.encode("utf-8"))

    def suffix_start(value, char):
        """Where the `.attr` or `[...]` that follows value starts: the first
        char after value's end (only closing parentheses and blanks are
        between, as in `(a + b).T`)."""
        return src.data.index(char.encode(), src.span(value)[1])

    def product_operands(node):
        """The two operands of a matrix product, and how to rebuild it."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            return node.left, node.right
        if isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords:
            f = node.func
            if is_numpy_call(f, {"dot", "matmul"}) or (
                isinstance(f, ast.Name) and f.id in PRODUCT_FUNCTIONS
            ):
                if not any(isinstance(a, ast.Starred) for a in node.args):
                    return node.args[0], node.args[1]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "dot"
            and len(node.args) == 1
            and not node.keywords
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id in NUMPY_NAMES)
            and not isinstance(node.args[0], ast.Starred)
        ):
            return node.func.value, node.args[0]
        return None

    # the other operand of the product, arithmetic or in-place operation that
    # an expression is an operand of: its shape decides whether the mutation
    # breaks anything
    partner = {}
    for node in ast.walk(func):
        pair = product_operands(node)
        if pair is None and isinstance(node, ast.BinOp):
            pair = (node.left, node.right)
        if pair is None and isinstance(node, ast.AugAssign):
            pair = (node.target, node.value)
        if pair is not None:
            partner[id(pair[0])] = pair[1]
            partner[id(pair[1])] = pair[0]

    def with_partner(node, subjects):
        other = partner.get(id(node))
        return list(subjects) + ([other] if other is not None and other not in subjects else [])

    for node in ast.walk(func):
        # drop a .T
        if isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
            a = suffix_start(node.value, ".")
            b = src.span(node)[1]
            out.append(("drop .T", f"{short(src.seg(node))} -> {short(src.seg(node.value))}",
                        [(a, b, b"")], node, with_partner(node, [node.value])))

        ops = product_operands(node)
        if ops is not None:
            left, right = ops
            whole = short(src.seg(node))
            # swap the operands
            if src.seg(left) != src.seg(right):
                if isinstance(node, ast.BinOp):
                    edits = [edit(left, atom(src, right)), edit(right, atom(src, left))]
                elif isinstance(node.func, ast.Attribute) and node.func.attr == "dot" and not node.args[1:] and node.func.value is left:
                    edits = [edit(left, atom(src, right)), edit(right, src.seg(left))]
                else:
                    edits = [edit(left, src.seg(right)), edit(right, src.seg(left))]
                out.append(("swap operands", f"{whole}: swap {short(src.seg(left), 30)} and {short(src.seg(right), 30)}", edits, node,
                            [left, right]))
            # add a .T to an operand that has none
            for operand in (left, right):
                if isinstance(operand, ast.Attribute) and operand.attr == "T":
                    continue
                if isinstance(operand, ast.Constant):
                    continue
                new = atom(src, operand) + ".T"
                out.append(("add .T", f"{short(src.seg(operand), 40)} -> {short(new, 40)} in {whole}",
                            [edit(operand, new)], node, [left, right]))

        if isinstance(node, ast.Call):
            f = node.func
            fname = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if isinstance(f, ast.Attribute) and not is_numpy_module(f.value):
                receiver = [f.value]  # x.sum(axis=0)
            else:
                receiver = node.args[:1]  # np.sum(x, axis=0)
            # keyword arguments, in source order with the positional ones
            args = sorted(list(node.args) + list(node.keywords), key=lambda n: (n.lineno, n.col_offset))
            for i, kw in enumerate(args):
                if not isinstance(kw, ast.keyword) or kw.arg is None:
                    continue
                if kw.arg == "keepdims" and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    if i > 0:
                        a = src.span(args[i - 1])[1]
                        b = src.span(kw)[1]
                    elif len(args) > 1:
                        a = src.span(kw)[0]
                        b = src.span(args[1])[0]
                    else:
                        a, b = src.span(kw)
                    out.append(("drop keepdims", f"{short(src.seg(node))}: drop keepdims=True",
                                [(a, b, b"")], node, with_partner(node, receiver)))
                if kw.arg == "axis":
                    k = int_value(kw.value)
                    if k is not None:
                        for n in new_axes(k):
                            out.append(("change axis", f"{short(src.seg(node))}: axis={k} -> axis={n}",
                                        [edit(kw.value, str(n))], node, with_partner(node, receiver)))
            # positional axis of a reduction: x.sum(0), np.sum(x, 1)
            pos = None
            if fname in REDUCTIONS and not any(k.arg == "axis" for k in node.keywords):
                if isinstance(f, ast.Attribute) and not (isinstance(f.value, ast.Name) and f.value.id in NUMPY_NAMES):
                    pos = node.args[0] if len(node.args) >= 1 else None
                elif is_numpy_call(f, REDUCTIONS):
                    pos = node.args[1] if len(node.args) >= 2 else None
            if pos is not None and int_value(pos) is not None:
                k = int_value(pos)
                for n in new_axes(k):
                    out.append(("change axis", f"{short(src.seg(node))}: axis {k} -> {n}",
                                [edit(pos, str(n))], node, with_partner(node, receiver)))
            # drop a .reshape(-1, 1) / .reshape(1, -1)
            if isinstance(f, ast.Attribute) and f.attr == "reshape" and not node.keywords:
                shape = node.args[0].elts if len(node.args) == 1 and isinstance(node.args[0], ast.Tuple) else node.args
                vals = [int_value(a) for a in shape]
                if vals in ([-1, 1], [1, -1]):
                    a = suffix_start(f.value, ".")
                    b = src.span(node)[1]
                    out.append(("drop reshape", f"{short(src.seg(node))} -> {short(src.seg(f.value))}",
                                [(a, b, b"")], node, with_partner(node, [f.value])))
            # drop np.expand_dims(x, axis)
            if is_numpy_call(f, {"expand_dims"}) and node.args:
                out.append(("drop newaxis", f"{short(src.seg(node))} -> {short(src.seg(node.args[0]))}",
                            [edit(node, atom(src, node.args[0]))], node, with_partner(node, node.args[:1])))

        # drop a [:, None] / [:, np.newaxis] / [None, :] / [..., None]
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            sl = node.slice
            elts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
            if any(is_newaxis(e) for e in elts) and all(is_newaxis(e) or is_full_slice(e) for e in elts):
                a = suffix_start(node.value, "[")
                b = src.span(node)[1]
                out.append(("drop newaxis", f"{short(src.seg(node))} -> {short(src.seg(node.value))}",
                            [(a, b, b"")], node, with_partner(node, [node.value])))
    return out


def enclosing_statements(tree):
    """node -> innermost enclosing statement."""
    parent_stmt = {}

    def visit(node, stmt):
        for child in ast.iter_child_nodes(node):
            s = child if isinstance(child, ast.stmt) else stmt
            parent_stmt[child] = s
            visit(child, s)

    visit(tree, None)
    return parent_stmt


def selected_functions(tree):
    """(qualname, node) for the functions whose name or class marks a forward
    pass, loss or gradient."""
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if FUNCTION_NAME_RE.search(child.name):
                    found.append((prefix + child.name, child))
                else:
                    visit(child, prefix + child.name + ".")

    visit(tree, "")
    return found


def make_mutants(site: Path, files: list[str]) -> list[Mutant]:
    mutants = []
    for rel in files:
        text = (site / rel).read_text(encoding="utf-8")
        src = Source(text)
        tree = ast.parse(text)
        stmt_of = enclosing_statements(tree)
        seen = set()
        for qualname, func in selected_functions(tree):
            for op, desc, edits, node, subjects in mutations_in(src, func):
                edits = sorted(edits)
                key = tuple(edits)
                if key in seen:
                    continue
                seen.add(key)
                stmt = stmt_of.get(node)
                if stmt is None or stmt is func:
                    first, last = node.lineno, node.end_lineno
                elif hasattr(stmt, "body"):
                    first, last = stmt.lineno, node.end_lineno
                else:
                    first, last = stmt.lineno, stmt.end_lineno
                try:  # a mutant is valid Python, or it is no mutant
                    ast.parse(apply_edits(src.data, edits))
                except SyntaxError:
                    raise AssertionError(f"{rel}:{node.lineno}: {op} gives invalid Python") from None
                changed = set()
                for a, b, _ in edits:
                    changed.update(range(src.line_of(a), src.line_of(max(a, b - 1)) + 1))
                anchor = stmt if stmt is not None and stmt is not func else None
                mutants.append(Mutant(
                    id=0, path=rel, function=qualname, operator=op,
                    description=desc, edits=edits, lines=(first, last),
                    mutated_lines=frozenset(changed), line=min(changed),
                    subjects=list(dict.fromkeys(src.seg(n) for n in subjects)),
                    anchor=(anchor.lineno, anchor.col_offset) if anchor else None,
                ))
    mutants.sort(key=lambda m: (m.path, m.line, m.operator, m.description))
    for i, m in enumerate(mutants, 1):
        m.id = i
    return mutants


def apply_edits(data: bytes, edits) -> bytes:
    out = data
    for a, b, text in sorted(edits, reverse=True):
        out = out[:a] + text + out[b:]
    return out


# --------------------------------------------------------------------------
# Which corpus files a file imports (so that cross-file analysis sees them)
# --------------------------------------------------------------------------


def module_of(rel: str) -> str:
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_files(site: Path, rel: str, corpus: set[str]) -> list[str]:
    """The corpus files ``rel`` reaches through imports, directly or through the files it
    imports (as a check of the whole corpus would follow calls into them: numpy-ml's layers call
    the initializers, which make the activations)."""
    seen = {rel}
    todo = [rel]
    while todo:
        for f in _direct_imports(site, todo.pop(), corpus):
            if f not in seen:
                seen.add(f)
                todo.append(f)
    return sorted(seen - {rel})


def _direct_imports(site: Path, rel: str, corpus: set[str]) -> list[str]:
    by_module = {module_of(f): f for f in corpus}
    tree = ast.parse((site / rel).read_text(encoding="utf-8"))
    package = module_of(rel).split(".")
    if not rel.endswith("__init__.py"):
        package = package[:-1]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names.add(mod)
            for alias in node.names:
                names.add(f"{mod}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.name)
    deps = set()
    for name in names:
        f = by_module.get(name)
        if f and f != rel:
            deps.add(f)
    return sorted(deps)


# --------------------------------------------------------------------------
# Running the code (the runtime interpreter sees only the install folder)
# --------------------------------------------------------------------------


def runtime_cmd(site: Path, *args) -> list[str]:
    return [sys.executable, "-S", str(HARNESS), "--site", str(site), *args]


def runtime_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update(THREAD_ENV)
    return env


class Runtime:
    """A fork server of the pinned runtime (real_code_harness.py serve): one
    fresh child process per mutant."""

    def __init__(self, site: Path, files: list[str], log: Path):
        self.log = open(log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            runtime_cmd(site, "serve", "--corpus", ",".join(files)),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            text=True, env=runtime_env(), bufsize=1,
        )

    def run(self, target: str, source: Path, harnesses: list[str]) -> dict:
        request = {"target": target, "source": str(source), "harnesses": harnesses,
                   "timeout": MUTANT_TIMEOUT}
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            self.log.flush()
            raise SetupError("the runtime server died; see " + self.log.name)
        return json.loads(line)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def trace_harnesses(site: Path, work: Path, files: list[str]) -> dict:
    out = work / "trace.json"
    proc = run(runtime_cmd(site, "trace", "--files", ",".join(files), "--out", str(out)),
               env=runtime_env(), timeout=1800)
    if proc.returncode != 0 or not out.exists():
        raise SetupError("the harnesses failed on the unmutated code:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    return json.loads(out.read_text())


def diff_signature(a, b, where=""):
    """First difference between two signatures, or None."""
    if a == b:
        return None
    if isinstance(a, list) and isinstance(b, list) and a and b and a[0] == b[0]:
        if a[0] == "array":
            return f"{where or 'result'}: shape {tuple(a[1])} -> {tuple(b[1])}"
        if a[0] in ("seq", "dict") and type(a[1]) is type(b[1]):
            if a[0] == "seq":
                if len(a[1]) != len(b[1]):
                    return f"{where or 'result'}: length {len(a[1])} -> {len(b[1])}"
                for i, (x, y) in enumerate(zip(a[1], b[1])):
                    d = diff_signature(x, y, f"{where}[{i}]")
                    if d:
                        return d
            else:
                for k in sorted(set(a[1]) | set(b[1])):
                    if k not in a[1] or k not in b[1]:
                        return f"{where}.{k}: present only in one run"
                    d = diff_signature(a[1][k], b[1][k], f"{where}.{k}" if where else k)
                    if d:
                        return d
    return f"{where or 'result'}: {describe(a)} -> {describe(b)}"


def describe(sig) -> str:
    if isinstance(sig, list) and sig and sig[0] == "array":
        return f"shape {tuple(sig[1])}"
    if isinstance(sig, list) and sig:
        return str(sig[0])
    return str(sig)


def judge(mutant: Mutant, original: dict, result: dict) -> None:
    """Set mutant.verdict and mutant.evidence from the runs of its harnesses."""
    if "__timeout__" in result:
        mutant.verdict = "timeout"
        mutant.evidence = f"no result within {result['__timeout__']} s"
        return
    if "__crash__" in result:
        mutant.verdict = "other-error"
        mutant.evidence = "the run crashed: " + short(result["__crash__"], 110)
        return
    other = None
    for name in mutant.harnesses:
        got = result.get(name)
        want = original[name]["signature"]
        if got is None:
            continue
        if got.get("error"):
            err = got["error"]
            kind, msg = err["type"], err["message"]
            shape_kinds = {"ValueError", "IndexError", "AxisError", "LinAlgError"}
            if set(err.get("mro", [kind])) & shape_kinds and not VALUE_ERROR_RE.search(msg):
                mutant.verdict = "breaks"
                mutant.evidence = f"{name}: {kind}: {short(msg, 110)}"
                mutant.raised, mutant.raised_at = True, err.get("line")
                return
            other = other or f"{name}: {kind}: {short(msg, 110)}"
            continue
        d = diff_signature(want, got["signature"])
        if d:
            mutant.verdict = "breaks"
            mutant.evidence = f"{name}: {d}"
            return
    if other:
        mutant.verdict = "other-error"
        mutant.evidence = other
    else:
        mutant.verdict = "same"


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


NOTE_LINE = re.compile(r", line (\d+)$")  # the end of a shapelint note that names where a shape came from
BATCH = 8  # mutants of one file checked by one shapelint run


def run_mutants(site, work, files, corpus_set, todo, trace, runtimes, lint_cmd):
    """Run every mutant (fork server) and check it with shapelint.

    Mutants of one file are checked in batches: each mutated copy is written
    beside the original as mutant_<id>.py (so that its relative imports
    resolve to the same modules), and one shapelint run checks the copies,
    the original and the corpus files the original imports.  A mutant is
    detected when a finding starts on one of its mutated lines and the
    original has no finding with the same line, code and message."""
    originals = {f: (site / f).read_bytes() for f in {m.path for m in todo}}
    batches = []
    for path in sorted(originals):
        ms = [m for m in todo if m.path == path]
        batches += [ms[i:i + BATCH] for i in range(0, len(ms), BATCH)]
    (work / "mutants").mkdir(exist_ok=True)
    trees = []
    for i in range(len(runtimes)):
        tree = work / f"w{i}"
        shutil.rmtree(tree, ignore_errors=True)
        copy_corpus(site, files, tree)
        trees.append(tree)
    deps = {}
    for path in originals:
        deps[path] = imported_files(site, path, corpus_set)

    def process(batch, rt, tree):
        path = batch[0].path
        folder = path.rsplit("/", 1)[0]
        copies = {}
        for m in batch:
            mutated = apply_edits(originals[path], m.edits)
            source = work / "mutants" / f"{m.id}.py"
            source.write_bytes(mutated)
            judge(m, trace["harnesses"], rt.run(m.path, source, m.harnesses))
            copy = f"{folder}/mutant_{m.id}.py"
            (tree / copy).write_bytes(mutated)
            copies[copy] = m
        try:
            found = shapelint(lint_cmd, tree, [*copies, path, *deps[path]])
        finally:
            for copy in copies:
                (tree / copy).unlink()
        before = {(f.line, f.code, f.message) for f in found if f.path == path}
        stem = path.rsplit("/", 1)[1][:-3]
        for copy, m in copies.items():
            own = f"mutant_{m.id}"
            new = [
                f for f in found
                if f.path == copy and (f.line, f.code, f.message.replace(own, stem)) not in before
            ]
            m.findings = [f for f in new if f.line in m.mutated_lines]
            m.elsewhere = [f for f in new if f.line not in m.mutated_lines]
            m.detected = bool(m.findings)

    jobs = list(batches)
    lock = threading.Lock()
    done = [0]
    t0 = time.monotonic()
    errors = []

    def worker(i):
        while True:
            with lock:
                if not jobs or errors:
                    return
                batch = jobs.pop(0)
            try:
                process(batch, runtimes[i], trees[i])
            except Exception as e:  # noqa: BLE001 - reported after the pool stops
                with lock:
                    errors.append(e)
                return
            with lock:
                before = done[0]
                done[0] += len(batch)
                if done[0] // 50 != before // 50 or done[0] == len(todo):
                    print(f"  {done[0]}/{len(todo)} mutants ({time.monotonic() - t0:.0f} s)", flush=True)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(runtimes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0] if isinstance(errors[0], SetupError) else SetupError(repr(errors[0]))


def reveal(site, work, files, corpus_set, mutants, lint_cmd):
    """Ask shapelint what it inferred for the arrays each mutant is about: a
    `reveal_shape(subject)` line before the statement, one shapelint run per
    file.  Sets m.revealed to the SL000 notes ("X: (n, d) from ...")."""
    tree = work / "reveal"
    shutil.rmtree(tree, ignore_errors=True)
    copy_corpus(site, files, tree)
    for path in sorted({m.path for m in mutants}):
        lines = (site / path).read_text(encoding="utf-8").splitlines(keepends=True)
        probes = collections.defaultdict(dict)  # anchor line -> {subject: indent}
        ours = [m for m in mutants if m.path == path and m.anchor]
        for m in ours:
            text = lines[m.anchor[0] - 1]
            if text.lstrip().startswith(("elif", "else", "except", "finally")):
                continue
            indent = text[: len(text) - len(text.lstrip())]
            for subject in m.subjects:
                probes[m.anchor[0]].setdefault(" ".join(subject.split()), indent)
        out, where = [], {}
        for i, text in enumerate(lines, 1):
            for subject, indent in probes.get(i, {}).items():
                out.append(f"{indent}reveal_shape({subject})\n")
                where[len(out)] = (i, subject)
            out.append(text)
        (tree / path).write_text("".join(out), encoding="utf-8")
        notes = {}
        for f in shapelint(lint_cmd, tree, [path, *imported_files(site, path, corpus_set)]):
            if f.path == path and f.code == "SL000" and f.line in where:
                # a body analysed both on its own and with its callers' shapes
                # gets one note per analysis: keep the most informative
                old = notes.get(where[f.line])
                if old is None or (unknown(old) and not unknown(f.message)) or (
                    not fully_known(old) and fully_known(f.message)
                ):
                    notes[where[f.line]] = f.message
        for m in ours:
            m.revealed = [
                notes.get((m.anchor[0], " ".join(s.split())), f"{short(s, 40)}: (not revealed)")
                for s in m.subjects
            ]


def revealed_shape(note: str) -> str:
    """The shape part of a reveal_shape note: "X.T: (d, n) from ..." -> "(d, n)"."""
    return note.split(" from ")[0].rsplit(": ", 1)[-1]


def unknown(note: str) -> bool:
    return revealed_shape(note) in ("unknown", "(not revealed)")


def fully_known(note: str) -> bool:
    return not unknown(note) and "?" not in revealed_shape(note)


def raised_where(m: Mutant) -> str:
    if not m.raised:
        return ""
    if m.raised_at is None:
        return " (raised outside the mutated file)"
    return " (raised on the mutated line)" if m.lines[0] <= m.raised_at <= m.lines[1] else f" (raised on line {m.raised_at})"


def count_lines(site: Path, files: list[str]) -> int:
    return sum(len((site / f).read_text(encoding="utf-8").splitlines()) for f in files)


def select_quick(mutants: list[Mutant], n: int) -> list[Mutant]:
    if len(mutants) <= n:
        return mutants
    step = len(mutants) / n
    return [mutants[int(i * step)] for i in range(n)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"run only {QUICK_MUTANTS} exercised mutants (a smoke run)")
    parser.add_argument("--max-mutants", type=int, default=None,
                        help="run at most this many exercised mutants")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="mutants run in parallel (default: 2 or the number of CPUs)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="use this folder (reusing an install there) and keep it")
    parser.add_argument("--shapelint-arg", action="append", default=[],
                        help="pass this option to shapelint too (repeatable), e.g. --shapelint-arg=--trust-docstrings")
    args = parser.parse_args(argv)
    EXTRA_SHAPELINT_ARGS[:] = args.shapelint_arg

    started = time.monotonic()
    if args.workdir:
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
        keep = True
    else:
        work = Path(tempfile.mkdtemp(prefix="shapelint-real-code-"))
        keep = False
    try:
        return measure(args, work, started)
    except SetupError as e:
        print(f"\nsetup failed: {e}", file=sys.stderr)
        return 2
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def measure(args, work: Path, started: float) -> int:
    site = work / "site"
    stamp = site / ".shapelint-pins"
    pins = "\n".join(CORPUS_PACKAGES + RUNTIME_PACKAGES)
    print("== Setup")
    if stamp.exists() and stamp.read_text() == pins:
        print(f"reusing {site}")
    else:
        shutil.rmtree(site, ignore_errors=True)
        install(site)
        stamp.write_text(pins)
    files = corpus_files(site)
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    copy_corpus(site, files, corpus)
    lines = count_lines(site, files)
    version = run([sys.executable, "-m", "shapelint", "--version"]).stdout.strip()
    print(f"{version}; corpus: {len(files)} files, {lines} lines from "
          + ", ".join(CORPUS_PACKAGES))
    for d in CORPUS_DIRS:
        n = [f for f in files if f.startswith(d + "/")]
        print(f"  {d}: {len(n)} files, {count_lines(site, n)} lines")

    # 1. shapelint on the unmutated corpus ------------------------------------
    base_cmd = shapelint_base_cmd()
    print("\n== shapelint on the unmutated corpus")
    print("$ " + " ".join(["shapelint", *base_cmd[3:], "<corpus>"]))
    t0 = time.monotonic()
    findings = shapelint(base_cmd, corpus, files)
    print(f"{len(findings)} findings in {time.monotonic() - t0:.1f} s")
    for f in findings:
        print(f"  {f.path}:{f.line}:{f.column}: {f.code} {f.message}")
    per_code = collections.Counter(f.code for f in findings)
    if per_code:
        print("per code: " + ", ".join(f"{c} {n}" for c, n in sorted(per_code.items())))

    # 2. mutants --------------------------------------------------------------
    print("\n== Mutants")
    mutants = make_mutants(site, files)
    ops = collections.Counter(m.operator for m in mutants)
    print(f"{len(mutants)} mutants in {len({(m.path, m.function) for m in mutants})} functions: "
          + ", ".join(f"{o} {n}" for o, n in sorted(ops.items())))

    print("running the harnesses on the unmutated code (traced) ...", flush=True)
    t0 = time.monotonic()
    trace = trace_harnesses(site, work, files)
    ok = {n: h for n, h in trace["harnesses"].items() if not h["error"]}
    failed = {n: h for n, h in trace["harnesses"].items() if h["error"]}
    print(f"{len(trace['harnesses'])} harnesses in {time.monotonic() - t0:.1f} s"
          + (f"; {len(failed)} failed on the unmutated code and are not used:" if failed else ""))
    for n, h in failed.items():
        e = h["error"]
        print(f"  {n}: {e['type']}: {short(e['message'], 100)}")

    covered = collections.defaultdict(set)  # (path, line) -> harnesses
    for name, h in ok.items():
        for path, lns in h["lines"].items():
            for ln in lns:
                covered[(path, ln)].add(name)
    for m in mutants:
        hs = set()
        for ln in range(m.lines[0], m.lines[1] + 1):
            hs |= covered.get((m.path, ln), set())
        m.harnesses = sorted(hs)
    exercised = [m for m in mutants if m.harnesses]
    unexercised = [m for m in mutants if not m.harnesses]
    for m in unexercised:
        m.verdict = "not-run"
    limit = QUICK_MUTANTS if args.quick else args.max_mutants
    todo = select_quick(exercised, limit) if limit else exercised
    print(f"{len(exercised)} mutants are on lines the harnesses execute; "
          f"{len(unexercised)} are not (not run, not counted)")
    per_function = collections.Counter(f"{m.path}: {m.function}" for m in unexercised)
    for name, n in sorted(per_function.items()):
        print(f"  not run: {name} ({n})")
    if len(todo) < len(exercised):
        print(f"running {len(todo)} of them ({'--quick' if args.quick else '--max-mutants'})")

    corpus_set = set(files)
    runtimes = [Runtime(site, files, work / f"runtime-{i}.log") for i in range(max(1, args.jobs))]
    try:
        # Control: the unmutated code, run the way the mutants are, must give
        # the traced signatures; a harness that does not is not used.
        unstable = set()
        for path in sorted({m.path for m in todo}):
            names = sorted({h for m in todo if m.path == path for h in m.harnesses})
            got = runtimes[0].run(path, site / path, names)
            for name in names:
                if got.get(name, {}).get("signature") != trace["harnesses"][name]["signature"]:
                    unstable.add(name)
        if unstable:
            print("harnesses that do not repeat their shapes (not used): " + ", ".join(sorted(unstable)))
            for m in todo:
                m.harnesses = [h for h in m.harnesses if h not in unstable]
            for m in [m for m in todo if not m.harnesses]:
                m.verdict = "not-run"
            todo = [m for m in todo if m.harnesses]
        lint_cmd = base_cmd + (["--jobs", "1"] if "--jobs" in shapelint_help() else [])
        run_mutants(site, work, files, corpus_set, todo, trace, runtimes, lint_cmd)
        missed = [m for m in todo if m.verdict == "breaks" and not m.detected]
        if missed:
            print(f"asking shapelint (reveal_shape) what it knew of the {len(missed)} missed mutants' arrays ...",
                  flush=True)
            reveal(site, work, files, corpus_set, missed, lint_cmd)
    finally:
        for rt in runtimes:
            rt.close()

    breaking = [m for m in todo if m.verdict == "breaks"]
    detected = [m for m in breaking if m.detected]
    missed = [m for m in breaking if not m.detected]
    traced = [m for m in missed if m.elsewhere]
    verdicts = collections.Counter(m.verdict for m in todo)

    print("\n== Mutants per operator (run / shape-breaking / detected)")
    for op in sorted(ops):
        r = [m for m in todo if m.operator == op]
        b = [m for m in r if m.verdict == "breaks"]
        print(f"  {op:15} {len(r):4} {len(b):4} {sum(m.detected for m in b):4}")
    print("\n== Mutants per file (run / shape-breaking / detected)")
    for path in sorted({m.path for m in todo}):
        r = [m for m in todo if m.path == path]
        b = [m for m in r if m.verdict == "breaks"]
        print(f"  {path:55} {len(r):4} {len(b):4} {sum(m.detected for m in b):4}")

    print(f"\n== Detected shape-breaking mutants ({len(detected)})")
    for m in detected:
        f = m.findings[0]
        print(f"  #{m.id} {m.path}:{m.line} {m.function}: {m.operator}: {m.description}")
        print(f"      run: {m.evidence}{raised_where(m)}")
        print(f"      shapelint: {f.code} {short(f.message, 110)}")
    print(f"\n== Missed on the mutated line, but a new finding elsewhere: where the broken shape is used "
          f"(the mutation is the only change to the file) ({len(traced)})")
    for m in traced:
        f = m.elsewhere[0]
        cites = f.cited_lines() & set(m.mutated_lines)
        print(f"  #{m.id} {m.path}:{m.line} {m.function}: {m.operator}: {m.description}")
        print(f"      run: {m.evidence}{raised_where(m)}")
        print(f"      shapelint, line {f.line}: {f.code} {short(f.message, 100)}"
              + (" (a note names the mutated line)" if cites else ""))
    print(f"\n== Missed shape-breaking mutants ({len(missed)})")
    for m in missed:
        print(f"  #{m.id} {m.path}:{m.line} {m.function}: {m.operator}: {m.description}")
        print(f"      run: {m.evidence}{raised_where(m)}")
        if m.revealed:
            print(f"      shapelint knew: {'; '.join(short(n, 100) for n in m.revealed)}")
        for f in m.elsewhere[:2]:
            print(f"      new finding on another line: {f.line}: {f.code} {short(f.message, 90)}")
    knew_none = [m for m in missed if m.revealed and all(unknown(n) for n in m.revealed)]
    knew_all = [m for m in missed if m.revealed and all(fully_known(n) for n in m.revealed)]
    knew_some = [m for m in missed if m.revealed and m not in knew_none and m not in knew_all]
    flagged_same = [m for m in todo if m.verdict != "breaks" and m.detected]
    print(f"\n== Mutants that ran with the original shapes but got a finding on the mutated line ({len(flagged_same)})")
    for m in flagged_same:
        f = m.findings[0]
        print(f"  #{m.id} {m.path}:{m.line} {m.function}: {m.operator}: {m.description}")
        print(f"      run: {m.verdict}{': ' + m.evidence if m.evidence else ''}; shapelint: {f.code} {short(f.message, 90)}")
    others = [m for m in todo if m.verdict in ("other-error", "timeout")]
    if others:
        print(f"\n== Mutants that failed for a reason other than shapes (not counted) ({len(others)})")
        for m in others:
            print(f"  #{m.id} {m.path}:{m.line} {m.operator}: {m.description}")
            print(f"      {m.verdict}: {m.evidence}")

    # where the shape error surfaced: a line-level finding can only be a proof for the first kind
    here = [m for m in breaking if raised_where(m) == " (raised on the mutated line)"]
    there = [m for m in breaking if m.raised and m not in here]
    quiet = [m for m in breaking if not m.raised]
    here_found = sum(m.detected for m in here)
    share = f"{100 * len(detected) / len(breaking):.1f}%" if breaking else "n/a"
    either = f"{100 * (len(detected) + len(traced)) / len(breaking):.1f}%" if breaking else "n/a"
    print("\n== Summary")
    rows = [
        ("shapelint", version),
        ("corpus", ", ".join(CORPUS_PACKAGES)),
        ("files checked", str(len(files))),
        ("lines checked", str(lines)),
        ("findings on unmutated code", str(len(findings))),
    ]
    for f in findings:
        rows.append(("", f"{f.path}:{f.line} {f.code} {short(f.message, 80)}"))
    rows += [
        ("mutants generated", str(len(mutants))),
        ("  on lines no harness runs", str(len(unexercised))),
        ("mutants run", str(len(todo))),
        ("  same shapes", str(verdicts["same"])),
        ("  other error / timeout", str(verdicts["other-error"] + verdicts["timeout"])),
        ("shape-breaking mutants", str(len(breaking))),
        ("detected on the mutated line", str(len(detected))),
        ("detection share", share),
        ("  + a new finding on another line", str(len(traced))),
        ("detection share counting those", either),
        ("shape-breaking, raising on the mutated line", str(len(here))),
        ("  of those detected", f"{here_found} ({100 * here_found / len(here):.1f}%)" if here else "0"),
        ("shape-breaking, raising on a later line or elsewhere", str(len(there))),
        ("shape-breaking, no error but another shape", str(len(quiet))),
        ("missed, no operand shape known", str(len(knew_none))),
        ("missed, some operand shapes known", str(len(knew_some))),
        ("missed, every operand shape known", str(len(knew_all))),
        ("time", f"{time.monotonic() - started:.0f} s"),
    ]
    width = max(len(r[0]) for r in rows)
    print("-" * (width + 50))
    for k, v in rows:
        print(f"{k:{width}}  {v}")
    print("-" * (width + 50))
    return 0


if __name__ == "__main__":
    sys.exit(main())
