"""distributions.version reads what importlib.metadata reads, without importing it."""
from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from courseforge import distributions


@pytest.mark.parametrize("name", ["markdown-it-py", "mdit-py-plugins", "PyYAML", "breame", "Jinja2", "MarkupSafe"])
def test_same_version_as_importlib_metadata(name):
    assert distributions.version(name) == metadata.version(name)


def test_first_folder_on_sys_path_wins_and_names_are_normalised(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Some_Lib-2.0.1.dist-info").mkdir(parents=True)
    (second / "some_lib-9.9.dist-info").mkdir(parents=True)
    (second / "other.lib-1.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing.zip"), str(first), str(second)])
    distributions._versions.cache_clear()
    try:
        assert distributions.version("some-lib") == "2.0.1"
        assert distributions.version("Other_Lib") == "1.0"
        with pytest.raises(metadata.PackageNotFoundError):  # not installed: importlib.metadata's own answer
            distributions.version("not-installed-anywhere")
    finally:
        distributions._versions.cache_clear()


def test_a_rebuild_fingerprint_does_not_import_importlib_metadata():
    code = ("import sys; from courseforge.pagecache import code_fingerprint; code_fingerprint(); "
            "print('importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
