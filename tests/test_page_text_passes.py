"""pagetext.page_text gives what its former loop did (reading_before.page_text), on generated pages
holding every kind of block, inline run, link, image, table and callout a page may have."""
import random

import reading_before as before
from courseforge import pagetext
from courseforge.markdown import LessonMarkdown


def test_page_text_is_the_former_loops():
    markdown = LessonMarkdown()
    pieces = ["Word", "two words", "\u00a0", " ", "\n", "\n\n", "# ", "## ", "Title\n===\n", "Sub\n---\n", "- ", "1. ",
              "> ", "*em*", "**strong**", "`code`", "[link](a.md)", "[**bold** link](u)", "![alt](p.png)", "  \n",
              "\\\n", "| a | b |\n|---|---|\n| c | d |\n", "::: tip Title\n", "::: story\n", ":::\n", "::: question q single\n",
              "- [x] A\n", "- [ ] B\n", "<!-- check: ignore x -->", "é", "“quoted”", "x -> y", "    code\n"]
    rng = random.Random(23)
    for _ in range(2000):
        parsed = markdown.parse("".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))))
        assert pagetext.page_text(parsed, None) == before.page_text(parsed, None)
