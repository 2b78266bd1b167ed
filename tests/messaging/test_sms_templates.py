"""SMS templates: one 70-character segment each with the longest parameters (signature included),
no parameter beyond a name, a code and a link, and each listed in the README for filing."""

from __future__ import annotations

from pathlib import Path

from portal.messaging.sms_templates import LONGEST, TEMPLATES

README = Path(__file__).resolve().parents[2] / "README.md"
SIGNATURE = "【校企通】"  # the provider prefixes the signature; it counts towards the 70


def test_each_template_fits_one_segment_with_its_longest_parameters():
    for template in TEMPLATES.values():
        text = SIGNATURE + template.render(LONGEST)
        assert len(text) <= 70, (template.key, len(text))
        assert "${" not in text


def test_templates_carry_only_a_name_a_code_and_a_link():
    for template in TEMPLATES.values():
        assert set(template.params) <= {"name", "code", "link"}, template.key


def test_the_readme_lists_each_template_as_filed():
    readme = README.read_text(encoding="utf-8")
    for template in TEMPLATES.values():
        assert f"| `{template.key}` | {template.text} |" in readme, template.key


def test_each_template_has_its_setting():
    from portal.config import load_config

    assert set(load_config({"SECRET_KEY": "x"})["SMS_TEMPLATE_CODES"]) == set(TEMPLATES)
