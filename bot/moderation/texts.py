"""Interface text of the moderators' features, per language (en, id, nl).

A small table kept next to the code until these strings move into the gettext catalogs in
``locales/``; :func:`text` falls back to English for a missing language or key.
"""

from __future__ import annotations

FALLBACK = "en"

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "refusal.not_moderator": "Only moderators of this community can do this.",
        "refusal.need_pin_right": "You need the right to pin messages here to do this.",
        "refusal.not_in_community": "This works only in a group or server, not in a private chat.",
        "note.empty": "The note is empty.",
        "note.too_long": "The note is too long ({length} characters; at most {max}).",
        "note.unknown_situation": "There is no situation “{value}”.",
        "note.unknown_language": "The bot does not speak “{value}”.",
        "note.saved": "Note saved.",
        "note.removed": "Note removed.",
        "note.none": "This community has no note there.",
        "lang.community_set": "This community's language is now {language}.",
        "lang.community_follow": "The bot now follows each member's language here.",
        "stats.title": "Stats for this community",
        "stats.last_days": "Last {days} days",
        "stats.total": "Questions: {count}",
        "stats.by_situation": "Per situation",
        "stats.by_language": "Per language",
        "stats.not_placed": "Not placed",
        "stats.helpful": "Helpful answers (last {days} days)",
        "stats.helpful_row": "{helpful} of {total} helpful ({percent}%)",
        "stats.unrouted": "Most frequent questions the bot could not place (last {days} days)",
        "stats.none": "No questions yet.",
        "reminder.message": (
            "Reminder: the buyer's cancellation request will be accepted automatically at "
            "{deadline} unless you respond. Respond or contact support before then."
        ),
        "reminder.late": "(Sent late: the bot was offline when this reminder was due.)",
        "reminder.scheduled": "I will remind you at {when}.",
        "reminder.choice": "Remind me after {hours} h",
        "reminder.bad_choice": "Choose one of: {choices}.",
        "reminder.past": "That time has already passed.",
        "reminder.after_deadline": "That time is after the 48-hour deadline.",
        "reminder.bad_request_time": "That request is too old or not valid any more.",
        "reminder.too_many": "You already have {max} reminders waiting; cancel one first.",
        "reminder.cancelled": "Reminder cancelled.",
        "reminder.not_found": "You have no such reminder waiting.",
        "reminder.none": "You have no reminders waiting.",
        "reminder.list_title": "Your reminders",
        "reminder.row": "#{id}: {when} (deadline {deadline})",
        "log.title": "Moderator actions",
        "log.none": "No moderator actions yet.",
        "pins.none": "The bot has no pinned answers in this chat.",
        "pins.title": "Pinned answers",
        "pins.refreshed": "{edited} pinned answers updated, {forgotten} forgotten, "
        "{failed} failed.",
        "pins.forgotten": "Pinned answer forgotten.",
    },
    "id": {
        "refusal.not_moderator": "Hanya moderator komunitas ini yang dapat melakukan ini.",
        "refusal.need_pin_right": "Anda memerlukan izin menyematkan pesan di sini untuk ini.",
        "refusal.not_in_community": "Ini hanya berfungsi di grup atau server, bukan di obrolan "
        "pribadi.",
        "note.empty": "Catatan kosong.",
        "note.too_long": "Catatan terlalu panjang ({length} karakter; maksimal {max}).",
        "note.unknown_situation": "Tidak ada situasi “{value}”.",
        "note.unknown_language": "Bot tidak berbahasa “{value}”.",
        "note.saved": "Catatan disimpan.",
        "note.removed": "Catatan dihapus.",
        "note.none": "Komunitas ini tidak memiliki catatan di sana.",
        "lang.community_set": "Bahasa komunitas ini sekarang {language}.",
        "lang.community_follow": "Bot sekarang mengikuti bahasa setiap anggota di sini.",
        "stats.title": "Statistik komunitas ini",
        "stats.last_days": "{days} hari terakhir",
        "stats.total": "Pertanyaan: {count}",
        "stats.by_situation": "Per situasi",
        "stats.by_language": "Per bahasa",
        "stats.not_placed": "Tidak dikenali",
        "stats.helpful": "Jawaban yang membantu ({days} hari terakhir)",
        "stats.helpful_row": "{helpful} dari {total} membantu ({percent}%)",
        "stats.unrouted": "Pertanyaan tersering yang tidak dapat dikenali bot ({days} hari "
        "terakhir)",
        "stats.none": "Belum ada pertanyaan.",
        "reminder.message": (
            "Pengingat: permintaan pembatalan dari pembeli akan diterima otomatis pada "
            "{deadline} jika Anda tidak menanggapi. Tanggapi atau hubungi dukungan sebelum itu."
        ),
        "reminder.late": "(Terlambat dikirim: bot sedang offline saat pengingat ini jatuh tempo.)",
        "reminder.scheduled": "Saya akan mengingatkan Anda pada {when}.",
        "reminder.choice": "Ingatkan setelah {hours} jam",
        "reminder.bad_choice": "Pilih salah satu: {choices}.",
        "reminder.past": "Waktu itu sudah lewat.",
        "reminder.after_deadline": "Waktu itu melewati batas 48 jam.",
        "reminder.bad_request_time": "Permintaan itu terlalu lama atau sudah tidak berlaku.",
        "reminder.too_many": "Anda sudah memiliki {max} pengingat yang menunggu; batalkan salah "
        "satu dulu.",
        "reminder.cancelled": "Pengingat dibatalkan.",
        "reminder.not_found": "Anda tidak memiliki pengingat seperti itu.",
        "reminder.none": "Anda tidak memiliki pengingat yang menunggu.",
        "reminder.list_title": "Pengingat Anda",
        "reminder.row": "#{id}: {when} (batas waktu {deadline})",
        "log.title": "Tindakan moderator",
        "log.none": "Belum ada tindakan moderator.",
        "pins.none": "Bot tidak memiliki jawaban yang disematkan di obrolan ini.",
        "pins.title": "Jawaban yang disematkan",
        "pins.refreshed": "{edited} jawaban tersemat diperbarui, {forgotten} dilupakan, "
        "{failed} gagal.",
        "pins.forgotten": "Jawaban tersemat dilupakan.",
    },
    "nl": {
        "refusal.not_moderator": "Alleen moderators van deze community kunnen dit doen.",
        "refusal.need_pin_right": "Hiervoor heb je hier het recht nodig om berichten vast te "
        "pinnen.",
        "refusal.not_in_community": "Dit werkt alleen in een groep of server, niet in een privé"
        "gesprek.",
        "note.empty": "De notitie is leeg.",
        "note.too_long": "De notitie is te lang ({length} tekens; hoogstens {max}).",
        "note.unknown_situation": "Er is geen situatie “{value}”.",
        "note.unknown_language": "De bot spreekt geen “{value}”.",
        "note.saved": "Notitie opgeslagen.",
        "note.removed": "Notitie verwijderd.",
        "note.none": "Deze community heeft daar geen notitie.",
        "lang.community_set": "De taal van deze community is nu {language}.",
        "lang.community_follow": "De bot volgt hier nu de taal van elk lid.",
        "stats.title": "Statistieken van deze community",
        "stats.last_days": "Laatste {days} dagen",
        "stats.total": "Vragen: {count}",
        "stats.by_situation": "Per situatie",
        "stats.by_language": "Per taal",
        "stats.not_placed": "Niet geplaatst",
        "stats.helpful": "Nuttige antwoorden (laatste {days} dagen)",
        "stats.helpful_row": "{helpful} van {total} nuttig ({percent}%)",
        "stats.unrouted": "Vaakst gestelde vragen die de bot niet kon plaatsen (laatste {days} "
        "dagen)",
        "stats.none": "Nog geen vragen.",
        "reminder.message": (
            "Herinnering: het annuleringsverzoek van de koper wordt op {deadline} automatisch "
            "geaccepteerd als je niet reageert. Reageer of neem vóór dat moment contact op met "
            "support."
        ),
        "reminder.late": "(Te laat verstuurd: de bot was offline toen deze herinnering verstuurd "
        "moest worden.)",
        "reminder.scheduled": "Ik herinner je eraan op {when}.",
        "reminder.choice": "Herinner me na {hours} uur",
        "reminder.bad_choice": "Kies een van: {choices}.",
        "reminder.past": "Dat moment is al voorbij.",
        "reminder.after_deadline": "Dat moment ligt na de deadline van 48 uur.",
        "reminder.bad_request_time": "Dat verzoek is te oud of niet meer geldig.",
        "reminder.too_many": "Je hebt al {max} wachtende herinneringen; annuleer er eerst een.",
        "reminder.cancelled": "Herinnering geannuleerd.",
        "reminder.not_found": "Je hebt zo'n wachtende herinnering niet.",
        "reminder.none": "Je hebt geen wachtende herinneringen.",
        "reminder.list_title": "Je herinneringen",
        "reminder.row": "#{id}: {when} (deadline {deadline})",
        "log.title": "Acties van moderators",
        "log.none": "Nog geen acties van moderators.",
        "pins.none": "De bot heeft in deze chat geen vastgepinde antwoorden.",
        "pins.title": "Vastgepinde antwoorden",
        "pins.refreshed": "{edited} vastgepinde antwoorden bijgewerkt, {forgotten} vergeten, "
        "{failed} mislukt.",
        "pins.forgotten": "Vastgepind antwoord vergeten.",
    },
}


def text(lang: str, key: str, **params: object) -> str:
    """Return the text ``key`` in ``lang`` (English if missing), with ``params`` filled in.

    Args:
        lang: Language code.
        key: Message key, e.g. ``"stats.title"``.
        **params: Values for the ``{placeholders}``.

    Raises:
        KeyError: If the key exists in no language (a programming error).
    """
    table = TEXTS.get(lang, TEXTS[FALLBACK])
    template = table.get(key) or TEXTS[FALLBACK][key]
    return template.format(**params) if params else template
