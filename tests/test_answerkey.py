import json

from conftest import lesson
from courseforge.build import build

QUIZ = """---
id: final
title: Final
---

::: question pick-one single
> A customer calls for the third time.
Which *cue* matters?
- [ ] The weather
  feedback: Not relevant.
- [x] The repeat call
explanation: Repetition signals effort already spent.
:::

::: question pick-many multiple
Which are cues?
- [x] Deadlines
- [ ] Hold music
- [x] Asides
:::

::: question tf true-false
Empathy can be trained.
- [x] True
- [ ] False
:::

::: question word fill-in
Name the view from the customer's side.
= frame of reference
= frame
:::

::: question pairs matching
Match.
- Cognitive -> Understanding
- Affective -> Feeling
:::

::: question steps ordering
Order.
1. Open
2. Explore
3. Act
:::

::: question feel likert
Useful?
:::
"""


def test_answer_key_and_answers_json_sit_beside_the_package(make_course, tmp_path):
    folder = make_course({"assessments/01-final.md": QUIZ,
                          "lessons/01-part-1.md": lesson("part-1", "P", "::: question kc reflection\nRecall one.\n:::\n")})
    out = tmp_path / "out"
    made = build(folder, out, ["scorm12"], answer_key=True)
    assert sorted(p.name for p in made) == ["answer-key.md", "answers.json", "tiny-course-scorm12.zip"]
    answers = json.loads((out / "answers.json").read_text())
    assert answers == {
        "kc": None,
        "pick-one": "The repeat call",
        "pick-many": ["Deadlines", "Asides"],
        "tf": "True",
        "word": "frame of reference",
        "pairs": {"Cognitive": "Understanding", "Affective": "Feeling"},
        "steps": ["Open", "Explore", "Act"],
        "feel": None,
    }
    key = (out / "answer-key.md").read_text()
    assert "### `pick-one` (single, 1 point, 01-final.md:6)" in key
    assert "> A customer calls for the third time." in key and "Which cue matters?" in key
    assert "- [x] The repeat call" in key and "- [ ] The weather — *Not relevant.*" in key
    assert "**Why:** Repetition signals effort already spent." in key
    assert "1. Open\n2. Explore\n3. Act" in key and "- Cognitive → Understanding" in key
    assert "Accepted (any case): “frame of reference”, “frame”" in key
    assert "### `feel` (likert, not scored" in key


def test_answers_never_go_into_the_package(make_course, tmp_path):
    import zipfile
    folder = make_course({"assessments/01-final.md": QUIZ})
    made = build(folder, tmp_path / "out", ["scorm12", "cmi5", "tincan"], answer_key=True)
    assert (tmp_path / "out" / "answers.json").is_file()  # written, beside the packages
    for package in [p for p in made if p.suffix == ".zip"]:
        with zipfile.ZipFile(package) as archive:
            names = archive.namelist()
            assert not any(n.endswith(("answers.json", "answer-key.md")) for n in names), names
            # Nor the key's content: the right answer's text never appears apart from the question itself.
            assert not any(b"Accepted (any case)" in archive.read(n) for n in names)
    [plain] = build(folder, tmp_path / "plain", ["scorm12"])
    assert [p.name for p in (tmp_path / "plain").iterdir()] == [plain.name]
