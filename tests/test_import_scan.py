"""The import scan looks for the pattern only near the word ``import``: it must find exactly what
trying the pattern everywhere finds."""

from hypothesis import given, settings, strategies as st

from shapelint.deps import _IMPORT, _statements, scan_imports

TOKENS = ["from", "import", "fromage", "reimport", " ", "\t", "\n", "\r\n", "\\\n", "\\\r\n", "\\", ".", "..",
          "a", "b_c", "(", ")", ",", ";", "as", "#", ">>> ", "'", "x1"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_same_matches_as_a_search_everywhere(tokens):
    text = "".join(tokens)
    expected = [(m.span(), m.groups()) for m in _IMPORT.finditer(text)]
    assert [(m.span(), m.groups()) for m in _statements(text)] == expected


def test_statements_continued_or_parenthesised():
    text = ("from a \\\n    import b\nx = 1  # no import here\nfrom .c import (\n    d,\n    e,\n)\n"
            "import f.g as h, i; from j import k\n")
    # the comment's "import here" and the alias "h" are seen too: the scan errs towards imports
    # that are not there, never misses one
    assert scan_imports(text) == [(0, "a", ("b",)), (0, "here", ()), (1, "c", ("d", "e")), (0, "f.g", ()),
                                  (0, "h", ()), (0, "i", ()), (0, "j", ("k",))]
