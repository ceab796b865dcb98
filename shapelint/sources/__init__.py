"""Where declared shapes come from: annotations (this package grows docstrings, comments...)."""
