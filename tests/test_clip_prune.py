"""The clip cache keeps its size bounded: entries no build used for a week go after a build that has all
its clips; used, recent and in-progress ones stay; links are never followed, and a build reading the
store is never pruned from under."""
from __future__ import annotations

import os
import time
from pathlib import Path

from test_video import SMALL, make_scenario

from courseforge import clipprune, speech
from courseforge.clipcache import clip_key, tools_id, write_meta
from courseforge.video import ConsoleProgress, render_media

DAY = 24 * 3600


def fake_entry(store: Path, key: str, days_unused: float, size: int = 1000) -> Path:
    """A whole, sealed entry (what cached() accepts) last used `days_unused` ago."""
    entry = store / key
    entry.mkdir(parents=True)
    (entry / "clip.mp4").write_bytes(b"v" * size)
    (entry / "poster.png").write_bytes(b"p" * size)
    write_meta(entry, 2.0, [])
    age(entry, days_unused)
    return entry


def age(entry: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(entry / "meta.json", (then, then))


def unused_days(entry: Path) -> float:
    return (time.time() - (entry / "meta.json").stat().st_mtime) / DAY


def scene_entry(tmp_path: Path, store: Path) -> Path:
    """The entry render_media looks for the scenario's only scene, made already (no render)."""
    scenario = make_scenario(tmp_path)
    key = clip_key(scenario, scenario.scenes["only"], SMALL, tools_id(speech.tts_engine()))
    return fake_entry(store, key, days_unused=30)


def test_a_build_removes_the_clips_no_build_used_for_a_week_and_says_so(tmp_path, capsys):
    """Every edit of a scene left a 0.7 MB entry in .courseforge-cache/video for ever."""
    cache = tmp_path / ".courseforge-cache"
    store = cache / "video"
    used = scene_entry(tmp_path, store)
    stale = [fake_entry(store, f"{n:032x}", days_unused=8 + n, size=500_000) for n in range(3)]
    yesterday = fake_entry(store, "a" * 32, days_unused=1)  # an edit undone the next morning
    media = render_media([make_scenario(tmp_path)], SMALL, cache, progress=ConsoleProgress())
    assert media.rendered == 0 and media.reused == 1
    assert not any(entry.exists() for entry in stale)
    assert yesterday.exists() and unused_days(yesterday) > 0.9  # kept, and not counted as used
    assert used.exists() and unused_days(used) < 0.01  # served: its week starts again
    assert media.removed[0] == 3 and media.removed[1] >= 3_000_000
    said = [line for line in capsys.readouterr().err.splitlines() if "removed" in line]
    assert said == ["video: removed 3 cached clips unused for over 7 days (3.0 MB)"]


def test_a_small_removal_is_said_in_kilobytes_not_as_nothing(tmp_path, capsys):
    """Clips at 320x180 weigh tens of KB: "(0.0 MB)" read as if nothing had been removed."""
    cache = tmp_path / ".courseforge-cache"
    scene_entry(tmp_path, cache / "video")
    fake_entry(cache / "video", "9" * 32, days_unused=8, size=20_000)
    render_media([make_scenario(tmp_path)], SMALL, cache, progress=ConsoleProgress())
    assert "video: removed 1 cached clip unused for over 7 days (40 KB)" in capsys.readouterr().err


def test_nothing_is_said_when_nothing_is_removed(tmp_path, capsys):
    cache = tmp_path / ".courseforge-cache"
    scene_entry(tmp_path, cache / "video")
    media = render_media([make_scenario(tmp_path)], SMALL, cache, progress=ConsoleProgress())
    assert media.removed == (0, 0) and "removed" not in capsys.readouterr().err


def test_the_scene_edited_back_and_forth_in_the_preview_keeps_each_version(tmp_path):
    store = tmp_path / "video"
    before, after = fake_entry(store, "b" * 32, days_unused=0.01), fake_entry(store, "c" * 32, days_unused=6.9)
    assert clipprune.prune(store, {after}).aged == (0, 0)
    assert clipprune.prune(store, {before}).aged == (0, 0)
    assert before.exists() and after.exists()


def test_pruning_touches_only_entry_folders_and_never_follows_a_link(tmp_path):
    store, outside = tmp_path / "project" / "video", tmp_path / "elsewhere"
    outside.mkdir(parents=True)
    (outside / "precious.txt").write_text("keep me")
    old = time.time() - 30 * DAY
    os.utime(outside / "precious.txt", (old, old))
    store.mkdir(parents=True)
    (store / ("d" * 32)).symlink_to(outside)  # named like an entry, old as can be
    linked = fake_entry(store, "e" * 32, days_unused=30)
    (linked / "clip.mp4").unlink()
    (linked / "clip.mp4").symlink_to(outside / "precious.txt")
    work = store / f".{'f' * 32}-{os.getpid()}-abc"  # a clip this process is making
    work.mkdir()
    os.utime(work, (old, old))
    (store / "notes.txt").write_text("not an entry")
    os.utime(store / "notes.txt", (old, old))
    assert clipprune.prune(store, set()).aged[0] == 1
    assert not linked.exists()
    assert (outside / "precious.txt").read_text() == "keep me"
    assert (store / ("d" * 32)).is_symlink() and work.is_dir() and (store / "notes.txt").exists()
    assert (outside / "precious.txt").stat().st_mtime == old  # the link in a used entry is not touched either


def test_a_build_reading_the_store_is_never_pruned_from_under(tmp_path):
    store = tmp_path / "video"
    stale = fake_entry(store, "1" * 32, days_unused=30)
    with clipprune.reading(store):  # another build between looking for its clips and reading them
        assert clipprune.prune(store, set()).aged == (0, 0)
    assert stale.exists()
    assert clipprune.prune(store, set()).aged[0] == 1


def test_a_planted_lock_link_is_replaced_not_followed(tmp_path):
    store, outside = tmp_path / "video", tmp_path / "target"
    store.mkdir()
    outside.write_text("x")
    (store / clipprune.LOCK).symlink_to(outside)
    stale = fake_entry(store, "2" * 32, days_unused=30)
    assert clipprune.prune(store, set()).aged[0] == 1 and not stale.exists()
    assert not (store / clipprune.LOCK).is_symlink() and outside.read_text() == "x"


def test_a_use_dated_in_the_future_counts_from_now_rather_than_for_ever(tmp_path):
    """A clock set back left entries dated next year: kept a week from now, not for ever."""
    store = tmp_path / "video"
    entry = fake_entry(store, "3" * 32, days_unused=-365)
    assert clipprune.prune(store, set()).aged == (0, 0) and entry.exists()
    assert clipprune.prune(store, set(), now=time.time() + 8 * DAY).aged[0] == 1 and not entry.exists()


def test_a_used_entry_is_marked_without_following_a_link(tmp_path):
    outside = tmp_path / "meta-elsewhere"
    outside.write_text("x")
    old = time.time() - 30 * DAY
    os.utime(outside, (old, old))
    entry = tmp_path / "video" / ("4" * 32)
    entry.mkdir(parents=True)
    (entry / "meta.json").symlink_to(outside)
    clipprune.mark_used(entry)
    assert outside.stat().st_mtime == old


def test_the_preview_prunes_but_keeps_the_versions_of_the_scene_being_edited(make_course):
    from test_build import SCENARIO
    from conftest import COURSE_YML, progress_recorder

    from courseforge.preview.session import Session

    folder = make_course({"scenarios/01-short-call.yml": SCENARIO, "course.yml": COURSE_YML + "video_size: 320x180\n"})
    store = folder / ".courseforge-cache" / "video"
    stale = fake_entry(store, "5" * 32, days_unused=8)
    heard: list[tuple] = []
    session = Session(folder, report=lambda text, is_error: None, progress=progress_recorder(heard))
    scenario = folder / "scenarios" / "01-short-call.yml"
    assert session.rebuild() and ("removed", 1) in heard and not stale.exists()
    text = scenario.read_text()
    for version in (text.replace("late again", "late once more"), text):  # an edit, then undone
        scenario.write_text(version)
        heard.clear()
        assert session.rebuild()
    assert heard[0] == ("start", 0, 1)  # the first version's clip was still there
    assert len([path for path in store.iterdir() if clipprune.ENTRY.match(path.name)]) == 2


def test_a_course_whose_scenarios_were_all_deleted_drops_their_clips_after_a_week(make_course, tmp_path, capsys):
    from courseforge.build import build

    folder = make_course()
    store = folder / ".courseforge-cache" / "video"
    stale, recent = fake_entry(store, "6" * 32, days_unused=8), fake_entry(store, "7" * 32, days_unused=2)
    build(folder, tmp_path / "out", ["scorm12"], progress=ConsoleProgress())
    assert not stale.exists() and recent.exists()
    assert "video: removed 1 cached clip unused for over 7 days (2 KB)" in capsys.readouterr().err


def test_a_clip_cache_behind_a_link_is_not_pruned_through_it(make_course, tmp_path):
    from courseforge.build import build

    folder, elsewhere = make_course(), tmp_path / "elsewhere"
    stale = fake_entry(elsewhere / "video", "8" * 32, days_unused=30)
    (folder / ".courseforge-cache").symlink_to(elsewhere)
    build(folder, tmp_path / "out", ["scorm12"])
    assert stale.exists()


def test_a_build_in_another_process_holding_the_store_keeps_it_from_being_pruned(tmp_path):
    import subprocess
    import sys

    store = tmp_path / "video"
    stale = fake_entry(store, "a1" * 16, days_unused=30)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from courseforge import clipprune\n"
         "with clipprune.reading(Path(sys.argv[1])):\n    print('held', flush=True); sys.stdin.read()", str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout.readline().strip() == "held"
        assert clipprune.prune(store, set()).aged == (0, 0) and stale.exists()
    finally:
        holder.communicate("")
    assert clipprune.prune(store, set()).aged[0] == 1 and not stale.exists()


# The size cap: a day of heavy tuning left hundreds of MB for a week, and a CI runner or a laptop filled up.

MB = clipprune.MB


def entry_size(entry: Path) -> int:
    return sum(path.lstat().st_size for path in entry.iterdir())


def test_above_the_cap_the_least_recently_used_entries_go_first(tmp_path):
    store = tmp_path / "video"
    entries = [fake_entry(store, f"{n:032x}", days_unused=n, size=100_000) for n in range(1, 6)]  # all within the week
    size = entry_size(entries[0])
    pruned = clipprune.prune(store, set(), cap=3 * size)
    assert [entry.exists() for entry in entries] == [True, True, True, False, False]  # 4 and 5 days unused went
    assert pruned.capped == (2, 2 * size) and pruned.aged == (0, 0) and pruned.kept == 0
    assert clipprune.prune(store, set(), cap=3 * size).capped == (0, 0)  # within the cap: nothing more goes


def test_the_cap_counts_the_used_entries_but_never_removes_them(tmp_path):
    store = tmp_path / "video"
    used = fake_entry(store, "a" * 32, days_unused=3, size=300_000)  # served by this build (marked later)
    older = fake_entry(store, "b" * 32, days_unused=2, size=100_000)
    newer = fake_entry(store, "c" * 32, days_unused=1, size=100_000)
    pruned = clipprune.prune(store, {used}, cap=entry_size(used) + entry_size(newer))
    assert used.exists() and newer.exists() and not older.exists()
    assert pruned.capped == (1, entry_size(newer)) and pruned.kept == 0


def test_a_build_whose_own_clips_exceed_the_cap_keeps_them_and_says_so_once(tmp_path, capsys):
    store = tmp_path / "video"
    used = {fake_entry(store, f"{n:032x}", days_unused=0, size=600_000) for n in range(3)}
    other = fake_entry(store, "d" * 32, days_unused=0.5, size=1000)
    pruned = clipprune.prune(store, used, cap=1 * MB)
    assert all(entry.exists() for entry in used) and not other.exists()
    assert pruned.kept == sum(entry_size(entry) for entry in used) and pruned.capped[0] == 1
    for _rebuild in range(3):  # the preview prunes on every save: the notice is not repeated
        clipprune.tell(clipprune.prune(store, used, cap=1 * MB), store, ConsoleProgress())
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith("video:")]
    assert said == ["video: the clips this build uses take 3.6 MB, more than the cache's 1 MB cap: they are kept "
                    "(set COURSEFORGE_CLIP_CACHE_MB to a larger number of MB to keep others too)"]
    # 0 is the documented way to keep only the last build's clips: what it asks for is not a notice.
    fresh = tmp_path / "other-store"
    used = {fake_entry(fresh, f"{n:032x}", days_unused=0, size=600_000) for n in range(2)}
    pruned = clipprune.prune(fresh, used, cap=0)
    assert pruned.kept and all(entry.exists() for entry in used)
    clipprune.tell(pruned, fresh, ConsoleProgress())
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith("video:")]


def test_a_build_says_what_the_cap_removed_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COURSEFORGE_CLIP_CACHE_MB", "1")
    cache = tmp_path / ".courseforge-cache"
    store = cache / "video"
    used = scene_entry(tmp_path, store)
    stale = fake_entry(store, "e" * 32, days_unused=9, size=1000)  # the age rule's, said on its own line
    recent = [fake_entry(store, f"{n:032x}", days_unused=1 + n / 10, size=300_000) for n in range(3)]
    media = render_media([make_scenario(tmp_path)], SMALL, cache, progress=ConsoleProgress())
    assert used.exists() and not stale.exists() and [entry.exists() for entry in recent] == [True, False, False]
    assert media.removed[0] == 1 and media.capped[0] == 2
    said = [line for line in capsys.readouterr().err.splitlines() if "removed" in line]
    assert said == ["video: removed 1 cached clip unused for over 7 days (2 KB)",
                    "video: removed 2 least recently used cached clips to keep the cache within its 1 MB cap (1.2 MB)"]


def test_the_cap_touches_only_entry_folders_and_never_follows_a_link(tmp_path):
    store, outside = tmp_path / "project" / "video", tmp_path / "elsewhere"
    outside.mkdir(parents=True)
    (outside / "big.bin").write_bytes(b"x" * 2_000_000)
    store.mkdir(parents=True)
    (store / ("d" * 32)).symlink_to(outside)  # named like an entry: neither counted nor removed
    linked = fake_entry(store, "e" * 32, days_unused=1)
    (linked / "clip.mp4").unlink()
    (linked / "clip.mp4").symlink_to(outside / "big.bin")  # counted as a link's size, its target untouched
    work = store / f".{'f' * 32}-{os.getpid()}-abc"
    work.mkdir()
    (work / "clip.mp4").write_bytes(b"w" * 2_000_000)
    (store / "notes.txt").write_bytes(b"n" * 2_000_000)
    pruned = clipprune.prune(store, set(), cap=0)
    assert pruned.capped[0] == 1 and pruned.capped[1] < 10_000 and not linked.exists()
    assert (outside / "big.bin").stat().st_size == 2_000_000 and (store / ("d" * 32)).is_symlink()
    assert (work / "clip.mp4").exists() and (store / "notes.txt").exists()


def test_the_cap_waits_for_a_build_reading_the_store_and_needs_flock(tmp_path, monkeypatch):
    store = tmp_path / "video"
    entry = fake_entry(store, "1" * 32, days_unused=1)
    with clipprune.reading(store):
        assert clipprune.prune(store, set(), cap=0) == clipprune.Pruned(cap=0)
    monkeypatch.setattr(clipprune, "fcntl", None)  # Windows: no way to know another build is reading
    assert clipprune.prune(store, set(), cap=0) == clipprune.Pruned(cap=0) and entry.exists()


def test_the_cap_is_measured_without_reading_a_clip(tmp_path, monkeypatch):
    """A store of 1 400 clips is some 1 GB: its size comes from stat, never from reading the files."""
    import builtins

    store = tmp_path / "video"
    entries = [fake_entry(store, f"{n:032x}", days_unused=1 + n, size=100_000) for n in range(3)]
    opened = []

    def noting(real):
        def opening(path, *args, **kwargs):
            opened.append(os.fspath(path))
            return real(path, *args, **kwargs)
        return opening

    monkeypatch.setattr(builtins, "open", noting(builtins.open))
    monkeypatch.setattr(os, "open", noting(os.open))  # shutil.rmtree opens folders (by name, with dir_fd) too
    assert clipprune.prune(store, set(), cap=entry_size(entries[0])).capped[0] == 2
    assert not [path for path in opened if Path(path).name in ("clip.mp4", "poster.png", "meta.json")]
    assert os.fspath(store / clipprune.LOCK) in opened


def test_the_cap_is_a_number_of_megabytes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSEFORGE_CLIP_CACHE_MB", raising=False)
    assert clipprune.size_cap() == 1000 * MB
    for value, cap in (("", 1000 * MB), ("  ", 1000 * MB), ("250", 250 * MB), (" 0042 ", 42 * MB), ("0", 0),
                       ("9" * 5000, 10 ** 21)):  # beyond any disk: int() alone refuses 4300 digits
        monkeypatch.setenv("COURSEFORGE_CLIP_CACHE_MB", value)
        assert clipprune.size_cap() == cap
    store = tmp_path / "video"
    entries = [fake_entry(store, f"{n:032x}", days_unused=1 + n, size=200_000) for n in range(4)]  # 0.4 MB each
    monkeypatch.setenv("COURSEFORGE_CLIP_CACHE_MB", "1")
    assert clipprune.prune(store, set()).capped[0] == 2 and [entry.exists() for entry in entries] == [True, True, False, False]


def test_a_cap_that_is_not_a_number_is_one_line_naming_the_variable(monkeypatch):
    import pytest

    for value in ("1.5", "1GB", "-3", "1_000", "+5", "١٠", "lots"):
        monkeypatch.setenv("COURSEFORGE_CLIP_CACHE_MB", value)
        with pytest.raises(clipprune.CapError) as raised:
            clipprune.size_cap()
        message = raised.value.format_message()
        assert message.startswith(f"COURSEFORGE_CLIP_CACHE_MB is {value!r}, but it must be a whole number of megabytes")
        assert "\n" not in message and raised.value.exit_code == 1


def test_the_command_line_refuses_a_bad_cap_before_any_work(make_course, tmp_path):
    import subprocess
    import sys

    folder = make_course()
    env = {**os.environ, "COURSEFORGE_CLIP_CACHE_MB": "2GB", "PYTHONPATH": os.pathsep.join(sys.path)}
    for command in (["build", str(folder), "--out", str(tmp_path / "out")], ["preview", str(folder), "--no-open"]):
        result = subprocess.run([sys.executable, "-m", "courseforge", *command], capture_output=True, text=True,
                                env=env, timeout=120)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr == ("Error: COURSEFORGE_CLIP_CACHE_MB is '2GB', but it must be a whole number of "
                                 "megabytes: the most the clip cache (.courseforge-cache/video) may hold, such as "
                                 "1000 (the default when it is not set) — or 0 to keep only the clips of the last "
                                 "build\n")
    assert not (tmp_path / "out").exists()


def test_a_course_without_scenarios_keeps_its_cache_within_the_cap_too(make_course, tmp_path, capsys, monkeypatch):
    from courseforge.build import build

    monkeypatch.setenv("COURSEFORGE_CLIP_CACHE_MB", "0")
    folder = make_course()
    entry = fake_entry(folder / ".courseforge-cache" / "video", "6" * 32, days_unused=1)
    build(folder, tmp_path / "out", ["scorm12"], progress=ConsoleProgress())
    assert not entry.exists()
    assert "video: removed 1 least recently used cached clip to keep the cache within its 0 MB cap (2 KB)" \
        in capsys.readouterr().err
