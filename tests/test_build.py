import hashlib
import re
import socket
import zipfile

import pytest

from conftest import COURSE_YML, REPO, lesson
from courseforge.build import build
from courseforge.check.findings import Finding
from courseforge.errors import ContentErrors


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_source_builds_byte_identical_zips(make_course, tmp_path):
    folder = make_course()
    [one] = build(folder, tmp_path / "a", ["scorm12"])
    [two] = build(folder, tmp_path / "b", ["scorm12"])
    assert sha(one) == sha(two)


def test_shipped_course_builds_reproducibly(tmp_path):
    first = build(REPO / "content", tmp_path / "a")
    second = build(REPO, tmp_path / "b")
    assert "empathy-in-service-scorm12.zip" in [p.name for p in first]
    assert [sha(p) for p in first] == [sha(p) for p in second]


def test_build_makes_no_network_request(make_course, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during build: {args}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert build(make_course(), tmp_path / "out", ["scorm12"])


def test_failed_build_leaves_the_output_folder_untouched(make_course, tmp_path):
    folder = make_course()
    out = tmp_path / "out"
    [good] = build(folder, out, ["scorm12"])
    before = good.read_bytes()
    (folder / "lessons" / "02-part-2.md").write_text("no front matter\n")
    with pytest.raises(ContentErrors):
        build(folder, out, ["scorm12"])
    assert [p.name for p in out.iterdir()] == [good.name] and good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".courseforge-")] == []


def test_course_theme_overrides_the_default_file_by_file(make_course, tmp_path):
    folder = make_course({
        "themes/default/css/courseforge.css": "body { color: #222; }\n",
        "themes/default/templates/index.html": "<!doctype html><title>{{ course.title }}</title>"
                                               "{% for l in lessons %}<h1>{{ l.title }}</h1>{{ l.html }}{% endfor %}",
    })
    [path] = build(folder, tmp_path / "out", ["scorm12"])
    with zipfile.ZipFile(path) as archive:
        assert archive.read("css/courseforge.css") == b"body{color:#222}"
        page = archive.read("index.html").decode()
        assert page.startswith("<!doctype html><title>Tiny course</title><h1>Part 1</h1>")
        assert "runtime/courseforge.js" in archive.namelist()  # the rest still comes from the default theme


def test_own_index_html_naming_the_runtime_parts_gets_them_apart_in_order(make_course, tmp_path):
    """A project's index.html made before the player's scripts were joined names them one by one: it
    gets them apart, and `scripts` lists them in the order they run."""
    folder = make_course({"themes/default/templates/index.html":
                          "<script src='runtime/player.js' defer></script>\n"
                          "{% for script in scripts %}<script src='{{ script }}' defer></script>\n{% endfor %}"})
    [path] = build(folder, tmp_path / "out", ["cmi5"])
    with zipfile.ZipFile(path) as archive:
        loaded = re.findall(r"src='([^']+)'", archive.read("index.html").decode())
        assert all(name in archive.namelist() for name in loaded) and "runtime/courseforge.js" not in archive.namelist()
    assert loaded[1:] == ["runtime/state.js", "runtime/player.js", "runtime/screens.js", "runtime/question.js",
                          "runtime/quiz.js", "runtime/assessment.js", "runtime/xapi.js", "runtime/adapters/cmi5.js",
                          "runtime/adapters/standalone.js"]


def test_unknown_theme_is_a_content_error(make_course, tmp_path):
    folder = make_course()
    (folder / "course.yml").write_text((folder / "course.yml").read_text() + "theme: fancy\n")
    with pytest.raises(ContentErrors) as caught:
        build(folder, tmp_path / "out", ["scorm12"])
    assert str(caught.value.errors[0]).endswith(
        'course.yml:9: theme "fancy" was not found — create themes/fancy/ next to the content folder, '
        "or use `theme: default`")


def test_template_error_names_template_and_line(make_course, tmp_path):
    folder = make_course({"themes/default/templates/index.html": "line one\n{{ course.nope }}\n"})
    with pytest.raises(ContentErrors) as caught:
        build(folder, tmp_path / "out", ["scorm12"])
    message = str(caught.value.errors[0])
    assert "templates/index.html:2: theme template error:" in message and "nope" in message


def test_shipped_package_loads_nothing_from_outside(tmp_path):
    for path in build(REPO, tmp_path / "out"):
        _assert_offline(path)


def _assert_offline(path):
    import re
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".html", ".js", ".css", ".svg")):
                text = archive.read(name).decode("utf-8")
                urls = set(re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*", text))
                # The SVG namespace is an identifier, never fetched.
                assert urls <= {"http://www.w3.org/2000/svg", "//www.w3.org/2000/svg"}, (name, urls)


SCENARIO = """\
title: A short call
characters:
  sam: {name: Sam, role: Customer}
  ana: {name: Ana, role: Agent}
scenes:
  start:
    lines:
      - sam: My order is late again.
    decision:
      options:
        - say: That is the second time. Let me fix it now.
          result: correct
          empathy: Cognitive empathy.
          felt: Understood.
          feedback: You named what mattered.
          next: end
        - say: Please hold.
          result: wrong
          empathy: None shown.
          felt: Ignored.
          feedback: The cue went unanswered.
          next: end
"""


def test_scenarios_are_rendered_into_every_package(make_course, tmp_path):
    folder = make_course({"scenarios/01-short-call.yml": SCENARIO,
                          "course.yml": COURSE_YML + "video_size: 320x180\n"})
    [package] = build(folder, tmp_path / "out", ["scorm12"])
    names = set(zipfile.ZipFile(package).namelist())
    assert {"media/short-call/start.mp4", "media/short-call/start.vtt", "media/short-call/start.png"} <= names
    assert (folder / ".courseforge-cache" / "video").is_dir()


def test_clip_renderers_are_forked_from_a_process_of_one_thread(make_course, tmp_path, monkeypatch):
    # A fork copies the locks other threads hold into a child that may wait for ever on one: nothing
    # of the build may leave a thread running when the clip renderers are forked.
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from courseforge import video

    threads = []

    class Counting(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            threads.append(threading.active_count())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(video, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(video, "_cores", lambda: 2)
    other = SCENARIO.replace("A short call", "A second call").replace("late again", "lost")
    folder = make_course({"scenarios/01-short-call.yml": SCENARIO, "scenarios/02-second-call.yml": other,
                          "course.yml": COURSE_YML + "video_size: 320x180\n"})
    before = threading.active_count()
    [package] = build(folder, tmp_path / "out", ["scorm12"])
    assert threads == [before]
    assert {"media/short-call/start.mp4", "media/second-call/start.mp4"} <= set(zipfile.ZipFile(package).namelist())


def test_package_over_budget_warns(make_course, tmp_path):
    import random
    blob = random.Random(1).randbytes(1_200_000)
    folder = make_course({"course.yml": COURSE_YML + "package_budget_mb: 1\n", "files/big.bin": blob,
                          "lessons/01-part-1.md": lesson("part-1", "P", "[data](../files/big.bin)\n")})
    warnings = []
    build(folder, tmp_path / "out", ["scorm12"], on_warning=warnings.append)
    warnings = [w for w in warnings if not isinstance(w, Finding)]  # the review's findings come too
    assert [str(w).split("course.yml: ")[1] for w in warnings] == [
        "tiny-course-scorm12.zip is 1.2 MB, over the 1 MB package budget — many LMSs refuse large uploads: "
        "shorten or shrink the videos (video_size), or raise package_budget_mb if your LMS accepts it"]


@pytest.mark.parametrize("minutes, shown", [((5, 5, 5), "About 15 min"), ((45, 45, 45), "About 2 h 15 min"),
                                            ((40, 40, 40), "About 2 h")])
def test_the_cover_gives_a_long_course_in_hours_and_minutes(make_course, tmp_path, minutes, shown):
    # "About 135 min" asks the learner to do the sum; the shipped course's own pages say "2 hours 15 minutes".
    folder = make_course({f"lessons/{n:02d}-part-{n}.md": lesson(f"part-{n}", f"Part {n}").replace(
        "minutes: 5", f"minutes: {each}") for n, each in enumerate(minutes, start=1)})
    [package] = build(folder, tmp_path / "out", ["scorm12"])
    cover = zipfile.ZipFile(package).read("index.html").decode()
    meta = cover.split('<p class="lesson-meta">', 1)[1].split("</p>", 1)[0]
    assert meta.endswith(f"</span> {shown}"), meta
