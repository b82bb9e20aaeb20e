import hashlib
import zipfile

import pytest

from courseforge.package import write_zip


def test_zip_is_deterministic_sorted_and_dated_1980(tmp_path):
    files = {"b.txt": b"bee", "a/c.css": b"body{}", "img.png": b"\x89PNG"}
    first = write_zip(files, tmp_path / "one.zip").read_bytes()
    second = write_zip(dict(reversed(list(files.items()))), tmp_path / "two.zip").read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a/c.css", "b.txt", "img.png"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert [i.compress_type for i in infos] == [zipfile.ZIP_DEFLATED, zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]
    assert all(i.extra == b"" for i in infos)


@pytest.mark.parametrize("name", ["../x", "/abs", "a\\b", "sp ace.txt", "é.txt", "a//b"])
def test_unsafe_entry_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError):
        write_zip({name: b""}, tmp_path / "x.zip")
