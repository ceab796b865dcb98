"""benchmarks/false_alarms.py without the network: unpacking a wheel's sources and listing
what shapelint finds in them (the download itself is pip's)."""

import sys
import zipfile
from pathlib import Path

import pytest
from conftest import load_benchmark



@pytest.fixture(scope="module")
def false_alarms():
    yield load_benchmark("false_alarms")
    del sys.modules["false_alarms"]


def _wheel(folder: Path, name: str, files: dict) -> None:
    with zipfile.ZipFile(folder / f"{name}-1.0-py3-none-any.whl", "w") as z:
        for path, text in files.items():
            z.writestr(path, text)


BUGGY = "import numpy as np\nmu = np.zeros(3)\nv = mu.T\n"


def test_unpack_takes_the_package_sources_only(false_alarms, tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels, "scikit_learn", {"sklearn/a.py": BUGGY, "sklearn/_fast.so": "binary",
                                    "scikit_learn-1.0.dist-info/METADATA": "x"})
    _wheel(wheels, "numpy_ml", {"numpy_ml/b.py": "x = 1\n"})
    site = tmp_path / "site"
    false_alarms.unpack(wheels, "sklearn", site)
    false_alarms.unpack(wheels, "numpy_ml", site)
    found = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert found == ["numpy_ml/b.py", "sklearn/a.py"]
    assert false_alarms.count_lines(site / "sklearn") == (1, 3)
    with pytest.raises(false_alarms.SetupError, match="no wheel holds skimage/"):
        false_alarms.unpack(wheels, "skimage", site)


def test_check_lists_each_finding(false_alarms, tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(BUGGY)
    (tmp_path / "pkg" / "clean.py").write_text("import numpy as np\nv = np.zeros((3, 1)).T\n")
    findings, seconds = false_alarms.check(tmp_path, "pkg", 1)
    assert [(f["path"], f["line"], f["code"]) for f in findings] == [("pkg/m.py", 3, "SL004")]
    assert seconds >= 0
