"""The Polish and Urdu catalogues (locale/<lang>/LC_MESSAGES/django.po and .mo).

Every entry is translated (no empty or fuzzy entries), keeps its placeholders
and markup, and the committed .mo says what the .po says: Django's gettext
returns each .po msgstr. Every string marked for translation in the code and
templates is in the catalogues, and nothing else is: the msgids are extracted
afresh into a temporary directory (templates through Django's templatize, then
xgettext, as `make messages` does, without touching the source tree) and
compared. See docs/adr/0006-translations.md.
"""

import gettext as gettext_module
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

LANGUAGES = ("pl", "ur")
NPLURALS = {"pl": 3, "ur": 2}
BASE = Path(settings.BASE_DIR)
# What `make messages` leaves out (the Makefile's --ignore list).
IGNORED_DIRS = {".venv", "node_modules", "staticfiles", "var", "tests", ".git", "locale"}
# Placeholders a translation must keep: Python's %(name)s and %s, str.format's
# {name}, Django's {{ name }} and NHS.UK frontend's %{count}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|%\{\w+\}|\{\{\s*\w+\s*\}\}|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def po_path(lang):
    return BASE / "locale" / lang / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request):
    return request.param, polib.pofile(str(po_path(request.param)))


def key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def tokens(text):
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def tags(text):
    return sorted(TAG.findall(text))


def forms(entry):
    """(source text, translation) pairs: one for a plain entry, one per plural form."""
    if entry.msgid_plural:
        return [
            (entry.msgid if i == 0 else entry.msgid_plural, text) for i, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


# --------------------------------------------------------------------------- the .po files


def test_catalogues_are_complete(catalogue):
    lang, po = catalogue
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == lang
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_plural_forms(catalogue):
    lang, po = catalogue
    header = po.metadata["Plural-Forms"]
    assert f"nplurals={NPLURALS[lang]};" in header.replace(" ", "")
    plural = gettext_module.c2py(header.split("plural=", 1)[1].rstrip(";"))
    if lang == "pl":  # 1 znak, 2 znaki, 5 znaków, 12 znaków, 22 znaki
        assert [plural(n) for n in (1, 2, 4, 5, 12, 21, 22, 25, 0)] == [0, 1, 1, 2, 2, 2, 1, 2, 2]
    else:
        assert [plural(n) for n in (1, 0, 2, 5)] == [0, 1, 1, 1]
    plural_entries = [e for e in po if e.msgid_plural]
    assert plural_entries
    for entry in plural_entries:
        assert sorted(entry.msgstr_plural) == list(range(NPLURALS[lang])), entry.msgid
        assert all(text.strip() for text in entry.msgstr_plural.values()), entry.msgid


def test_placeholders_and_markup_are_kept(catalogue):
    lang, po = catalogue
    wrong = []
    for entry in po:
        for source, text in forms(entry):
            if tokens(source) != tokens(text) or tags(source) != tags(text):
                wrong.append((entry.msgid, text))
    assert wrong == [], f"{lang}: placeholders or markup changed"


def test_translations_are_safe_in_attributes(catalogue):
    # Several strings go into HTML attributes (aria-label, data-i18n.*): a double
    # quote there would end the attribute.
    lang, po = catalogue
    assert [e.msgid for e in po for _, text in forms(e) if '"' in text and '"' not in e.msgid] == []


def test_service_name_is_in_the_homepage_links_name(catalogue):
    # WCAG 2.5.3 (label in name): the logo link's accessible name contains the
    # visible service name, in every language.
    lang, po = catalogue
    service = po.find("Advancing Mental Health Equality").msgstr
    homepage = po.find("NHS Advancing Mental Health Equality homepage").msgstr
    assert service and service in homepage


# --------------------------------------------------------------------------- the compiled .mo files


def test_mo_files_match_the_po_files(catalogue):
    lang, po = catalogue
    mo = polib.mofile(str(po_path(lang).with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo if e.msgid}
    source = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in po if e.msgid}
    assert compiled == source, f"locale/{lang}/LC_MESSAGES/django.mo is stale: run `make messages`"


def test_django_serves_every_translation(catalogue):
    lang, po = catalogue
    plural = gettext_module.c2py(po.metadata["Plural-Forms"].split("plural=", 1)[1].rstrip(";"))
    # A count for each plural form: pl 1, 2, 5; ur 1, 0.
    samples = {}
    for n in range(200):
        samples.setdefault(plural(n), n)
    wrong = []
    with translation.override(lang):
        for entry in po:
            if entry.msgid_plural:
                for index, expected in entry.msgstr_plural.items():
                    n = samples[index]
                    got = (
                        translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                        if entry.msgctxt
                        else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    )
                    if got != expected:
                        wrong.append((entry.msgid, n, got, expected))
            else:
                got = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                if got != entry.msgstr:
                    wrong.append((entry.msgid, got, entry.msgstr))
    assert wrong == []


def test_language_names_are_their_own():
    # A respondent looks for their language under its own name.
    assert dict(settings.LANGUAGES) == {"en-gb": "English", "pl": "Polski", "ur": "اردو"}
    for code in LANGUAGES:
        assert translation.get_language_info(code)["bidi"] is (code == "ur")


# --------------------------------------------------------------------------- nothing marked is missing


def source_files(suffixes):
    for path in sorted(BASE.rglob("*")):
        relative = path.relative_to(BASE)
        if relative.parts[0] in IGNORED_DIRS or any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix in suffixes and path.is_file():
            yield path


def extract_with_xgettext(tmp_path):
    """The msgids `make messages` would collect, without writing into the source tree."""
    copies = []
    for template in source_files({".html", ".txt"}):
        src = template.read_text(encoding="utf-8")
        if "trans" not in src:  # translate, blocktranslate, trans, blocktrans
            continue
        relative = template.relative_to(BASE)
        copy = tmp_path / (str(relative).replace("/", "__") + ".py")
        copy.write_text(templatize(src, origin=str(relative)), encoding="utf-8")
        copies.append(copy)
    python = [p for p in source_files({".py"}) if "gettext" in p.read_text(encoding="utf-8")]
    out = tmp_path / "extracted.pot"
    # The keywords Django's makemessages gives xgettext for Python and templates.
    args = [
        "xgettext",
        "--language=Python",
        "--from-code=UTF-8",
        "--keyword=gettext_noop",
        "--keyword=gettext_lazy",
        "--keyword=ngettext_lazy:1,2",
        "--keyword=pgettext:1c,2",
        "--keyword=npgettext:1c,2,3",
        "--keyword=pgettext_lazy:1c,2",
        "--keyword=npgettext_lazy:1c,2,3",
        f"--output={out}",
        *map(str, python),
        *map(str, copies),
    ]
    subprocess.run(args, check=True, capture_output=True, timeout=60)
    return {key(e) for e in polib.pofile(str(out)) if e.msgid}


TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?""")


def extract_with_a_regex():
    """Without GNU gettext: the {% translate "..." %} strings of the templates."""
    found = set()
    for template in source_files({".html", ".txt"}):
        for match in TRANSLATE_TAG.finditer(template.read_text(encoding="utf-8")):
            found.add((match.group(4), match.group(2), None))
    return found


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    if shutil.which("xgettext"):
        marked = extract_with_xgettext(tmp_path)
        exact = True
    else:  # a fresh machine without gettext: a coarser check of the templates
        marked = extract_with_a_regex()
        exact = False
    assert len(marked) > 50
    for lang in LANGUAGES:
        catalogued = {key(e) for e in polib.pofile(str(po_path(lang))) if e.msgid}
        missing = sorted(marked - catalogued, key=str)
        assert missing == [], f"not in locale/{lang}: run `make messages` and translate"
        if exact:
            stale = sorted(catalogued - marked, key=str)
            assert stale == [], f"no longer marked for translation, still in locale/{lang}: run `make messages`"
