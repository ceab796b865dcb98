"""File discovery and source decoding (shapelint.files)."""

from __future__ import annotations

import os
import sys

import pytest

from shapelint.files import SourceError, discover, read_source, split_lines


def touch(path, text="x = 1\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rel(files, root):
    return [os.path.relpath(f, root).replace(os.sep, "/") for f in files]


@pytest.fixture
def tree(tmp_path):
    for name in [
        "a.py",
        "b.py",
        "notes.txt",
        "script",  # no suffix: only checked when named
        "pkg/__init__.py",
        "pkg/sub/deep.py",
        "pkg/data.json",
        ".hidden/h.py",
        ".hidden_file.py",
        "__pycache__/cached.py",
        "node_modules/n.py",
        "build/bl.py",
        "dist/di.py",
        "shapelint.egg-info/e.py",
        "env/lib/site.py",
        "x.py/inside.py",  # a directory named x.py
    ]:
        touch(tmp_path / name)
    touch(tmp_path / "env" / "pyvenv.cfg", "home = /usr/bin\n")
    return tmp_path


def test_directory_walk_skips_the_usual_suspects(tree):
    files, errors = discover([str(tree)])
    assert errors == []
    assert rel(files, tree) == [
        "a.py",
        "b.py",
        "pkg/__init__.py",
        "pkg/sub/deep.py",
        "x.py/inside.py",
    ]


def test_directory_named_x_py_is_walked_not_read(tree):
    files, errors = discover([str(tree / "x.py")])
    assert errors == []
    assert rel(files, tree) == ["x.py/inside.py"]


def test_named_files_are_always_included(tree):
    named = [tree / "script", tree / "notes.txt", tree / "build" / "bl.py", tree / ".hidden" / "h.py"]
    files, errors = discover([str(p) for p in named])
    assert errors == []
    assert sorted(rel(files, tree)) == sorted([".hidden/h.py", "build/bl.py", "notes.txt", "script"])


def test_named_directory_is_walked_even_if_it_would_be_skipped(tree):
    files, _ = discover([str(tree / "build"), str(tree / ".hidden")])
    assert rel(files, tree) == [".hidden/h.py", "build/bl.py"]


def test_missing_paths_are_reported_and_the_rest_still_found(tree):
    files, errors = discover([str(tree / "nope.py"), str(tree / "a.py"), str(tree / "gone")])
    assert rel(files, tree) == ["a.py"]
    assert errors == [
        f"path does not exist: {tree / 'nope.py'}",
        f"path does not exist: {tree / 'gone'}",
    ]
    assert all("\n" not in e for e in errors)


def test_results_are_sorted_and_deduplicated(tree):
    files, _ = discover([str(tree / "pkg"), str(tree / "b.py"), str(tree), str(tree / "a.py")])
    names = rel(files, tree)
    assert names == sorted(set(names), key=lambda p: p.split("/"))
    assert names.count("a.py") == 1 and names.count("pkg/sub/deep.py") == 1


def test_sorting_is_by_path_component(tmp_path):
    touch(tmp_path / "a-b.py")
    touch(tmp_path / "a" / "b.py")
    touch(tmp_path / "a.py")
    files, _ = discover([str(tmp_path)])
    # "a" sorts before "a-b.py" and "a.py" component-wise, whatever the separator's code point.
    assert rel(files, tmp_path) == ["a/b.py", "a-b.py", "a.py"]


def test_relative_paths_are_normalised(tree, monkeypatch):
    monkeypatch.chdir(tree)
    files, _ = discover(["."])
    assert files[:2] == ["a.py", "b.py"]
    files, _ = discover(["./pkg/../a.py"])
    assert files == ["a.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loops_do_not_hang(tmp_path):
    touch(tmp_path / "pkg" / "m.py")
    try:
        os.symlink(tmp_path, tmp_path / "pkg" / "loop")
        os.symlink(tmp_path / "pkg" / "m.py", tmp_path / "alias.py")
    except OSError:
        pytest.skip("cannot create symlinks here")
    files, errors = discover([str(tmp_path)])
    assert errors == []
    # The symlinked directory is not entered; a symlinked file is an ordinary file.
    assert rel(files, tmp_path) == ["alias.py", "pkg/m.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_broken_symlink_is_found_and_read_source_explains(tmp_path):
    try:
        os.symlink(tmp_path / "missing.py", tmp_path / "broken.py")
    except OSError:
        pytest.skip("cannot create symlinks here")
    files, errors = discover([str(tmp_path)])
    assert errors == []
    assert rel(files, tmp_path) == ["broken.py"]
    with pytest.raises(SourceError, match="broken symbolic link"):
        read_source(files[0])


# --- read_source -------------------------------------------------------------------------------


def test_utf8_default(tmp_path):
    p = tmp_path / "u.py"
    p.write_bytes("s = 'héllo'\n".encode("utf-8"))
    assert read_source(str(p)) == "s = 'héllo'\n"


def test_latin1_coding_cookie(tmp_path):
    p = tmp_path / "l.py"
    p.write_bytes(b"# -*- coding: latin-1 -*-\ns = '\xe9'\n")
    assert read_source(str(p)) == "# -*- coding: latin-1 -*-\ns = '\u00e9'\n"


def test_cookie_on_second_line(tmp_path):
    p = tmp_path / "l.py"
    p.write_bytes(b"#!/usr/bin/env python\n# coding=latin-1\ns = '\xe9'\n")
    assert read_source(str(p)).endswith("s = '\u00e9'\n")


def test_bom_is_stripped(tmp_path):
    p = tmp_path / "b.py"
    p.write_bytes(b"\xef\xbb\xbfx = 1\n")
    assert read_source(str(p)) == "x = 1\n"


def test_line_endings_are_kept(tmp_path):
    p = tmp_path / "crlf.py"
    p.write_bytes(b"x = 1\r\ny = 2\r\n")
    assert read_source(str(p)) == "x = 1\r\ny = 2\r\n"


def test_undecodable_bytes_say_encoding_and_offset(tmp_path):
    p = tmp_path / "bad.py"
    p.write_bytes(b"x = 1\n\n\ny = '\xff'\n")
    with pytest.raises(SourceError) as info:
        read_source(str(p))
    message = str(info.value)
    assert message == f"{p}: cannot decode as utf-8: byte 0xff at offset 13 (line 4): invalid start byte"


def test_undecodable_after_bom_counts_offset_from_file_start(tmp_path):
    p = tmp_path / "bad.py"
    p.write_bytes(b"\xef\xbb\xbfx = '\xff'\n")
    with pytest.raises(SourceError, match=r"cannot decode as utf-8: byte 0xff at offset 8 \(line 1\)"):
        read_source(str(p))


def test_undecodable_in_declared_encoding(tmp_path):
    p = tmp_path / "bad.py"
    p.write_bytes(b"# coding: ascii\nx = '\xc3\xa9'\n")
    with pytest.raises(SourceError, match=r"cannot decode as ascii: byte 0xc3 at offset 21 \(line 2\)"):
        read_source(str(p))


def test_unknown_encoding(tmp_path):
    p = tmp_path / "u.py"
    p.write_bytes(b"# coding: klingon\nx = 1\n")
    with pytest.raises(SourceError, match="unknown encoding: klingon"):
        read_source(str(p))


def test_bom_contradicting_cookie(tmp_path):
    p = tmp_path / "u.py"
    p.write_bytes(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n")
    with pytest.raises(SourceError, match="byte order mark"):
        read_source(str(p))


def test_directory_is_not_readable_source(tmp_path):
    d = tmp_path / "x.py"
    d.mkdir()
    with pytest.raises(SourceError, match="is a directory"):
        read_source(str(d))


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        read_source(str(tmp_path / "nope.py"))


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path):
    p = touch(tmp_path / "secret.py")
    p.chmod(0)
    try:
        with pytest.raises(SourceError, match="permission denied"):
            read_source(str(p))
    finally:
        p.chmod(0o644)


def test_source_error_messages_are_one_line(tmp_path):
    p = tmp_path / "bad.py"
    p.write_bytes(b"\xff\n")
    with pytest.raises(SourceError) as info:
        read_source(str(p))
    assert "\n" not in str(info.value)
    assert info.value.message == str(info.value)


# --- split_lines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lines",
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\nb\n", ["a", "b"]),
        ("a\r\nb\rc\n", ["a", "b", "c"]),
        ("a\n\nb", ["a", "", "b"]),
        # Form feed and Unicode separators are not line breaks for Python's tokenizer.
        ("a\x0cb\u2028c\n", ["a\x0cb\u2028c"]),
    ],
)
def test_split_lines(text, lines):
    assert split_lines(text) == lines
