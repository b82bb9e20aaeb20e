"""Defects found using the command line as a demanding user would, each pinned by the test that found it."""
import errno
import hashlib
import os

import pytest

from courseforge.build import build


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ctrl_c_while_zips_are_renamed_into_place_puts_the_previous_ones_back(make_course, tmp_path, monkeypatch):
    folder, out = make_course(), tmp_path / "out"
    old = {p.name: sha(p) for p in build(folder, out, ["scorm12", "cmi5", "tincan"])}
    (folder / "lessons" / "01-part-1.md").write_text((folder / "lessons" / "01-part-1.md").read_text() + "\nMore.\n")
    real, placed = os.replace, []

    def interrupted_at_the_second(src, dst, *args, **kwargs):
        if str(dst).endswith(".zip") and os.path.dirname(dst) == str(out):
            placed.append(dst)
            if len(placed) == 2:
                raise KeyboardInterrupt
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", interrupted_at_the_second)
    with pytest.raises(KeyboardInterrupt):
        build(folder, out, ["scorm12", "cmi5", "tincan"])
    assert {p.name: sha(p) for p in out.iterdir()} == old
