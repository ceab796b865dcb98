"""``python -m shapelint``: the same as the ``shapelint`` command."""

import os
import sys

# ``python -m`` puts the current directory first on sys.path: run inside a checked project, its own
# typing.py, tokenize.py, click.py... would be imported (that is, executed) instead of the real
# modules.  The ``shapelint`` command does not do that, and shapelint needs nothing from there
# (unless it is run from its own source tree without being installed: then the directory stays).
try:
    _cwd = os.path.realpath(os.getcwd())
except OSError:  # the current directory was removed: nothing can be imported from it either
    _cwd = None
if (_cwd and sys.path and os.path.realpath(sys.path[0] or os.curdir) == _cwd
        and os.path.dirname(os.path.dirname(os.path.realpath(__file__))) != _cwd):
    del sys.path[0]

from shapelint.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
