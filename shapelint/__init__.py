"""shapelint: a static shape checker for numpy code."""

__version__ = "0.1.0"
