"""Interface text only the Telegram adapter needs, per language.

These belong in the gettext catalogs (``locales/*/LC_MESSAGES/sellerbot.po``) and will move
there; until then they live here, keyed by language, with English as the fallback.
"""

from __future__ import annotations

FALLBACK = "en"

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "cmd.start": "Start: pick your situation",
        "cmd.guide": "Step-by-step guide (reply to a question to answer it)",
        "cmd.language": "Show or change the language I answer in",
        "cmd.help": "What I can help with",
        "cmd.pin": "Pin an answer in this group (administrators)",
        "start.title": "Hi! I'm sellerbot.",
        "start.intro": (
            "I help sellers when an order goes wrong. Pick your situation below, or just tell "
            "me in your own words what's going on: free text works too."
        ),
        "lang.auto": "Automatic",
        "pin.only_groups": "Pinning works in groups only.",
        "pin.only_admins": "Only administrators of this group can pin answers.",
        "pin.grant": (
            "I can't pin messages here. Make me an administrator with the “Pin messages” "
            "right, then try again."
        ),
        "pin.choose": "Which answer should I pin?",
        "pin.done": "Pinned: {title}",
        "inline.open": "Open the step-by-step guide",
    },
    "id": {
        "cmd.start": "Mulai: pilih situasimu",
        "cmd.guide": "Panduan langkah demi langkah (balas pertanyaan untuk menjawabnya)",
        "cmd.language": "Lihat atau ganti bahasa jawaban",
        "cmd.help": "Apa yang bisa saya bantu",
        "cmd.pin": "Sematkan jawaban di grup ini (admin)",
        "start.title": "Halo! Saya sellerbot.",
        "start.intro": (
            "Saya membantu seller kalau ada masalah dengan order. Pilih situasimu di bawah, "
            "atau ceritakan saja dengan kata-katamu sendiri: teks bebas juga bisa."
        ),
        "lang.auto": "Otomatis",
        "pin.only_groups": "Menyematkan hanya bisa di grup.",
        "pin.only_admins": "Hanya admin grup ini yang bisa menyematkan jawaban.",
        "pin.grant": (
            "Saya tidak bisa menyematkan pesan di sini. Jadikan saya admin dengan izin "
            "“Sematkan pesan”, lalu coba lagi."
        ),
        "pin.choose": "Jawaban mana yang mau disematkan?",
        "pin.done": "Disematkan: {title}",
        "inline.open": "Buka panduan langkah demi langkah",
    },
    "nl": {
        "cmd.start": "Begin: kies je situatie",
        "cmd.guide": "Stap-voor-stap hulp (antwoord op een vraag om die te beantwoorden)",
        "cmd.language": "Bekijk of wijzig de taal waarin ik antwoord",
        "cmd.help": "Waarmee ik kan helpen",
        "cmd.pin": "Een antwoord vastzetten in deze groep (beheerders)",
        "start.title": "Hoi! Ik ben sellerbot.",
        "start.intro": (
            "Ik help verkopers als er iets misgaat met een bestelling. Kies hieronder je "
            "situatie, of vertel in je eigen woorden wat er speelt: gewone tekst werkt ook."
        ),
        "lang.auto": "Automatisch",
        "pin.only_groups": "Vastzetten kan alleen in groepen.",
        "pin.only_admins": "Alleen beheerders van deze groep kunnen antwoorden vastzetten.",
        "pin.grant": (
            "Ik kan hier geen berichten vastzetten. Maak mij beheerder met het recht "
            "“Berichten vastzetten” en probeer het opnieuw."
        ),
        "pin.choose": "Welk antwoord moet ik vastzetten?",
        "pin.done": "Vastgezet: {title}",
        "inline.open": "Open de stap-voor-stap hulp",
    },
}


def text(lang: str, key: str, **params: object) -> str:
    """The adapter text ``key`` in ``lang`` (English if missing), formatted with ``params``."""
    table = TEXTS.get(lang) or TEXTS[FALLBACK]
    template = table.get(key) or TEXTS[FALLBACK][key]
    return template.format(**params) if params else template
