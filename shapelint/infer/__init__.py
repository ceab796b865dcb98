"""The abstract interpreter: walks libcst nodes, computes shapes, emits events for the rules.

Node tests on hot paths are on the exact type (``type(node) is cst.Name``), not ``isinstance``:
libcst's node classes are ABCs, so an ``isinstance`` that does not match goes through
``ABCMeta.__instancecheck__`` (measured: 9% of the interpretation of numpy's sources).  The
concrete node classes have no subclasses, so the two tests agree (``tests/test_exact_types.py``).
"""

from .events import Event
from .interpreter import Interpreter

__all__ = ["Event", "Interpreter"]
