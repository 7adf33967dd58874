"""Message catalogs: gettext ``.po`` files under ``locales/``, loaded with Babel.

Each language is a folder ``locales/<lang>/LC_MESSAGES/sellerbot.po`` (symbolic message ids,
so English is a catalog like the others). A language is available when its folder exists:
adding a fourth language is adding a catalog (and a routing lexicon), never code.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger(__name__)

DOMAIN = "sellerbot"
FALLBACK = "en"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def default_locales_dir() -> Path:
    """``SELLERBOT_LOCALES_DIR`` if set, else the ``locales/`` folder shipped with the package."""
    override = os.environ.get("SELLERBOT_LOCALES_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "locales"


class CatalogError(Exception):
    """A catalog is missing or cannot be parsed."""


@dataclass
class Catalogs:
    """All loaded catalogs, with English as the fallback for a missing message."""

    directory: Path
    translations: dict[str, Translations] = field(default_factory=dict)
    #: Every message's text per language (for a message with plural forms, its first form).
    raw: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The forms of the messages that have plural forms (``msgid_plural``), per language.
    plurals: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    #: How many plural forms each language has (its ``Plural-Forms`` header).
    nplurals: dict[str, int] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        """Available languages, fallback first, then alphabetical."""
        return tuple(sorted(self.translations, key=lambda lang: (lang != FALLBACK, lang)))

    def command_words(self, name: str) -> tuple[str, ...]:
        """The words that invoke command ``name`` in any language: ``name`` itself first, then
        each catalog's ``ui.command.<name>`` words (``/taal``, ``/bahasa``), without repeats."""
        words = [name]
        for lang in self.languages:
            for word in self.raw.get(lang, {}).get(f"ui.command.{name}", "").split():
                if word not in words:
                    words.append(word)
        return tuple(words)

    def gettext(self, lang: str, key: str, **params: object) -> str:
        """The message ``key`` in ``lang`` (English when missing), with ``{params}`` filled."""
        tr = self.translations.get(lang) or self.translations[FALLBACK]
        text = tr.gettext(key)
        return text.format(**params) if params else text

    def ngettext(self, lang: str, key: str, n: int, **params: object) -> str:
        """The form of the plural message ``key`` for the number ``n`` in ``lang``.

        The catalog's ``Plural-Forms`` rule picks the form ("Source" for 1, "Sources" for
        more in English; Indonesian has one form). ``{n}`` and ``params`` are filled in.
        """
        tr = self.translations.get(lang) or self.translations[FALLBACK]
        return tr.ngettext(key, key, n).format(n=n, **params)

    def has(self, lang: str, key: str) -> bool:
        return bool(self.raw.get(lang, {}).get(key))

    def language_name(self, lang: str, in_lang: str) -> str:
        """The name of the language ``lang`` in the reader's language ``in_lang``, via Babel's
        CLDR data: for a Dutch reader ``en`` is ``Engels`` and ``nl`` is ``Nederlands``.

        Use it wherever a language is named in a sentence, a report or a list.
        """
        try:
            name = Locale.parse(lang).get_display_name(in_lang) or lang
        except (ValueError, TypeError, UnknownLocaleError):
            return lang
        return name[:1].upper() + name[1:]

    def language_label(self, lang: str, in_lang: str) -> str:
        """How a language is offered where a member picks one: its own name, and its name in
        the reader's language when that differs (``Nederlands (Dutch)`` for an English
        reader, ``Nederlands`` for a Dutch one), so a member who does not read ``in_lang``
        still finds theirs.
        """
        own, known_as = self.language_name(lang, lang), self.language_name(lang, in_lang)
        return own if own == known_as else f"{own} ({known_as})"


@dataclass(frozen=True)
class _Read:
    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    nplurals: int


def _read(path: Path) -> _Read:
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken file
        raise CatalogError(f"{path}: {exc}") from exc
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for m in catalog:
        if not m.id:
            continue
        if isinstance(m.id, str):
            messages[m.id] = str(m.string)
            continue
        key = str(m.id[0])  # (msgid, msgid_plural): symbolic ids use the key for both
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
        forms = tuple(str(f or "") for f in strings)
        plurals[key] = forms
        messages[key] = forms[0] if forms else ""
    return _Read(messages, plurals, catalog.num_plurals)


def _compile(path: Path) -> Translations:
    with path.open("rb") as fh:
        catalog = read_po(fh, abort_invalid=True)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def discover(directory: Path) -> list[tuple[str, Path]]:
    """Every ``<lang>/LC_MESSAGES/sellerbot.po`` under ``directory``."""
    found = []
    for po in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        found.append((po.parent.parent.name, po))
    return found


def load(directory: Path | None = None) -> Catalogs:
    """Load every catalog in ``directory`` (default: the shipped ``locales/``)."""
    directory = directory or default_locales_dir()
    cats = Catalogs(directory)
    for lang, po in discover(directory):
        try:
            found = _read(po)
            cats.raw[lang], cats.plurals[lang] = found.messages, found.plurals
            cats.nplurals[lang] = found.nplurals
            cats.translations[lang] = _compile(po)
        except CatalogError:
            raise
        except Exception as exc:
            raise CatalogError(f"{po}: {exc}") from exc
    if FALLBACK not in cats.translations:
        raise CatalogError(f"no {FALLBACK} catalog under {directory}")
    for lang, tr in cats.translations.items():
        if lang != FALLBACK:
            tr.add_fallback(cats.translations[FALLBACK])
    log.debug("catalogs loaded", extra={"languages": list(cats.translations)})
    return cats


@lru_cache(maxsize=1)
def shared() -> Catalogs:
    """The shipped catalogs, loaded once, for interface text looked up outside the core."""
    return load()


def problems(cats: Catalogs, required: Iterable[str]) -> list[str]:
    """Readable problems: missing or empty messages, placeholders that differ from English.

    ``required`` are the ids the core uses; every other message of the English catalog (the
    adapters' and moderators' interface text) is required in every language too.
    """
    out: list[str] = []
    ref: Mapping[str, str] = cats.raw.get(FALLBACK, {})
    required = list(dict.fromkeys([*required, *ref]))
    ref_plurals = cats.plurals.get(FALLBACK, {})
    for lang in cats.languages:
        msgs = cats.raw[lang]
        if not any(msgs.values()):
            out.append(f"{lang}: the catalog has no messages (is the .po file broken?)")
            continue
        for key in required:
            text = msgs.get(key)
            if not text:
                out.append(f"{lang}: message {key!r} is missing or empty")
                continue
            if key in ref_plurals or key in cats.plurals.get(lang, {}):
                out += _plural_problems(cats, lang, key)
                continue
            want = set(PLACEHOLDER.findall(ref.get(key, "")))
            got = set(PLACEHOLDER.findall(text))
            if want != got:
                out.append(
                    f"{lang}: message {key!r} has placeholders {sorted(got)}, "
                    f"English has {sorted(want)}"
                )
        for key in sorted(set(msgs) - set(required)):
            out.append(f"{lang}: message {key!r} is not in the English catalog")
    return out


def _plural_problems(cats: Catalogs, lang: str, key: str) -> list[str]:
    """A plural message: plural in English and here, one non-empty text per plural form of
    the language, and no placeholder English does not have in some form."""
    ref = cats.plurals.get(FALLBACK, {}).get(key)
    forms = cats.plurals.get(lang, {}).get(key)
    if ref is None or forms is None:
        where = "here" if ref is not None else "in English"
        return [f"{lang}: message {key!r} needs plural forms (msgid_plural) {where} too"]
    out: list[str] = []
    want = cats.nplurals.get(lang, 2)
    if len(forms) != want or not all(forms):
        out.append(
            f"{lang}: message {key!r} needs {want} non-empty plural forms, "
            f"has {sum(1 for f in forms if f)}"
        )
    allowed = {p for f in ref for p in PLACEHOLDER.findall(f)} | {"n"}
    extra = {p for f in forms for p in PLACEHOLDER.findall(f)} - allowed
    if extra:
        out.append(f"{lang}: message {key!r} has placeholders {sorted(extra)} English has not")
    return out
