from courseforge.markdown import LessonMarkdown

md = LessonMarkdown()


def render(text, resolve=lambda url, line, image: None):
    parsed = md.parse(text)
    return parsed, md.render(parsed, resolve)


def test_front_matter_and_its_line():
    parsed, _ = render("---\nid: a\ntitle: A\n---\n\nBody\n")
    assert parsed.front_matter.strip() == "id: a\ntitle: A" and parsed.front_matter_line == 2


def test_raw_html_is_escaped():
    _, html = render("Hello <script>alert(1)</script>\n\n<div onclick='x()'>hi</div>\n")
    assert "<script>" not in html and "<div" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_not_links():
    _, html = render("[click](javascript:alert(1))\n")
    assert "href" not in html


def test_callout_with_title_is_escaped():
    _, html = render("::: story The <b>wedding</b> shoes\nShe needed *narrow* shoes.\n:::\n")
    assert html.startswith('<div class="callout callout-story" role="note"><p class="callout-title">'
                           '<strong>Story</strong>: The &lt;b&gt;wedding&lt;/b&gt; shoes</p>')
    assert "<em>narrow</em>" in html and html.rstrip().endswith("</div>")


def test_every_callout_kind_renders():
    for kind in ("story", "tip", "reflection", "example", "note", "warning"):
        parsed, html = render(f"::: {kind}\ntext\n:::\n")
        assert parsed.problems == [] and f"callout-{kind}" in html


def test_unknown_callout_is_a_problem_with_line():
    parsed, _ = render("Intro\n\n::: stroy\ntext\n:::\n")
    assert parsed.problems == [(3, 'unknown callout "::: stroy"',
                                "use one of: story, tip, reflection, example, note, warning")]


def test_tables_render_in_a_keyboard_scrollable_region():
    _, html = render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>' in html
    assert "<td>1</td>" in html


def test_h1_in_a_lesson_becomes_h2():
    _, html = render("# Title\n\n## Section\n")
    assert "<h1" not in html and "<h2>Title</h2>" in html


def test_links_and_images_go_through_the_resolver_with_lines():
    seen = []

    def resolve(url, line, image):
        seen.append((url, line, image))
        return "assets/" + url.split("/")[-1]

    _, html = render("Para\n\n![Alt](../images/a.png)\nand [handout](files/h.pdf)\n", resolve)
    assert seen == [("../images/a.png", 3, True), ("files/h.pdf", 4, False)]
    assert '<img src="assets/a.png" alt="Alt" loading="lazy" />' in html
    assert '<a href="assets/h.pdf" target="_blank" rel="noopener" aria-describedby="cf-new-tab">handout</a>' in html


def test_links_away_from_the_player_open_beside_it_and_say_so():
    """Followed in the player's frame, a web page or a file would end the LMS session with the page."""
    _, html = render("[a](https://example.com/a) [b](//example.com/b) <HTTP://EXAMPLE.COM/c> [d](#here) "
                     "[e](mailto:help@example.com) [f](tel:+15550100)\n")
    away = ' target="_blank" rel="noopener" aria-describedby="cf-new-tab">'
    for href in ("https://example.com/a", "//example.com/b", "HTTP://EXAMPLE.COM/c"):
        assert f'href="{href}"{away}' in html
    for href in ("#here", "mailto:help@example.com", "tel:+15550100"):
        assert f'href="{href}">' in html
    assert html.count("_blank") == 3


def test_a_page_ending_in_a_quote_s_empty_line_without_a_line_break_is_read():
    """`> ::: tip` then a last `>` with no line break sent the callout rule past the end of the text
    (an IndexError, a traceback for the author); the unclosed tip is now reported like any other."""
    md = LessonMarkdown()
    for text in ("> ::: tip\n>", "> ::: tip\n> ", "> ::: tip Title\n>\t>"):
        parsed = md.parse(text)
        assert [problem[1].replace(" Title", "") for problem in parsed.problems] == ["`::: tip` has no closing `:::`"]
    assert md.render(md.parse("> quote\n>"), lambda *a: None) == md.render(md.parse("> quote\n>\n"), lambda *a: None)


def test_a_heading_left_empty_by_a_check_comment_goes_and_its_dashes_stay_a_rule():
    """`---` under a line holding a check comment alone made `<h2></h2>`, an empty heading a screen
    reader announces; without the comment above them the dashes are a thematic break."""
    md = LessonMarkdown()

    def html(text: str) -> str:
        return md.render(md.parse(text), lambda *a: None)

    assert html("Text.\n\n<!-- check: ignore x -->\n---\n\nMore.\n") == "<p>Text.</p>\n<hr />\n<p>More.</p>\n"
    assert html("A\n\n<!-- check: ignore x -->\n===\n") == html("# <!-- check: ignore x -->\n\nA\n") == "<p>A</p>\n"
    assert html("Title\n---\n") == "<h2>Title</h2>\n"
    assert html("Title <!-- check: ignore x -->\n---\n") == "<h2>Title</h2>\n"
