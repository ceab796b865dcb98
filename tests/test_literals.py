"""String literals are read without ast.literal_eval, to the same value Python gives them."""

import ast
import warnings

import libcst as cst
from hypothesis import given, settings
from hypothesis import strategies as st

from shapelint.sources.literals import docstring, string_value


def _value(src: str):
    return string_value(cst.parse_expression(src))


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["", "r", "u", "R"]), st.sampled_from(["'", '"', "'''", '"""']))
def test_same_value_as_python(text, prefix, quote):
    src = prefix + quote + text + quote
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes: Python warns, and reads them as text
            expected = ast.literal_eval(src)
    except (SyntaxError, ValueError):
        return  # not a literal Python reads
    try:
        node = cst.parse_expression(src)
    except cst.ParserSyntaxError:
        return
    assert string_value(node) == expected


def test_escapes_concatenation_bytes_and_fstrings():
    assert _value(r"'a\tb'") == "a\tb"
    assert _value(r"r'a\tb'") == "a\\tb"
    assert _value("'ij,jk' '->ik'") == "ij,jk->ik"
    assert _value("b'ij'") is None
    assert _value("b'ij' b'k'") is None
    assert _value("f'{x}'") is None
    assert _value("x") is None


def test_docstrings_as_libcst_reads_them():
    source = '''
def a():
    """One.\\n    Two."""
def b(): "inline"
def c():
    x = 1
def d():
    b"bytes"
def e():
    r"raw \\d" "and more"
'''
    for fn in cst.parse_module(source).body:
        assert docstring(fn) == fn.get_docstring(clean=False)
