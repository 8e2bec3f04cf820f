"""Templates as data: the built-in ones, the documented format, and clear errors."""

from __future__ import annotations

import pytest

from bot.cli import main
from conversations.answers import split_items
from conversations.template import (
    QuestionKind,
    QuestionRole,
    TemplateError,
    builtin_keys,
    load_template,
    parse_template,
)

DOCUMENTED = """
key = "ivp"
title = "Input Integraal Veiligheidsplan"
language = "nl"

[[questions]]
key = "inhoud"
text = "Waar gaat dit thema over, en wat doen we er nu aan?"
help = "Denk aan aanpak, instrumenten, wat werkt en wat niet."
kind = "text"
required = true

[[themes]]
key = "ondermijning"
title = "Aanpak ondermijning"
description = "Georganiseerde criminaliteit die de legale wereld binnendringt."
"""


def test_documented_format_loads():
    template = parse_template(DOCUMENTED, "doc.toml")
    assert template.questions[0].kind is QuestionKind.TEXT
    assert template.theme("ondermijning").title == "Aanpak ondermijning"


@pytest.mark.parametrize("key", ["ivp", "ivp-en"])
def test_builtin_templates_follow_leidens_format(key):
    template = load_template(key)
    assert len(template.themes) == 7
    kinds = {q.key: q.kind for q in template.questions}
    assert kinds["partners"] is QuestionKind.LIST
    assert kinds["niveau"] is QuestionKind.CHOICE
    required = {q.key for q in template.questions if q.required}
    assert required == {"inhoud", "partners", "ontwikkelingen"}
    assert set(builtin_keys()) >= {"ivp", "ivp-en"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('kind = "text"', 'kind = "essay"', "x.toml: questions[1] (inhoud).kind: Input should be"),
        ('title = "Aanpak ondermijning"', 'title = ""', "x.toml: themes[1] (ondermijning).title:"),
        (
            "required = true",
            "required = true\nhlep = 'typo'",
            "x.toml: questions[1] (inhoud).hlep:",
        ),
    ],
)
def test_broken_template_names_file_field_and_reason(old, new, expected):
    with pytest.raises(TemplateError) as error:
        parse_template(DOCUMENTED.replace(old, new), "x.toml")
    assert str(error.value).startswith(expected)


def test_duplicate_keys_and_bad_choices_are_rejected():
    dup = DOCUMENTED + '\n[[themes]]\nkey = "ondermijning"\ntitle = "Nog eens"\n'
    with pytest.raises(TemplateError, match="duplicate theme key 'ondermijning'"):
        parse_template(dup, "d.toml")
    choice = DOCUMENTED.replace('kind = "text"', 'kind = "choice"\noptions = ["alleen"]')
    with pytest.raises(TemplateError, match="at least two options"):
        parse_template(choice, "c.toml")
    with pytest.raises(TemplateError, match="not valid TOML"):
        parse_template("key = ", "t.toml")
    with pytest.raises(TemplateError, match="no such file"):
        load_template("does-not-exist.toml")


def test_template_check_command(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text(DOCUMENTED, encoding="utf-8")
    assert main(["template", "check", str(good)]) == 0
    assert "ok" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(DOCUMENTED.replace("[[themes]]", "[[themez]]"), encoding="utf-8")
    assert main(["template", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "themez" in err and "Traceback" not in err


def test_list_answers_split_on_lines_commas_and_semicolons():
    assert split_items("- Politie\n2. OM; RIEC , , gemeente\nPolitie") == [
        "Politie",
        "OM",
        "RIEC",
        "gemeente",
    ]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Politie, OM en gemeente", ["Politie", "OM", "gemeente"]),
        ("Police; prosecutor and council", ["Police", "prosecutor", "council"]),
        ("- Politie\n- OM & RIEC", ["Politie", "OM", "RIEC"]),
        ("GGD, Zorg- en Veiligheidshuis", ["GGD", "Zorg- en Veiligheidshuis"]),
        (
            "GGD, Zorg- en Veiligheidshuis en politie",
            ["GGD", "Zorg- en Veiligheidshuis", "politie"],
        ),
        ("Centrum voor Jeugd en Gezin", ["Centrum voor Jeugd en Gezin"]),
        ("Politie en OM,", ["Politie en OM"]),  # a trailing comma makes no second item
        ("Politie en OM, gemeente", ["Politie en OM", "gemeente"]),  # only the last item
    ],
)
def test_list_answers_split_the_last_item_on_en(text: str, items: list[str]):
    assert split_items(text) == items


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Politie (wijkagent, jeugdagent)", ["Politie (wijkagent, jeugdagent)"]),
        ("Politie (wijkagent; jeugdagent), OM", ["Politie (wijkagent; jeugdagent)", "OM"]),
        ("OM, Politie [wijkagent en jeugdagent]", ["OM", "Politie [wijkagent en jeugdagent]"]),
        ("Politie (wijkagent, OM", ["Politie (wijkagent", "OM"]),  # unclosed: no protection
    ],
)
def test_list_answers_keep_brackets_together(text: str, items: list[str]):
    assert split_items(text) == items


OWN_QUESTIONS_ONLY = """
key = "Buiten"
title = "Template van buiten"

[[themes]]
key = "Thema1"
title = "Eerste thema"

[[themes.questions]]
key = "Vraag_A"
text = "Wat speelt er?"

[[themes]]
key = "thema-2"
title = "Tweede thema"

[[themes.questions]]
key = "vraag-b"
text = "Wie doet mee?"
kind = "list"
"""


def test_outside_template_with_mixed_case_keys_and_only_questions_per_theme():
    template = parse_template(OWN_QUESTIONS_ONLY, "buiten.toml")
    assert template.questions == []
    assert [q.key for q in template.questions_for("Thema1")] == ["Vraag_A"]
    assert [q.key for q in template.questions_for("thema-2")] == ["vraag-b"]
    assert template.theme_key("thema1") == template.theme_key(" THEMA1 ") == "Thema1"
    assert template.theme_key("thema") is None


def test_a_theme_without_any_question_is_named():
    lonely = OWN_QUESTIONS_ONLY + '\n[[themes]]\nkey = "Leeg"\ntitle = "Zonder vragen"\n'
    with pytest.raises(TemplateError, match="no questions for theme 'Leeg'"):
        parse_template(lonely, "b.toml")
    twins = OWN_QUESTIONS_ONLY.replace('key = "thema-2"', 'key = "THEMA1"')
    with pytest.raises(TemplateError, match="'Thema1' and 'THEMA1' differ only in case"):
        parse_template(twins, "b.toml")
    with pytest.raises(TemplateError, match="key: String should match pattern"):
        parse_template(OWN_QUESTIONS_ONLY.replace('"Thema1"', '"_thema"'), "b.toml")


def test_a_list_question_keyed_partners_feeds_the_partner_matrix_without_a_role():
    text = DOCUMENTED.replace(
        "[[themes]]",
        '[[questions]]\nkey = "partners"\ntext = "Met wie?"\nkind = "list"\n\n'
        '[[questions]]\nkey = "middelen"\ntext = "Welke middelen?"\nkind = "list"\n\n[[themes]]',
    )
    roles = {q.key: q.role for q in parse_template(text, "p.toml").questions}
    assert roles == {"inhoud": None, "partners": QuestionRole.PARTNERS, "middelen": None}


def test_a_language_without_a_catalogue_is_refused():
    assert parse_template(DOCUMENTED.replace('"nl"', '"en"'), "t.toml").language == "en"
    with pytest.raises(
        TemplateError, match=r"language: .*unsupported language 'de' \(use nl or en\)"
    ):
        parse_template(DOCUMENTED.replace('language = "nl"', 'language = "de"'), "t.toml")
