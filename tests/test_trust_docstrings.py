"""Docstring shapes are hints by default, contracts with `trust-docstrings`.

As hints, the names of one docstring are distinct sizes (unless they look alike), names
of different docstrings are unknown against each other, and calls are not checked."""

from shapelint.config import Settings
from shapelint.engine import check_source

SOURCE = '''import numpy as np


def center(X):
    """Center the rows.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    """
    return X - X.mean(axis=1)


def scale(y):
    """Scale.

    Parameters
    ----------
    y : ndarray of shape (n_samples, 3) or None
    """
    return y


scale(np.zeros((5, 4)))


def loose(window, W):
    """
    Parameters
    ----------
    window : ndarray of shape (n, k, in_ch)
    W : ndarray of shape (k, in_channels)
    """
    return window * W


class Layer:
    def forward(self, X):
        """
        Parameters
        ----------
        X : ndarray of shape (n_ex, n_in)
        """
        self.X = X

    def backward(self, dY):
        """
        Parameters
        ----------
        dY : ndarray of shape (n_ex, n_out)
        """
        return dY @ self.X.T
'''


def codes(settings):
    return [(d.line, d.code) for d in check_source("m.py", SOURCE, settings)]


def test_hints_by_default_distinct_within_one_docstring_or_class():
    # line 11: n_features vs n_samples of one docstring; no SL007 for the call on line 24;
    # in_ch / in_channels look alike (line 34); the methods of a class share their names (line 52)
    assert codes(Settings()) == [(11, "SL013"), (52, "SL001")]


def test_trusted_docstrings_are_contracts_with_distinct_names():
    assert codes(Settings(trust_docstrings=True)) == [(11, "SL013"), (24, "SL007"), (34, "SL005"), (52, "SL001")]


ATTRIBUTES = '''import numpy as np


class Model:
    """
    Attributes
    ----------
    sigma_ : ndarray of shape (n_features, n_features)
    """

    def predict(self, X):
        """
        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        """
        return np.dot(X.T, self.sigma_)
'''


def test_documented_attributes_share_the_class_names_only_when_trusted():
    # as hints, an attribute's sizes are opaque (Attributes sections are loose); as contracts
    # they are the class's names, and n_samples != n_features is proven
    found = [(d.line, d.code) for d in check_source("m.py", ATTRIBUTES, Settings())]
    trusted = [(d.line, d.code) for d in check_source("m.py", ATTRIBUTES, Settings(trust_docstrings=True))]
    assert (found, trusted) == ([], [(17, "SL001")])


BORNE_OUT = '''import numpy as np


def step(x, prev_h, Wx, Wh):
    """
    Inputs:
    - x: of shape (N, D)
    - prev_h: of shape (N, H)
    - Wx: of shape (D, H)
    - Wh: of shape (H, H)
    """
    wrong = Wh @ prev_h
    return x @ Wx + prev_h @ Wh
'''


def test_a_clash_of_two_entries_is_reported_where_the_body_bears_the_docstring_out():
    # x @ Wx on line 13 meets the docstring on D: Wh @ prev_h on line 12 is a bug, and the
    # finding says which product made the docstring exact
    [found] = check_source("m.py", BORNE_OUT, Settings())
    assert (found.line, found.code) == (12, "SL001")
    assert found.notes[-1] == "the docstring holds in x @ Wx (line 13: D meets D), so its shapes are taken as exact"
    # without the products that meet it the clash is docs against docs, and silent
    assert check_source("m.py", BORNE_OUT.replace("x @ Wx + prev_h @ Wh", "wrong"), Settings()) == []
    # trusted docstrings are contracts already: the finding needs no such note
    [trusted] = check_source("m.py", BORNE_OUT, Settings(trust_docstrings=True))
    assert (trusted.line, trusted.code) == (12, "SL001") and not any("holds in" in n for n in trusted.notes)


TUPLE_RETURN = '''import numpy as np


def forward(x, w):
    """
    Inputs:
    - x: of shape (N, D)
    - w: of shape (D, M)

    Returns a tuple of:
    - out: of shape (N, M)
    - cache: (x, w)
    """
    return (x @ w).T, (x, w)


def scale(x):
    """
    Inputs:
    - x: of shape (N, D)

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: x
    """
    return x.T, x
'''


def test_a_documented_tuple_is_checked_item_by_item():
    # x @ w bears the first docstring out; nothing bears the second out, unless it is trusted
    found = check_source("m.py", TUPLE_RETURN, Settings())
    assert [(d.line, d.code) for d in found] == [(14, "SL007")]
    assert "forward() documents (N, M)" in found[0].message
    assert found[0].suggestion == "if the code is right, document (M, N)"  # the docstring may be what is wrong
    trusted = check_source("m.py", TUPLE_RETURN, Settings(trust_docstrings=True))
    assert [(d.line, d.code) for d in trusted] == [(14, "SL007"), (26, "SL007")]
    assert "forward() declares (N, M)" in trusted[0].message
