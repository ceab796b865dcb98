"""The abstract interpreter: walks libcst nodes, computes shapes, emits events for the rules."""

from .events import Event
from .interpreter import Interpreter

__all__ = ["Event", "Interpreter"]
