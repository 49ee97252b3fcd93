"""The wheel `pyproject.toml` builds holds every package of aelib and its bundled data, the
pretrained models included."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support import ROOT

PACKAGES = sorted(".".join(init.parent.relative_to(ROOT).parts)
                  for init in (ROOT / "aelib").rglob("__init__.py"))


def test_the_wheel_holds_every_package_and_each_imports_from_it(tmp_path):
    source = tmp_path / "source"  # a copy: building in the repository would leave build/ there
    shutil.copytree(ROOT / "aelib", source / "aelib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel, = tmp_path.glob("aelib-*.whl")
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
        names = set(archive.namelist())
    assert {f"{package.replace('.', '/')}/__init__.py" for package in PACKAGES} <= names
    assert "aelib/data/bundled/t10k-images-idx3-ubyte.gz" in names
    assert "aelib/data/bundled/pretrained/pretrained.json" in names

    # From the unpacked wheel alone (cwd elsewhere, so the repository's aelib is not found).
    code = (f"import importlib, aelib; [importlib.import_module(p) for p in {PACKAGES!r}]; "
            "print(aelib.__file__); print(aelib.load_dataset('bundled').x_test.shape); "
            "print(aelib.pretrained('conv').image_shape)")
    ran = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, env={"PYTHONPATH": str(installed),
                                                      "PATH": "/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stderr[-3000:]
    where, shape, pretrained_shape = ran.stdout.strip().splitlines()[-3:]
    assert Path(where).is_relative_to(installed)
    assert shape == "(2000, 28, 28, 1)"
    assert pretrained_shape == "(28, 28, 1)"  # a shipped model, loaded from the wheel
    assert len(PACKAGES) == 9  # aelib and its eight subpackages
