"""Each rule of `courseforge check` on a tiny course: one flaw gives one finding at its line."""
from __future__ import annotations

import pytest

from check_support import SCENARIO, course, findings, lesson_text, single
from conftest import COURSE_YML, deep_folder
from courseforge.check.timing import clip_seconds
from courseforge.errors import ContentErrors
from courseforge.loader import load

QUIZ = "---\nid: final\ntitle: Final\n{extra}---\n\nAnswer these.\n\n{questions}"


def quiz(questions: str, extra: str = "") -> str:
    return QUIZ.format(extra=extra, questions=questions)


def where(found) -> list[str]:
    return [f"{f.location.path.name}:{f.location.line}" for f in found]


def test_the_clean_course_has_no_findings(tmp_path):
    assert findings(course(tmp_path)) == []


# Objectives

def test_an_objective_no_question_names_is_reported_at_its_line(tmp_path):
    folder = course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("objective: 1\n", "")})
    [found] = findings(folder, "objective-unassessed")
    assert where([found]) == ["01-part-1.md:5"] and "Name the first step of a call" in found.problem
    [found] = findings(folder, "lesson-unassessed")
    assert where([found]) == ["01-part-1.md:13"] and found.problem == 'the questions of "part-1" do not check its objective'
    two = lesson_text().replace("objective: 1\n", "").replace("objectives:\n", "objectives:\n  - Greet the caller\n")
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": two}, name="two"), "lesson-unassessed")
    assert found.problem == 'the questions of "part-1" check none of its 2 objectives'


@pytest.mark.parametrize("reference", ["part-1#1", "Name the first step of a call", "name the first step of a call."])
def test_an_assessment_question_can_name_an_objective_by_lesson_and_number_or_text(tmp_path, reference):
    text = lesson_text().replace("objective: 1\n", "")
    folder = course(tmp_path, {"lessons/01-part-1.md": text,
                               "assessments/01-final.md": quiz(single("q1", "Listen", ["Type"]).replace(
                                   ":::\n\n", f"objective: {reference}\n:::\n\n"))})
    assert findings(folder, "objective-unassessed") == []


def test_an_objective_text_two_lessons_share_means_the_questions_own_lesson(tmp_path):
    second = lesson_text("part-2", 2).replace("objective: 1", "objective: Name the first step of a call")
    folder = course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("objective: 1\n", ""),
                               "lessons/02-part-2.md": second})
    [found] = findings(folder, "objective-unassessed")
    assert found.location.path.name == "01-part-1.md"


def test_a_survey_question_assesses_nothing(tmp_path):
    text = lesson_text().replace("objective: 1\n", "")
    survey = quiz(single("q1", "Listen", ["Type"]).replace(":::\n\n", "objective: part-1#1\n:::\n\n"), "graded: false\n")
    folder = course(tmp_path, {"lessons/01-part-1.md": text, "assessments/01-final.md": survey})
    assert len(findings(folder, "objective-unassessed")) == 1


@pytest.mark.parametrize("reference, problem", [
    ("2", 'asks for objective 2, but lesson "part-1" has 1'),
    ("part-9#1", 'names lesson "part-9", which does not exist'),
    ("Name the first step of a cal", "matches no lesson objective"),
])
def test_a_reference_that_misses_is_an_error_at_its_line(tmp_path, reference, problem):
    folder = course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("objective: 1", f"objective: {reference}")})
    with pytest.raises(ContentErrors) as caught:
        findings(folder)
    [error] = caught.value.errors
    assert error.location.line == 17 and problem in error.problem
    if reference.startswith("Name"):
        assert "did you mean part-1#1?" in error.hint


def test_a_number_on_an_assessment_page_is_an_error(tmp_path):
    folder = course(tmp_path, {"assessments/01-final.md": quiz(single("q1", "Listen", ["Type"]).replace(
        ":::\n\n", "objective: 1\n:::\n\n"))})
    with pytest.raises(ContentErrors, match="is a number, but the question is not in a lesson"):
        findings(folder)


def test_objective_lines_are_kept_as_written_and_an_empty_one_is_an_error(tmp_path):
    text = lesson_text().replace("objective: 1\n", "objective: 1\nobjective:  part-1#1 \n")
    [question] = load(course(tmp_path, {"lessons/01-part-1.md": text})).lessons[0].questions
    assert question.objectives == ("1", "part-1#1")
    with pytest.raises(ContentErrors, match=r"01-part-1.md:17: `objective:` names no objective"):
        load(course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("objective: 1", "objective:")}, "b"))


# Answer cues

def _questions(make, count: int = 4) -> str:
    return "".join(make(n) for n in range(count))


def test_keys_that_are_mostly_the_longest_option(tmp_path):
    longest = _questions(lambda n: single(f"q{n}", f"The long right answer {n}", [f"Short {n}", f"Brief {n}"], key_at=n % 3))
    folder = course(tmp_path, {"assessments/01-final.md": quiz(longest, "shuffle: true\n")})
    [found] = findings(folder, "key-longest")
    assert "in 5 of 5 single-answer questions (kc-part-1, q0" in found.problem
    assert where([found]) == ["01-part-1.md:13"]  # the first of them
    even = _questions(lambda n: single(f"q{n}", f"Answer {n}", [f"Other answer {n}", f"Third {n}"], key_at=n % 3))
    assert findings(course(tmp_path, {"assessments/01-final.md": quiz(even, "shuffle: true\n")}, "b"), "key-longest") == []


def test_keys_that_mostly_sit_in_one_position_unless_shuffled(tmp_path):
    first = _questions(lambda n: single(f"q{n}", f"Right {n}", [f"Wrong {n}", f"False {n}"]))
    [found] = findings(course(tmp_path, {"assessments/01-final.md": quiz(first)}), "key-position")
    assert "option 1 in 5 of 5" in found.problem
    assert findings(course(tmp_path, {"assessments/01-final.md": quiz(first, "shuffle: true\n")}, "b"), "key-position") == []


def test_a_key_far_longer_than_the_median_option(tmp_path):
    long_key = single("q1", "Listen to the whole story before you act", ["Type", "Wait"], stem="What first?")
    [found] = findings(course(tmp_path, {"assessments/01-final.md": quiz(long_key)}), "key-length")
    assert '"q1" is 10.0×' in found.problem and where([found]) == ["01-final.md:8"]


def test_all_of_the_above(tmp_path):
    question = single("q1", "All of the above", ["Listen", "Ask"], key_at=2)
    [found] = findings(course(tmp_path, {"assessments/01-final.md": quiz(question)}), "all-none-of-the-above")
    assert '"All of the above"' in found.problem


def test_stem_words_only_the_key_repeats(tmp_path):
    question = single("q1", "Ask about the parcel", ["Say sorry", "Hang up"], stem="A parcel is late. What now?")
    [found] = findings(course(tmp_path, {"assessments/01-final.md": quiz(question)}), "stem-echo")
    assert found.problem.endswith("repeats words of the question: parcel")
    fair = single("q1", "Ask about the parcel", ["Refund the parcel", "Hang up"], stem="A parcel is late. What now?")
    assert findings(course(tmp_path, {"assessments/01-final.md": quiz(fair)}, "b"), "stem-echo") == []


def test_stem_echo_names_words_as_written_and_splits_hyphens(tmp_path):
    question = single("q1", "Offer the boxes and check the hour", ["Say sorry", "Hang up"],
                      stem="Two boxes came after a twelve-hour wait. What now?")
    [found] = findings(course(tmp_path, {"assessments/01-final.md": quiz(question)}), "stem-echo")
    assert found.problem.endswith("repeats words of the question: boxes, hour")


# Time

def test_a_lesson_claiming_far_more_minutes_than_its_words_take(tmp_path):
    folder = course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("minutes: 1", "minutes: 12")})
    [found] = findings(folder, "time-claim")
    assert where([found]) == ["01-part-1.md:6"] and "claims 12 minutes" in found.problem
    assert "200 words a minute" in found.problem and "minutes: 1`" in found.hint
    assert found.problem.endswith(" but its words (read at 200 words a minute) and its 1 question take about 1 minute")
    short = lesson_text(body="A few words.").replace("minutes: 1", "minutes: 3").split("::: question")[0]
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": short}, name="short"), "time-claim")
    assert found.problem.endswith('"part-1" claims 3 minutes, but its words (read at 200 words a minute) '
                                  "take less than a minute")  # not "its 0 questions … take about 0"


def test_a_lesson_s_words_are_counted_in_every_script(tmp_path):
    """Reading time counts words of any script: a Russian lesson of 400 words and a Japanese one of
    800 characters read in about 2 minutes; ASCII-only counting took both for no words at all."""
    russian = " ".join(["Клиент", "ждёт", "ответа", "сегодня."] * 100)
    japanese = "お客様の話を聞きます。" * 80
    for name, body in (("ru", russian), ("ja", japanese)):
        text = lesson_text(body=body).replace("minutes: 1", "minutes: 2").split("::: question")[0]
        assert findings(course(tmp_path, {"lessons/01-part-1.md": text}, name=name), "time-claim") == [], name
    from courseforge.pagetext import script_word_count, word_count
    assert script_word_count(russian) == 400 and script_word_count(japanese) == 400
    assert script_word_count("Une élève naïve") == 3 and word_count("Une élève naïve") == 5  # the English measures'
    assert script_word_count("It’s a well-known fact, isn't it?") == word_count("It’s a well-known fact, isn't it?") == 6


def test_clip_lengths_follow_the_video_timeline_without_rendering(tmp_path):
    # Title card 2 s; "Thank you." at 160 words a minute is below the 1.5 s floor, then a 1 s tail.
    folder = course(tmp_path, {"scenarios/01-call.yml": SCENARIO.replace("{second_result}", "wrong").replace(
        "{second_next}", "end")})
    [scenario] = load(folder).scenarios
    start = 2 + max(1.5, 5 * 60 / 160) + 1  # "My order is late again."
    assert clip_seconds(scenario) == pytest.approx(start + 2 + 1.5 + 1, abs=0.25)
    assert not (folder / ".courseforge-cache" / "video").exists()  # nothing rendered (pages may be cached)


# Plain language

def test_a_page_above_the_readability_grade(tmp_path):
    hard = ("Organisational considerations notwithstanding, comprehensive interdepartmental communication "
            "necessitates systematic documentation of accountability. ") * 12
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=hard)}), "readability")
    assert "Coleman–Liau" in found.problem and where([found]) == ["01-part-1.md:11"]
    easy = "We start each call by listening to what the customer says. " * 12
    assert findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=easy)}, "b"), "readability") == []


def test_a_long_sentence_at_its_own_line_and_the_threshold_from_course_yml(tmp_path):
    long = "Short one.\nThen " + "one more word " * 11 + "ends here."
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=long)}), "long-sentence")
    assert where([found]) == ["01-part-1.md:12"] and "a sentence of 36 words" in found.problem
    relaxed = {"course.yml": COURSE_YML + "check: {max_sentence_words: 40}\n", "lessons/01-part-1.md": lesson_text(body=long)}
    assert findings(course(tmp_path, relaxed, "b"), "long-sentence") == []
    # Below the length the page measures keep (20 words), the rule reads the sentences again.
    strict = {"course.yml": COURSE_YML + "check: {max_sentence_words: 8}\n",
              "lessons/01-part-1.md": lesson_text(body="A sentence of exactly eleven words sits here to be found. Short.")}
    [found] = findings(course(tmp_path, strict, "c"), "long-sentence")
    assert where([found]) == ["01-part-1.md:11"] and "a sentence of 11 words" in found.problem


def test_a_page_written_mostly_in_the_passive_voice(tmp_path):
    passive = " ".join(["The call was answered by the agent."] * 6 + ["The customer was worried."] * 2
                       + ["We listen first."] * 4)
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=passive)}), "passive-voice")
    assert "6 of 12 sentences" in found.problem  # "was worried" is a feeling, not a passive


# Consistency

def test_spelling_of_the_other_variant(tmp_path):
    gb = {"course.yml": COURSE_YML.replace("language: en", "language: en-GB"),
          "lessons/01-part-1.md": lesson_text(body="Pick the color that suits the deductible.")}
    found = findings(course(tmp_path, gb), "spelling-variant")
    assert [f.problem for f in found] == ['"color" is American spelling; the course writes British',
                                          '"deductible" is the American term; the course writes British']
    us = {"course.yml": COURSE_YML.replace("language: en", "language: en-US"),
          "lessons/01-part-1.md": lesson_text(body="Pick the colour. Organise it.")}
    assert len(findings(course(tmp_path, us, "b"), "spelling-variant")) == 2


def test_an_american_term_written_with_a_caseless_letter(tmp_path):
    # "ſ" (long s) and "İ" match the term's pattern regardless of case, but lower() alone does not
    # turn them into the term: the finding names the British word all the same, no traceback.
    gb = {"course.yml": COURSE_YML.replace("language: en", "language: en-GB"),
          "lessons/01-part-1.md": lesson_text(body="Colour the ſidewalk and the SİDEWALK.")}
    found = findings(course(tmp_path, gb), "spelling-variant")
    assert [f.hint for f in found] == ['write "pavement"', 'write "pavement"']


def test_plain_en_is_held_to_the_variant_most_words_use(tmp_path):
    mixed = lesson_text(body="Organise the colour of the centre. Pick a color.")
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": mixed}), "spelling-variant")
    assert '"color"' in found.problem and 'write "colour"' in found.hint


def test_mixed_currencies(tmp_path):
    text = lesson_text(body="The refund is £20.\nThe fee is £5 and the voucher $10.")
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": text}), "currency-mixed")
    assert where([found]) == ["01-part-1.md:12"] and found.problem.startswith("$ amid a course that mostly uses £")


def test_a_glossary_term_spelled_another_way(tmp_path):
    glossary = ("---\nid: glossary\ntitle: Glossary\n---\n\n**E-mail**: a message.\n\n"
                "Call back\n: A promised return call.\n")
    text = lesson_text(body="Send an email.\nOffer a callback. Send one e-mail.")
    found = findings(course(tmp_path, {"lessons/02-glossary.md": glossary, "lessons/01-part-1.md": text}),
                     "glossary-variant")
    assert [(f.location.line, f.problem) for f in found] == [
        (11, '"email" is written "E-mail" in the glossary'), (12, '"callback" is written "Call back" in the glossary')]


def test_accepted_fill_in_answers_are_no_glossary_variants(tmp_path):
    glossary = "---\nid: glossary\ntitle: Glossary\n---\n\n**Frame of reference**: how someone sees it.\n"
    text = lesson_text(body="::: question word fill-in\nThe lens is your ____.\n= frame of reference\n"
                            "= frame-of-reference\n:::\n")
    found = findings(course(tmp_path, {"lessons/02-glossary.md": glossary, "lessons/01-part-1.md": text}),
                     "glossary-variant")
    assert found == []


# Accessibility

@pytest.mark.parametrize("image, problem", [("![](../images/a.png)", "has no alt text"),
                                            ("![Image of a phone](../images/a.png)", 'starts "Image of a phone"')])
def test_images_without_real_alt_text(tmp_path, image, problem):
    folder = course(tmp_path, {"images/a.png": b"\x89PNG\r\n\x1a\n", "lessons/01-part-1.md": lesson_text(body=image)})
    [found] = findings(folder, "image-alt")
    assert problem in found.problem and where([found]) == ["01-part-1.md:11"]


def test_a_heading_that_skips_a_level(tmp_path):
    text = lesson_text().replace("## What comes first", "### What comes first")
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": text}), "heading-skip")
    assert found.problem == 'heading "What comes first" is level 3 right after level 1'
    assert findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("##", "#")}, "b"), "heading-skip") == []


def test_a_table_with_an_empty_header_row(tmp_path):
    table = "|  |  |\n|---|---|\n| cue | meaning |\n"
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=table)}), "table-header")
    assert where([found]) == ["01-part-1.md:11"]


def test_link_text_that_says_nothing(tmp_path):
    text = lesson_text(body="For the policy [click here](../files/p.pdf).")
    [found] = findings(course(tmp_path, {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": text}), "link-text")
    assert found.problem == 'link text "click here" says nothing about where it leads'


def test_colour_as_the_only_cue(tmp_path):
    text = lesson_text(body="Press the green button. Her red shoes fit.")
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": text}), "colour-only")
    assert found.problem == '"the green button" points by colour alone'


# Originality

def test_runs_of_eight_words_shared_with_a_source(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "article.txt").write_text("Intro line.\nWhen customers feel heard they stop restating their case "
                                         "and start working with you.\n")
    text = lesson_text(body="Remember: customers feel heard they stop restating their case and start working.")
    folder = course(tmp_path, {"lessons/01-part-1.md": text})
    [found] = findings(folder, "shared-text", sources=sources)
    assert found.problem.startswith("11 words shared with ") and "article.txt:2" in found.problem
    assert where([found]) == ["01-part-1.md:11"]
    assert findings(folder, "shared-text") == []


@pytest.mark.parametrize("name, before", [
    ("article.txt", "Intro line.\fA form feed.\u2028A line separator.\x1cAnd a file separator.\r\nCRLF.\rCR.\n"),
    ("article.html", '<p class="intro"\n   id="x">Intro.</p>\n<a\nhref="#">link</a>\n<br>\n'),
])
def test_a_shared_run_names_the_source_line_an_editor_shows(tmp_path, name, before):
    sources = tmp_path / "sources"
    sources.mkdir()
    article = before + "When customers feel heard they stop restating their case and start working with you.\n"
    (sources / name).write_bytes(article.encode("utf-8"))
    text = lesson_text(body="Remember: customers feel heard they stop restating their case and start working.")
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": text}), "shared-text", sources=sources)
    line = 1 + article.replace("\r\n", "\n").replace("\r", "\n").split("When")[0].count("\n")
    assert line == (4 if name == "article.txt" else 6)
    assert f"{name}:{line}:" in found.problem, found.problem


def test_sources_are_read_whatever_their_depth_or_their_unclosed_tags(tmp_path):
    """A source a thousand folders deep (os.walk() recursed once a level: RecursionError), an HTML
    source of "<" alone (the tag pattern read on from each "<" to the end of the text: 7 s for 100 000),
    and only the course's own runs kept from the sources (a table of all of them took a gigabyte for
    20 MB of articles): the same finding as from a plain article."""
    sources = tmp_path / "sources"
    sources.mkdir()
    with deep_folder(sources) as deep:
        _read_deep_and_odd_sources(tmp_path, sources, deep)


def _read_deep_and_odd_sources(tmp_path, sources, deep):
    from courseforge.check.originality import RUN, WORD, shingle_table

    article = "Intro.\nWhen customers feel heard they stop restating their case and start.\n"
    (deep / "article.txt").write_text(article)
    (sources / "odd.html").write_text("<" * 100_000)
    text = lesson_text(body="Remember: customers feel heard they stop restating their case and start working.")
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": text}), "shared-text", sources=sources)
    assert "article.txt:2:" in found.problem and found.problem.startswith("10 words shared with ")
    words = WORD.findall("customers feel heard they stop restating their case and start")
    wanted = {hash(tuple(words[:RUN]))}
    assert shingle_table(sources, wanted=wanted) == {hash(tuple(words[:RUN])): (deep / "article.txt", 2)}
    assert len(shingle_table(sources)) == len(WORD.findall(article.lower())) - RUN + 1  # without `wanted`: all


def test_sources_never_reach_outside_their_folder_through_symlinks(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("customers feel heard they stop restating their case and start working\n")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "link.txt").symlink_to(outside / "secret.txt")
    (sources / "folder").symlink_to(outside, target_is_directory=True)
    text = lesson_text(body="Remember: customers feel heard they stop restating their case and start working.")
    assert findings(course(tmp_path, {"lessons/01-part-1.md": text}), "shared-text", sources=sources) == []


# Housekeeping

def test_a_file_no_page_links_to(tmp_path):
    folder = course(tmp_path, {"images/used.png": b"\x89PNG\r\n\x1a\n", "images/unused.png": b"\x89PNG\r\n\x1a\n",
                               "lessons/01-part-1.md": lesson_text(body="![A phone](../images/used.png)")})
    [found] = findings(folder, "unused-file")
    assert found.location.path.name == "unused.png"


def test_the_same_question_asked_twice(tmp_path):
    twice = single("q1", "Listen", ["Type"], stem="Which step of a call comes first?")
    [found] = findings(course(tmp_path, {"assessments/01-final.md": quiz(twice)}), "duplicate-stem")
    assert found.problem.startswith('"q1" asks the same question as "kc-part-1" (01-part-1.md:13)')


def test_an_empty_callout(tmp_path):
    [found] = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body="::: tip\n:::")}), "empty-callout")
    assert where([found]) == ["01-part-1.md:11"]


def test_raw_html_that_shows_as_text_is_found_once_a_line_outside_code(tmp_path):
    body = ("Line one<br>Line two, <u>underlined</u>, and `<br>` as code.\n\n"
            "<iframe src=\"https://www.example.com/embed/abc\" width=\"560\" height=\"315\"></iframe>\n\n"
            "```\n<div>shown as code</div>\n```\n\n"
            "Write to <help@example.com> or see <https://example.com>; a < b > c.\n\n"
            "| a | b |\n|---|---|\n| <b>x</b> | <i>y</i> |\n")
    found = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=body)}), "raw-html")
    assert [(f.location.line, f.problem) for f in found] == [
        (11, "HTML shows to the learner as text: <br>"),
        (13, 'HTML shows to the learner as text: <iframe src="https://www.example.com/e…>'),
        (23, "HTML shows to the learner as text: <b>")]
    assert found[0].hint.startswith("write it in Markdown")


def test_raw_html_leaves_a_tag_the_author_escaped_to_show_it(tmp_path):
    body = "Type \\<br> where the form wants a line break, then \\</p>.\n\nBut this<br>one shows by mistake.\n"
    found = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=body)}), "raw-html")
    assert [(f.location.line, f.problem) for f in found] == [(13, "HTML shows to the learner as text: <br>")]


def test_raw_html_leaves_indented_code_and_the_checks_own_comments_alone(tmp_path):
    body = ("Some code:\n\n    <div>indented code</div>\n\n<!-- check: ignore link-text -->\n"
            "See [the policy](https://example.com/policy).\n\nA `` <b>`x` `` span, ``<i>`` too.\n")
    assert findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=body)}), "raw-html") == []


def test_raw_html_in_a_question_its_options_and_its_feedback(tmp_path):
    question = ("::: question q1 single\nWhich one is <b>first</b>?\n- [x] Listen<br>first\n"
                "  feedback: Listening <em>comes</em> first.\n- [ ] Type\n:::\n\n")
    found = findings(course(tmp_path, {"assessments/01-final.md": quiz(question)}), "raw-html")
    assert [(f.location.path.name, f.location.line, f.problem[len("HTML shows to the learner as text: "):])
            for f in found] == [("01-final.md", 9, "<b>"), ("01-final.md", 10, "<br>"), ("01-final.md", 11, "<em>")]


def test_raw_html_is_switched_off_by_its_comment(tmp_path):
    body = "<!-- check: ignore raw-html -->\nLine one<br>line two.\n\nLine three<br>line four.\n"
    found = findings(course(tmp_path, {"lessons/01-part-1.md": lesson_text(body=body)}), "raw-html")
    assert [f.location.line for f in found] == [14]


SHOWN_SCRIPT = """\
title: A <b>short</b> call  # a comment may say <br>
description: >-
  Sam calls twice.
  <i>Listen</i> for the cue.
characters:
  sam: {name: <u>Sam</u>, role: "Customer<br>", voice: {name: en-gb}}
scenes:
  start:
    title: The <em>first</em> call
    lines:
      - sam: My order is late again.<br>Really.
        mood: upset
      - narrator: |
          The line goes quiet.
          <hr>
    decision:
      prompt: What now?<br/>
      options:
        - say: That is the <b>second</b> time. Let me fix it now.
          result: correct
          empathy: <strong>Cognitive.</strong>
          felt: Understood.
          feedback: You named what mattered.
          next: fixed
        - do: Put her <i>on hold</i>.
          result: wrong
          empathy: None shown.
          felt: Ignored.
          feedback: "The cue went <s>unanswered</s>."
          next: end
  fixed:
    lines:
      - sam: Thank you.
"""


def test_raw_html_in_a_scenario_script_at_each_texts_line(tmp_path):
    """Every text of a script the learner sees is drawn into the clip or put on the page escaped: a tag
    there shows as text, found at its line as in a page (comments, keys and settings are no text)."""
    found = findings(course(tmp_path, {"scenarios/01-call.yml": SHOWN_SCRIPT}), "raw-html")
    shown = "HTML shows to the learner as text: "
    assert [(f.location.path.name, f.location.line, f.problem[len(shown):]) for f in found] == [
        ("01-call.yml", 1, "<b>"), ("01-call.yml", 4, "<i>"), ("01-call.yml", 6, "<u>"),
        ("01-call.yml", 9, "<em>"), ("01-call.yml", 11, "<br>"), ("01-call.yml", 15, "<hr>"),
        ("01-call.yml", 17, "<br/>"), ("01-call.yml", 19, "<b>"), ("01-call.yml", 21, "<strong>"),
        ("01-call.yml", 25, "<i>"), ("01-call.yml", 29, "<s>")]
    assert {f.problem[:len(shown)] for f in found} == {shown}
    assert {f.hint for f in found} == {
        "write the words without it: a scenario's text is plain, neither HTML nor Markdown"}


def test_raw_html_in_a_scenario_leaves_code_spans_escapes_and_comments_alone(tmp_path):
    script = SCENARIO.replace("{second_result}", "wrong").replace("{second_next}", "end").replace(
        "My order is late again.", "Type `<br>` and \\<p> where the form asks.  # not <b>shown</b>").replace(
        "Please hold.", "Please hold. `<b>` is code.  # <i>hold</i>").replace(
        "You named what mattered.", "You named what <b>mattered</b>.")
    found = findings(course(tmp_path, {"scenarios/01-call.yml": script}), "raw-html")
    assert [(f.location.line, f.problem) for f in found] == [(14, "HTML shows to the learner as text: <b>")]


def test_raw_html_in_a_scenario_split_by_a_line_end_or_written_with_escapes(tmp_path):
    """A tag cut in two by a line end of the script, or made by a quoted text's escapes, shows as one:
    said at the first line of its text, unless a line of it holds a whole tag (as in a page)."""
    script = SCENARIO.replace("{second_result}", "wrong").replace("{second_next}", "end").replace(
        "My order is late again.", "My order is <a\n          href='x'>late again.").replace(
        "Please hold.", '"Please \\x3Cb>hold\\x3C/b>."').replace(
        "The cue went unanswered.", "The cue went <i\n            >unanswered</i>.")
    found = findings(course(tmp_path, {"scenarios/01-call.yml": script}), "raw-html")
    assert [(f.location.line, f.problem[len("HTML shows to the learner as text: "):]) for f in found] == [
        (7, "<a href='x'>"), (17, "<b>"), (22, "</i>")]
    quoted = SCENARIO.replace("{second_result}", "wrong").replace("{second_next}", "end").replace(
        "Please hold.", "'Please <a title=''hold''>hold</a>.'")  # a single-quoted text's '' is one quote
    found = findings(course(tmp_path, {"scenarios/01-call.yml": quoted}, "quoted"), "raw-html")
    assert [(f.location.line, f.problem) for f in found] == [(16, "HTML shows to the learner as text: <a title='hold'>")]
    escaped = SCENARIO.replace("{second_result}", "wrong").replace("{second_next}", "end").replace(
        "Please hold.", '"Please \\x3Cb>hold\\x3C/b>."')  # the only "<" of the script
    found = findings(course(tmp_path, {"scenarios/01-call.yml": escaped}, "escaped"), "raw-html")
    assert [(f.location.line, f.problem) for f in found] == [(16, "HTML shows to the learner as text: <b>")]


def test_raw_html_in_a_scenario_is_switched_off_by_its_comment(tmp_path):
    """`# check: ignore raw-html` on the line or the line before, as everywhere in YAML; the words
    inside a quoted text are the text, no comment."""
    script = SCENARIO.replace("{second_result}", "wrong").replace("{second_next}", "end").replace(
        "      - sam: My order is late again.\n",
        "      # check: ignore raw-html\n      - sam: My order is <b>late</b> again.\n"
        "      - sam: \"Late <i>again</i>. # check: ignore raw-html\"\n").replace(
        "Please hold.", "Please <b>hold</b>.  # check: ignore housekeeping")
    found = findings(course(tmp_path, {"scenarios/01-call.yml": script}), "raw-html")
    assert [(f.location.line, f.problem) for f in found] == [(9, "HTML shows to the learner as text: <i>")]
    off = course(tmp_path, {"scenarios/01-call.yml": script,
                            "course.yml": COURSE_YML + "check:\n  ignore: [raw-html]\n"}, "off")
    assert findings(off, "raw-html") == []


def test_options_of_different_results_sharing_a_consequence(tmp_path):
    shared = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
    [found] = findings(course(tmp_path, {"scenarios/01-call.yml": shared}), "shared-consequence")
    assert where([found]) == ["01-call.yml:5"] and 'the same scene "fixed"' in found.problem
    apart = SCENARIO.replace("{second_result}", "wrong").replace("{second_next}", "end")
    assert findings(course(tmp_path, {"scenarios/01-call.yml": apart}, "b"), "shared-consequence") == []



@pytest.mark.parametrize("name", ["a.png", "A.PNG", "a.b.Svg", "noext", "a.", "x..png", "a.tar.gz", "é.PDF", "a", "ſ.ſvg"])
def test_a_files_type_is_what_splitext_finds(name):
    import os

    from courseforge.check.housekeeping import _type

    assert _type(name) == os.path.splitext(name)[1].lower()


@pytest.mark.parametrize("lengths", [[3], [4, 1], [5, 1, 9], [2, 2, 8, 4], [7, 3, 3, 3, 10, 1]])
def test_the_median_option_length_is_statistics_median(lengths):
    import statistics

    from courseforge.check.cues import _median

    assert _median(lengths) == statistics.median(lengths)
    assert type(_median(lengths)) is type(statistics.median(lengths))


def test_a_pages_ignore_comment_drops_a_course_wide_finding_there_and_nowhere_else(tmp_path):
    """Course-wide findings on pages without ignore comments stand without a look at their lines;
    the line of one with such a comment is still looked at."""
    unassessed = lesson_text().replace("objective: 1\n", "")
    quiet = unassessed.replace("objectives:\n", "objectives:  # check: ignore objective-unassessed\n")
    other = unassessed.replace("part-1", "part-2")
    folder = course(tmp_path, {"lessons/01-part-1.md": quiet, "lessons/02-part-2.md": other})
    for _ in range(2):  # the second review keeps the per-page findings of the first
        assert where(findings(folder, "objective-unassessed")) == ["02-part-2.md:5"]
