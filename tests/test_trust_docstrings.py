"""Docstring shapes are hints by default, contracts with `trust-docstrings`."""

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
'''


def codes(settings):
    return [(d.line, d.code) for d in check_source("m.py", SOURCE, settings)]


def test_hints_by_default_names_are_not_assumed_distinct():
    assert codes(Settings()) == []


def test_trusted_docstrings_are_contracts_with_distinct_names():
    assert codes(Settings(trust_docstrings=True)) == [(11, "SL005"), (24, "SL007")]
