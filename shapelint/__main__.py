"""``python -m shapelint``: the same as the ``shapelint`` command."""

from shapelint.cli import main

if __name__ == "__main__":
    main()
