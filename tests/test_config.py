from courseforge.config import load_config
from courseforge.errors import Problems


def load(tmp_path, text):
    path = tmp_path / "course.yml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    loaded = load_config(path, problems)
    return (loaded[0] if loaded else None), [str(e) for e in problems.errors]


def test_full_config_is_read(tmp_path):
    config, errors = load(tmp_path, "title: T\nidentifier: t-1\nversion: 2.1\nlanguage: en-GB\n"
                                    "authors: Ann\nmastery_score: 75\nlessons:\n  - a.md\n")
    assert errors == []
    assert (config.title, config.identifier, config.version, config.language) == ("T", "t-1", "2.1", "en-GB")
    assert config.authors == ("Ann",) and config.mastery_score == 75 and config.lessons == ("a.md",)
    assert config.theme == "default"


def test_defaults(tmp_path):
    config, errors = load(tmp_path, "title: T\nidentifier: t\n")
    assert errors == []
    assert config.version == "1.0.0" and config.language == "en" and config.mastery_score is None
    assert config.lessons is None


def test_unknown_key_names_line_and_suggests(tmp_path):
    _, errors = load(tmp_path, "title: T\nidentifier: t\nmastery_scor: 80\n")
    assert len(errors) == 1
    assert ':3: unknown key "mastery_scor" — did you mean "mastery_score"? (allowed: title, identifier, ' in errors[0]
    assert errors[0].endswith(")") and "package_budget_mb" in errors[0]


def test_malformed_yaml_names_line(tmp_path):
    _, errors = load(tmp_path, "title: T\nidentifier: [t\nversion: 1\n")
    assert len(errors) == 1 and "course.yml:" in errors[0] and "YAML syntax error" in errors[0]
    line = int(errors[0].split("course.yml:")[1].split(":")[0])
    assert line in (2, 3, 4)


def test_every_bad_value_is_reported_in_one_run(tmp_path):
    _, errors = load(tmp_path, "title: ''\nidentifier: Bad Id\nlanguage: english!\n"
                               "mastery_score: 150\nlessons: one.md\ntitle: again\n")
    joined = "\n".join(errors)
    assert ':6: key "title" appears twice' in joined
    assert ':2: "identifier" is "Bad Id", not a valid id' in joined
    assert ':3: language "english!" is not a language tag' in joined
    assert ':4: "mastery_score" is 150, not a whole number from 0 to 100' in joined
    assert ':5: "lessons" must be a list' in joined


def test_missing_required_keys(tmp_path):
    _, errors = load(tmp_path, "description: nothing else\n")
    assert any('"title" is missing' in e for e in errors)
    assert any('"identifier" is missing' in e for e in errors)


def test_not_a_mapping(tmp_path):
    _, errors = load(tmp_path, "- a\n- b\n")
    assert len(errors) == 1 and "expected a mapping" in errors[0]


def test_xapi_keys_default_and_read(tmp_path):
    config, errors = load(tmp_path, "title: T\nidentifier: t\n")
    assert errors == [] and config.iri is None and config.cmi5_au_per_lesson is False
    config, errors = load(tmp_path, "title: T\nidentifier: t\niri: https://learn.example.com/c/t/\n"
                                    "cmi5_au_per_lesson: true\n")
    assert errors == [] and config.iri == "https://learn.example.com/c/t" and config.cmi5_au_per_lesson is True


def test_iri_must_be_absolute_http(tmp_path):
    for bad in ("urn:courseforge:t", "courses/t", "https://example.com/t?x=1", "https://example.com/a b"):
        _, errors = load(tmp_path, f"title: T\nidentifier: t\niri: {bad}\n")
        assert len(errors) == 1 and ":3: iri " in errors[0] and "not an absolute http(s) IRI" in errors[0], bad
    _, errors = load(tmp_path, "title: T\nidentifier: t\ncmi5_au_per_lesson: yes please\n")
    assert len(errors) == 1 and ":3:" in errors[0] and "not true or false" in errors[0]


def test_video_and_budget_keys(tmp_path):
    config, errors = load(tmp_path, "title: T\nidentifier: t\n")
    assert errors == [] and config.video_size == (1280, 720) and config.package_budget_mb == 250
    assert config.require_scenarios is False
    config, errors = load(tmp_path, "title: T\nidentifier: t\nvideo_size: 854x480\nrequire_scenarios: true\n"
                                    "package_budget_mb: 50\n")
    assert errors == [] and config.video_size == (854, 480) and config.require_scenarios
    assert config.package_budget_mb == 50
    _, errors = load(tmp_path, "title: T\nidentifier: t\nvideo_size: 853x480\n")
    assert len(errors) == 1 and errors[0].endswith(
        ':3: video_size "853x480" is not a usable frame size — write WIDTHxHEIGHT with even numbers of '
        'at least 64, e.g. 1280x720 or 854x480')


def test_title_and_version_within_the_scorm_limits(tmp_path):
    """S04-M4/M5 and SCORM 1.2's schema: a title over 200 characters or a version over 20 failed the
    generated manifest's validation, a traceback; now course.yml's line says so."""
    long_title = "Empathy " * 26
    _, errors = load(tmp_path, f'title: "{long_title.strip()}"\nidentifier: t\nversion: "1.0.0-beta.20261205.build7"\n')
    assert errors == [
        f"{tmp_path / 'course.yml'}:1: title is 207 characters long; SCORM allows 200 — shorten it "
        "(the description can say the rest)",
        f"{tmp_path / 'course.yml'}:3: version \"1.0.0-beta.20261205.build7\" is 26 characters long; SCORM 1.2 "
        'allows 20 — shorten it, e.g. "1.2.0-beta.3"']
    config, errors = load(tmp_path, f'title: "{"T" * 200}"\nidentifier: t\nversion: "{"1" * 20}"\n')
    assert errors == [] and len(config.title) == 200 and len(config.version) == 20
