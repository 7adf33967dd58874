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

from babel import Locale
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
    raw: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        """Available languages, fallback first, then alphabetical."""
        return tuple(sorted(self.translations, key=lambda lang: (lang != FALLBACK, lang)))

    def gettext(self, lang: str, key: str, **params: object) -> str:
        """The message ``key`` in ``lang`` (English when missing), with ``{params}`` filled."""
        tr = self.translations.get(lang) or self.translations[FALLBACK]
        text = tr.gettext(key)
        return text.format(**params) if params else text

    def has(self, lang: str, key: str) -> bool:
        return bool(self.raw.get(lang, {}).get(key))

    def language_name(self, lang: str, in_lang: str | None = None) -> str:
        """The language's own name (``Nederlands``), via Babel's CLDR data."""
        try:
            name = Locale.parse(lang).get_display_name(in_lang or lang) or lang
        except (ValueError, TypeError):
            return lang
        return name[:1].upper() + name[1:]


def _read(path: Path) -> dict[str, str]:
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken file
        raise CatalogError(f"{path}: {exc}") from exc
    return {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str)}


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
            cats.raw[lang] = _read(po)
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
