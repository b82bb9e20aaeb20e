"""Someone else's course folder is hostile input: it may not run code, leak files or exhaust memory."""
import resource
import subprocess
import sys
import textwrap

import pytest

from conftest import COURSE_YML, default_files, lesson, write_course
from courseforge.errors import ContentErrors
from courseforge.loader import load

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))


def errors_of(folder) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load(folder)
    return [str(e) for e in caught.value.errors]


def test_alias_bomb_in_course_yml_is_refused_quickly_and_briefly(tmp_path):
    text = COURSE_YML.replace("mastery_score: 80\n", "") + BOMB + "mastery_score: *i\n"
    assert len(text.encode()) < 1200
    folder = write_course(tmp_path / "course", {**default_files(1), "course.yml": text})
    # In a child with 400 MB of address space: expanding the aliases would need gigabytes.
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))
        from courseforge.errors import ContentErrors
        from courseforge.loader import load
        try:
            load(__import__("pathlib").Path({str(folder)!r}))
        except ContentErrors as exc:
            print(exc.format_message())
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "course.yml:" in result.stdout and "alias *a" in result.stdout
    assert "anchors and aliases" in result.stdout and len(result.stdout) < 2000


def test_aliases_are_refused_in_front_matter_and_scenarios(tmp_path):
    page = lesson("part-1", "Part 1").replace("minutes: 5", "minutes: &m 5\nkeywords: [*m]")
    scenario = "title: T\ncharacters:\n  sam: &s {name: Sam}\n  kim: *s\nscenes:\n  a:\n    lines:\n      - sam: Hi.\n"
    folder = write_course(tmp_path / "course", {**default_files(1), "lessons/01-part-1.md": page,
                                                "scenarios/01-s.yml": scenario})
    found = errors_of(folder)
    assert any("01-part-1.md:" in e and "alias *m" in e for e in found), found
    assert any("01-s.yml:4:" in e and "alias *s" in e for e in found), found


def test_a_huge_value_is_cut_in_the_message(tmp_path):
    text = COURSE_YML.replace("identifier: tiny-course", "identifier: " + "X" * 500_000)
    found = errors_of(write_course(tmp_path / "course", {**default_files(1), "course.yml": text}))
    assert found and all(len(e) < 1000 for e in found), [len(e) for e in found]
    assert any("identifier" in e and "…" in e for e in found)


def test_a_number_of_thousands_of_digits_is_a_located_error(tmp_path):
    text = COURSE_YML.replace("mastery_score: 80", "mastery_score: " + "9" * 500_000)
    found = errors_of(write_course(tmp_path / "course", {**default_files(1), "course.yml": text}))
    assert any("course.yml:1: YAML syntax error: a number in it has thousands of digits" in e for e in found), found
