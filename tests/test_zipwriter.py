"""Large entries deflated in pieces: valid zips, the same bytes cached or not, on one core or more."""
import hashlib
import zlib
import random
import zipfile

import deflate

from courseforge import zipwriter
from courseforge.package import write_zip


def big_page(edit: int | None = None) -> bytes:
    rng = random.Random(7)
    words = "customer agent empathy listen notice cue frame call feel understand".split()
    sections = []
    for n in range(3000):
        text = " ".join(rng.choice(words) for _ in range(60)) + (" EDITED" if n == edit else "")
        sections.append(f'    <section class="lesson" id="lesson-{n}">\n<p>{text}</p>\n    </section>\n')
    return ("<html><body>\n" + "".join(sections) + "</body></html>\n").encode()


def written(tmp_path, name: str, page: bytes) -> bytes:
    path = write_zip({"index.html": page, "runtime/player.js": b"var x = 1;\n", "media/a.mp4": b"\0" * 100},
                     tmp_path / name)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.read("index.html") == page
        assert [i.compress_type for i in archive.infolist()] == [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED,
                                                                 zipfile.ZIP_DEFLATED]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    return path.read_bytes()


def test_pieces_make_one_valid_entry_whatever_the_cores_and_the_cache(tmp_path, monkeypatch):
    page = big_page()
    assert len(page) > zipwriter.PIECES_FROM and len(zipwriter._pieces(page)) > 20
    plain = written(tmp_path, "plain.zip", page)
    with zipwriter.deflate_cache(tmp_path / "cache"):
        cold = written(tmp_path, "cold.zip", page)
    monkeypatch.setattr(zipwriter, "_cores", lambda: 1)
    with zipwriter.deflate_cache(tmp_path / "cache"):
        warm = written(tmp_path, "warm.zip", page)
    assert plain == cold == warm


def test_an_edit_deflates_only_its_piece_again(tmp_path, monkeypatch):
    with zipwriter.deflate_cache(tmp_path / "cache"):
        written(tmp_path, "first.zip", big_page())
    deflated = []
    real = zipwriter._deflate_piece
    monkeypatch.setattr(zipwriter, "_deflate_piece", lambda piece: deflated.append(piece) or real(piece))
    edited = big_page(edit=1500)
    with zipwriter.deflate_cache(tmp_path / "cache"):
        again = written(tmp_path, "again.zip", edited)
    assert len(deflated) == 1 and b"EDITED" in bytes(deflated[0])
    monkeypatch.undo()
    assert again == written(tmp_path, "uncached.zip", edited)


def test_pieces_deflated_otherwise_are_not_mixed_into_a_zip(tmp_path, monkeypatch):
    """A build that deflates otherwise (another level, another zlib: FORMAT) deflates every piece again:
    with the last build's pieces its zip would differ from the one it makes without a cache."""
    page = big_page()
    with zipwriter.deflate_cache(tmp_path / "cache"):
        written(tmp_path, "level6.zip", page)
    monkeypatch.setattr(zipwriter, "LEVEL", 1)
    monkeypatch.setattr(zipwriter, "FORMAT", zipwriter.FORMAT.replace(b"6 ", b"1 ", 1))
    with zipwriter.deflate_cache(tmp_path / "cache"):
        warm = written(tmp_path, "warm.zip", page)
    assert warm == written(tmp_path, "level1.zip", page) != (tmp_path / "level6.zip").read_bytes()


def test_a_broken_cache_file_is_ignored(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "deflate.bin").write_bytes(b"\xff" * 30)
    page = big_page()
    with zipwriter.deflate_cache(tmp_path / "cache"):
        assert written(tmp_path, "a.zip", page) == written(tmp_path, "b.zip", page)


def test_parts_of_a_large_course_are_reused_whole(tmp_path, monkeypatch):
    # A large course's pages/*.js parts (about 64 KB each): one piece each, deflated together, and
    # only the edited one again on the next build; the bytes are the same cached or not.
    rng = random.Random(3)
    parts = {f"pages/{n:04d}.js": " ".join(rng.choice("cue frame call feel".split()) for _ in range(12000)).encode()
             for n in range(1, 9)}
    parts["runtime/small.js"] = b"var small = 1;\n"  # under 16 KB: deflated whole, every time
    with zipwriter.deflate_cache(tmp_path / "cache"):
        write_zip(parts, tmp_path / "first.zip")
    deflated = []
    real = zipwriter._deflate_part
    monkeypatch.setattr(zipwriter, "_deflate_part", lambda part: deflated.append(part[0]) or real(part))
    parts["pages/0005.js"] += b" EDITED"
    with zipwriter.deflate_cache(tmp_path / "cache"):
        again = write_zip(parts, tmp_path / "again.zip").read_bytes()
    assert [bytes(piece)[-7:] for piece in deflated] == [b" EDITED"]
    monkeypatch.undo()
    assert again == write_zip(parts, tmp_path / "uncached.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "again.zip") as archive:
        assert archive.testzip() is None and archive.read("pages/0005.js") == parts["pages/0005.js"]


def test_entries_under_a_megabyte_are_one_libdeflate_stream(tmp_path):
    rng = random.Random(4)
    prose = " ".join(rng.choice("cue frame call feel".split()) for _ in range(12000)).encode()
    small = b"var small = 1;\n"
    path = write_zip({"pages/0001.js": prose, "runtime/small.js": small}, tmp_path / "a.zip")
    data = path.read_bytes()
    for entry in (prose, small):
        stream = deflate.deflate_compress(entry, zipwriter.LEVEL)
        assert stream in data
        assert zlib.decompress(stream, -15) == entry  # what every unzip inflates


def test_a_piece_and_an_entry_of_the_same_bytes_keep_their_own_deflated_forms(tmp_path):
    """A piece of a large entry ends without the final mark (pieces are joined), an entry of the same
    bytes is a whole stream: kept under one key, one would end the other's entry too early or never."""
    page = big_page()
    piece = next(bytes(piece) for piece in zipwriter._pieces(page) if len(piece) >= zipwriter.CACHED_FROM)
    assert zipwriter.CACHED_FROM <= len(piece) < zipwriter.PIECES_FROM
    entries = {"index.html": page, "pages/0001.js": piece}
    plain = write_zip(entries, tmp_path / "plain.zip").read_bytes()
    for name in ("cold.zip", "warm.zip"):
        with zipwriter.deflate_cache(tmp_path / "cache"):
            assert write_zip(entries, tmp_path / name).read_bytes() == plain
    with zipfile.ZipFile(tmp_path / "warm.zip") as archive:
        assert archive.testzip() is None and archive.read("pages/0001.js") == piece


def keyed_parts(made: list[str], edit: bytes = b"") -> dict:
    """Parts as a large course's site has them: known by a key of their sources, made when asked."""
    rng = random.Random(5)
    parts = {}
    for n in range(1, 6):
        data = " ".join(rng.choice("cue frame call feel".split()) for _ in range(12000)).encode() + edit * (n == 3)
        key = hashlib.sha256(b"sources of part %d" % n + edit * (n == 3)).digest()
        parts[f"pages/{n:04d}.js"] = zipwriter.Keyed(key, lambda n=n, data=data: made.append(n) or data)
    parts["pages/0006.js"] = zipwriter.Keyed(hashlib.sha256(b"small").digest(), lambda: made.append(6) or b"var s;\n")
    return parts


def test_a_keyed_entry_is_written_from_the_cache_without_being_made(tmp_path, monkeypatch):
    made: list[int] = []
    plain = write_zip({name: bytes(entry) for name, entry in keyed_parts([]).items()}, tmp_path / "plain.zip")
    assert write_zip(keyed_parts(made), tmp_path / "nocache.zip").read_bytes() == plain.read_bytes()
    assert made == [1, 2, 3, 4, 5, 6], "without the cache every entry is made"
    made.clear()
    with zipwriter.deflate_cache(tmp_path / "cache"):
        write_zip(keyed_parts(made), tmp_path / "first.zip")
        write_zip(keyed_parts(made), tmp_path / "second.zip")  # another standard's zip of the same build
    assert made == [1, 2, 3, 4, 5, 6, 6], "small entries (under CACHED_FROM) are not kept"
    made.clear()
    with zipwriter.deflate_cache(tmp_path / "cache"):
        again = write_zip(keyed_parts(made), tmp_path / "again.zip")
    assert made == [6]
    made.clear()
    with zipwriter.deflate_cache(tmp_path / "cache"):
        edited = write_zip(keyed_parts(made, b" EDITED"), tmp_path / "edited.zip")
    assert made == [3, 6]
    assert again.read_bytes() == (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes() \
        == plain.read_bytes()
    with zipfile.ZipFile(edited) as archive:
        assert archive.testzip() is None and archive.read("pages/0003.js").endswith(b" EDITED")
    monkeypatch.setattr(zipwriter, "FORMAT", zipwriter.FORMAT.replace(b"6 ", b"9 ", 1))
    made.clear()
    with zipwriter.deflate_cache(tmp_path / "cache"):
        write_zip(keyed_parts(made), tmp_path / "other-format.zip")
    assert made == [1, 2, 3, 4, 5, 6], "entries kept by a build that deflated otherwise are misses"


def test_keyed_entries_compare_by_key_and_give_their_bytes():
    one, same = zipwriter.Keyed(b"k" * 32, lambda: b"one"), zipwriter.Keyed(b"k" * 32, lambda: b"one")
    assert one == same and one != zipwriter.Keyed(b"j" * 32, lambda: b"one") and one != b"one"
    assert bytes(one) == b"one" and len({one, same}) == 1
