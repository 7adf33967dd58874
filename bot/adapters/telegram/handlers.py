"""Update handlers: each turns one kind of update into Assistant calls and messages."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace

from telegram import (
    CallbackQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import metrics
from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram import moderation as mod
from bot.adapters.telegram.community import Community, refusal_text
from bot.adapters.telegram.convert import (
    addressed_text,
    is_private,
    member_of,
    message_text,
    place_of,
    sender_of,
)
from bot.adapters.telegram.keyboards import (
    AdapterAction,
    carries,
    is_menu,
    keyboard,
    parse_adapter_token,
)
from bot.adapters.telegram.messages import OutMessage, Renderer, plain
from bot.adapters.telegram.reminding import Reminders
from bot.adapters.telegram.sender import edit, reply, send, thread_of
from bot.adapters.telegram.texts import text
from bot.assistant import Assistant, Member, Place
from bot.core import actions, situations
from bot.core.answer import Answer, AnswerKind, Choice, ChoiceKind
from bot.moderation import Moderation, Refused, ReminderService, tokens
from bot.moderation.texts import text as mod_text

log = logging.getLogger(__name__)

#: Answered messages remembered for their edits.
ANSWERED_MEMORY = 4096

Context = ContextTypes.DEFAULT_TYPE
MAX_INLINE_RESULTS = 50
MAX_CALLBACK_TEXT = 200
#: ``/start more-<situation>_<lang>``: the answers offered after "not helpful" on a guide sent
#: inline (an inline message has no chat to answer in, so the vote opens the private chat).
MORE = "more-"
#: How a member undoes a saved language on Telegram (named in the confirmation).
UNDO_LANGUAGE = "/language auto"


class Handlers:
    """The bot's behaviour on Telegram, one method per kind of update."""

    def __init__(self, assistant: Assistant, reminders: ReminderService | None = None) -> None:
        """Args: the assistant, and the reminder service (one per process; see run.py)."""
        self.assistant = assistant
        self.render = Renderer(assistant)
        service = reminders or ReminderService(assistant.repo, platform=PLATFORM)
        self.reminders = Reminders(assistant, service)
        self.moderation = Moderation(assistant.core, assistant.repo, now=service.clock.now)
        self.community = Community(assistant, self.render, self.moderation)
        # (chat, message) -> (question, what it was answered with), for edits: an edit that
        # changes neither gets no second answer (bounded; after a restart, edits are answered)
        self._answered: OrderedDict[tuple[int, int], tuple[str, tuple[object, ...]]] = OrderedDict()

    @staticmethod
    def _shown(answer: Answer) -> tuple[object, ...]:
        return (answer.kind, answer.situation, answer.title)

    def _answered_so(self, message: Message, question: str, answer: Answer | None) -> bool:
        """Whether this message was answered already, for this question or with this answer."""
        before = self._answered.get((message.chat_id, message.message_id))
        if before is None:
            return False
        return before[0] == question or (answer is not None and before[1] == self._shown(answer))

    def _remember(self, message: Message, question: str, answer: Answer) -> None:
        key = (message.chat_id, message.message_id)
        self._answered[key] = (question, self._shown(answer))
        self._answered.move_to_end(key)
        if len(self._answered) > ANSWERED_MEMORY:
            self._answered.popitem(last=False)

    # -- helpers --------------------------------------------------------------------------
    async def _reply(self, message: Message, outs: list[OutMessage], ctx: Context) -> None:
        """Answer a message: in groups as a reply to it, in private chats plainly."""
        await reply(ctx.bot, message, outs)

    def _outs(self, answer: Answer) -> list[OutMessage]:
        """An answer as messages, with the reminder buttons under the cancel-request guide."""
        return self.reminders.attach(answer, self.render(answer))

    async def _answer(self, message: Message, answer: Answer, ctx: Context) -> None:
        await self._reply(message, self._outs(answer), ctx)

    async def _lang(self, member: Member, place: Place) -> str:
        return await self.assistant.language(member, place)

    # -- commands -------------------------------------------------------------------------
    async def start(self, update: Update, ctx: Context) -> None:
        """/start: a greeting and the situations; ``/start <situation>[_<lang>]`` opens one,
        ``/start more-<situation>[_<lang>]`` offers the others (after "not helpful")."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        member, place = sender_of(message), place_of(message.chat)
        if ctx.args:
            sid, _, lang = ctx.args[0].lower().partition("_")
            if sid.startswith(MORE) and situations.get(sid.removeprefix(MORE)):
                core = self.assistant.core
                lang = lang if lang in core.languages else await self._lang(member, place)
                await self._answer(message, core.unhelpful(sid.removeprefix(MORE), lang), ctx)
                return
            if situations.get(sid):
                answer = await self.assistant.situation(sid, member, place, lang=lang or None)
                await self._answer(message, answer, ctx)
                return
        lang = await self._lang(member, place)
        menu = self.assistant.core.situation_menu(lang, "situations")
        greeting = replace(menu, title=text(lang, "start.title"), intro=text(lang, "start.intro"))
        await self._answer(message, greeting, ctx)

    async def help(self, update: Update, ctx: Context) -> None:
        """/help: what the bot does, with the situations as buttons."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        answer = await self.assistant.help(sender_of(message), place_of(message.chat))
        await self._answer(message, answer, ctx)

    async def language(self, update: Update, ctx: Context) -> None:
        """/language [code]: save the member's language, or show it with buttons to change it."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        member, place = sender_of(message), place_of(message.chat)
        if ctx.args:
            answer = await self.assistant.set_language(
                member, place, " ".join(ctx.args), undo=UNDO_LANGUAGE
            )
            await self._answer(message, answer, ctx)
            return
        status = await self.assistant.language_status(member, place)
        core = self.assistant.core
        choices = [Choice(AdapterAction("lang", code).token,
                          core.catalogs.language_label(code, status.lang), ChoiceKind.LANGUAGE)
                   for code in core.languages]  # fmt: skip
        choices.append(
            Choice(
                AdapterAction("lang", "auto").token,
                text(status.lang, "lang.auto"),
                ChoiceKind.LANGUAGE,
            )
        )
        await self._reply(message, [plain(status.title, keyboard(choices))], ctx)

    async def guide(self, update: Update, ctx: Context) -> None:
        """/guide: as a reply, answer the replied-to question; with words, answer them;
        alone, start the decision steps."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        place = place_of(message.chat)
        question = message.reply_to_message
        asked = message_text(question) if question is not None else None
        if (
            question is not None
            and asked
            and question.from_user is not None
            and question.from_user.id != ctx.bot.id
        ):
            answer = await self.assistant.ask(asked, sender_of(question), place)
            await send(
                ctx.bot,
                message.chat_id,
                self._outs(answer),
                reply_to=question.message_id,
                thread_id=thread_of(message),
            )
            if not is_private(message.chat):
                await self._delete(message)
            return
        member = sender_of(message)
        if ctx.args:
            answer = await self.assistant.ask(" ".join(ctx.args), member, place)
        else:
            answer = await self.assistant.start_walk(member, place)
        await self._answer(message, answer, ctx)

    async def _delete(self, message: Message) -> None:
        """Delete a command message where the bot has the right; otherwise leave it."""
        try:
            await message.delete()
        except TelegramError as exc:
            log.debug("command message kept: %s", exc)

    async def pin(self, update: Update, ctx: Context) -> None:
        """/pin <situation> [lang]: administrators only; without a situation, offer buttons."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        member, place = sender_of(message), place_of(message.chat)
        lang = await self._lang(member, place)
        if is_private(message.chat):
            await self._reply(message, [plain(text(lang, "pin.only_groups"))], ctx)
            return
        admin = mod.sent_by_chat_admin(message) or await mod.is_admin(
            ctx.bot, message.chat_id, message.from_user.id
        )
        if not admin:
            said = "pin.only_admins" if admin is False else "refusal.rights_unknown"
            await self._reply(message, [plain(_admin_text(lang, said))], ctx)
            return
        sid, pin_lang = mod.parse_args(ctx.args or (), self.assistant.core.languages)
        if sid is None:
            markup = keyboard(mod.chooser(self.assistant, pin_lang or lang))
            await self._reply(message, [plain(text(lang, "pin.choose"), markup)], ctx)
            return
        problem = await mod.pin_answer(
            self.moderation,
            self.assistant,
            self.render,
            ctx.bot,
            message.chat,
            member,
            sid,
            pin_lang,
            lang,
            thread_of(message),
        )
        if problem:
            await self._reply(message, [plain(problem)], ctx)

    async def reminders_command(self, update: Update, ctx: Context) -> None:
        """/reminders: the member's deadline reminders, with buttons to cancel them."""
        await self.reminders.command(update, ctx.bot)

    # -- messages -------------------------------------------------------------------------
    async def message(self, update: Update, ctx: Context) -> None:
        """Any other message: answered in private chats; in groups only when addressed."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        if message.from_user.is_bot and not mod.sent_by_chat_admin(message):
            return  # other bots (an anonymous administrator posts as GroupAnonymousBot)
        if message.via_bot is not None and message.via_bot.id == ctx.bot.id:
            return  # an answer someone sent through inline mode
        member, place = sender_of(message), place_of(message.chat)
        if is_private(message.chat):
            question = message_text(message)
            if question is None:
                # The photos of an album come one message each, the caption on one of them:
                # the captioned one is answered, the others need no "ask me" notice each.
                if update.edited_message is None and message.media_group_id is None:
                    lang = await self._lang(member, place)
                    await self._answer(message, self.assistant.core.notice(lang, "ui.empty"), ctx)
                return
        else:
            question = addressed_text(message, ctx.bot.username, ctx.bot.id)
            if question is None:
                return  # group chatter
            if not question:
                await self._answer(message, await self.assistant.help(member, place), ctx)
                return
        edited = update.edited_message is not None
        if edited and self._answered_so(message, question, None):
            return  # an edit that left the question as it was (a typo, a link preview)
        answer = await self.assistant.ask(question, member, place)
        if edited and self._answered_so(message, question, answer):
            return  # edited, but the answer is the one already given
        if edited:
            # An edited question gets a fresh answer, quoting the edited message.
            await send(
                ctx.bot,
                message.chat_id,
                self._outs(answer),
                reply_to=message.message_id,
                thread_id=thread_of(message),
            )
        else:
            await self._answer(message, answer, ctx)
        self._remember(message, question, answer)

    async def migrate(self, update: Update, ctx: Context) -> None:
        """A group upgraded to a supergroup gets a new chat id (Telegram says so in both
        chats): its language, notes, pins and statistics follow it."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = message.chat_id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old, new = message.migrate_from_chat_id, message.chat_id
        else:
            return
        await self.assistant.repo.move_community(PLATFORM, str(old), str(new))

    # -- buttons --------------------------------------------------------------------------
    async def callback(self, update: Update, ctx: Context) -> None:
        """A button press. Always answered, so the client never spins; never raises."""
        query = update.callback_query
        if query is None:
            return
        notice: str | None = None
        url: str | None = None
        try:
            adapter_action = parse_adapter_token(query.data)
            own = tokens.parse(query.data if isinstance(query.data, str) else None)
            if adapter_action is not None:
                notice = await self._adapter_button(update, adapter_action, ctx)
            elif own is not None:
                notice, url = await self._moderation_button(update, own, ctx)
            else:
                notice, url = await self._core_button(update, ctx)
        except Refused as refusal:  # every button's refusal, shown where it was pressed
            notice = refusal_text(refusal, await self._pressers_lang(query))
        except TelegramError as exc:
            log.warning("callback %s failed: %s", query.data, exc)
        finally:
            try:
                await query.answer(notice[:MAX_CALLBACK_TEXT] if notice else None, url=url)
            except TelegramError as exc:
                log.info("answerCallbackQuery failed: %s", exc)

    async def _pressers_lang(self, query: CallbackQuery) -> str:
        """The language a button's notice is in: the button's own, else the presser's."""
        own = tokens.parse(query.data if isinstance(query.data, str) else None)
        if own is not None and own.lang in self.assistant.core.languages:
            return own.lang
        chat = query.message.chat if query.message is not None else None
        return await self._lang(member_of(query.from_user), place_of(chat))

    async def _moderation_button(
        self,
        update: Update,
        token: tokens.RemindToken | tokens.CancelToken | tokens.ModToken,
        ctx: Context,
    ) -> tuple[str | None, str | None]:
        """Reminder buttons (anyone, for themselves) and moderator buttons (checked anew)."""
        query = update.callback_query
        assert query is not None
        message = query.message if isinstance(query.message, Message) else None
        if isinstance(token, tokens.ModToken):
            return await self.community.button(update, ctx, token), None
        if isinstance(token, tokens.RemindToken):
            toast = await self.reminders.remind(ctx.bot, query.from_user, message, token)
        else:
            toast = await self.reminders.cancel(ctx.bot, query.from_user, message, token)
        return toast.text, toast.url

    async def _core_button(self, update: Update, ctx: Context) -> tuple[str | None, str | None]:
        """A core button: the notice to show (a toast), and a t.me link to open, if any."""
        query = update.callback_query
        assert query is not None
        member = member_of(query.from_user)
        message = query.message if isinstance(query.message, Message) else None
        chat = message.chat if message is not None else None
        place = place_of(chat)
        if message is not None:
            ref = f"{message.chat_id}:{message.message_id}"
        else:
            ref = f"inline:{query.inline_message_id}"
        token = query.data if isinstance(query.data, str) else ""
        answer = await self.assistant.press(token, member, place, answer_ref=ref)
        if answer.kind == AnswerKind.NOTICE:
            return answer.title, None  # "Thanks for the feedback!"
        thanks = None
        if answer.kind == AnswerKind.UNHELPFUL:  # "not helpful": the other answers, under the guide
            thanks = self.assistant.core.t(answer.lang, "ui.helpful.thanks")
            action = actions.parse(token)
            if message is None and action is not None:  # inline: offered in the private chat
                sid = actions.vote_of(action.arg)[0]
                return thanks, f"https://t.me/{ctx.bot.username}?start={MORE}{sid}_{answer.lang}"
        if answer.kind == AnswerKind.STALE:
            try:
                if message is not None and is_menu(message.reply_markup):
                    await edit(ctx.bot, message, self.render(answer))
                elif message is not None and is_private(chat):
                    await send(ctx.bot, message.chat_id, self.render(answer))
            except TelegramError as exc:
                log.warning("fresh menu not shown: %s", exc)
            return answer.intro, None  # "This menu is out of date."
        if message is None:
            return None, None  # inline messages carry only feedback buttons
        action = actions.parse(token)
        # Edit in place only a menu or step, or the walk whose own button was pressed: Telegram
        # sends presses on old messages without their keyboard, and a client can send any
        # data; a guide (a pinned one above all) must not be replaced by someone's press.
        walks_here = (
            action is not None and action.verb == "w" and carries(message.reply_markup, token)
        )
        in_place = walks_here or is_menu(message.reply_markup)
        outs = self._outs(answer)
        if in_place:
            await edit(ctx.bot, message, outs)
        else:
            await send(ctx.bot, message.chat_id, outs, thread_id=thread_of(message))
        return thanks, None

    async def _adapter_button(self, update: Update, action: AdapterAction, ctx: Context) -> str:
        query = update.callback_query
        assert query is not None
        member = member_of(query.from_user)
        message = query.message if isinstance(query.message, Message) else None
        chat = message.chat if message is not None else None
        place = place_of(chat)
        if action.verb == "lang":
            value = None if action.arg == "auto" else action.arg
            answer = await self.assistant.set_language(member, place, value, undo=UNDO_LANGUAGE)
            if message is not None and is_private(chat):
                await edit(ctx.bot, message, [plain(answer.title)])
            return answer.title
        if action.verb == "glang":
            return await self.community.language_button(update, ctx, action)
        lang = await self._lang(member, place)
        if message is None or chat is None or is_private(chat):
            return text(lang, "pin.only_groups")
        admin = await mod.is_admin(ctx.bot, chat.id, query.from_user.id)
        if not admin:
            return _admin_text(
                lang, "pin.only_admins" if admin is False else "refusal.rights_unknown"
            )
        if not situations.get(action.arg):
            return self.assistant.core.t(lang, "ui.stale")
        problem = await mod.pin_answer(
            self.moderation,
            self.assistant,
            self.render,
            ctx.bot,
            chat,
            member,
            action.arg,
            action.lang,
            lang,
            thread_of(message),
        )
        if problem:
            return problem
        title = self.assistant.core.t(action.lang or lang, f"{action.arg}.title")
        await edit(ctx.bot, message, [plain(text(lang, "pin.done", title=title))])
        return text(lang, "pin.done", title=title)

    # -- inline mode ----------------------------------------------------------------------
    async def inline(self, update: Update, ctx: Context) -> None:
        """Inline mode: matching answers in the member's language, ready to send."""
        query = update.inline_query
        if query is None:
            return
        member = member_of(query.from_user)
        answers = await self._suggest(query.query, member)
        results = []
        for answer in answers[:MAX_INLINE_RESULTS]:
            outs = self.render(replace(answer, choices=()))
            first = outs[0] if len(outs) == 1 else OutMessage(outs[0].text, outs[-1].markup)
            results.append(
                InlineQueryResultArticle(
                    id=f"{answer.situation}.{answer.lang}",
                    title=answer.title,
                    description=_shorten(answer.intro, 120),
                    input_message_content=InputTextMessageContent(
                        first.text, parse_mode=ParseMode.HTML
                    ),
                    reply_markup=first.markup,
                )
            )
        lang = answers[0].lang if answers else await self._lang(member, Place(PLATFORM))
        try:
            await query.answer(
                results,
                cache_time=300,
                is_personal=True,
                button=InlineQueryResultsButton(
                    text(lang, "inline.open"), start_parameter="inline"
                ),
            )
        except BadRequest as exc:
            # "Query is too old": the member typed on, or we were slow; a newer query follows.
            log.info("inline query not answered: %s", exc)

    async def _suggest(self, words: str, member: Member) -> list[Answer]:
        """The situations matching ``words``, best first, then the rest.

        Routed with the core directly: nothing is recorded for every keystroke.
        """
        place = Place(PLATFORM)
        core = self.assistant.core
        ctx = await self.assistant.context(member, place)
        first: list[str] = []
        words = words.strip()
        if words:
            reply = core.ask(words, ctx)
            lang = reply.answer.lang
            if reply.answer.situation:
                first = [reply.answer.situation]
            elif reply.answer.kind == AnswerKind.UNSURE:
                for choice in reply.answer.choices:
                    action = actions.parse(choice.token)
                    if action is not None and action.verb == "s":
                        first.append(action.arg)
        else:
            lang = core.choose_language(None, ctx).lang
        order = first + [s.id for s in situations.SITUATIONS if s.id not in first]
        return [core.situation(sid, lang) for sid in order]

    # -- errors ---------------------------------------------------------------------------
    async def error(self, update: object, ctx: Context) -> None:
        """A command's refusal becomes the reply, in the member's language; any other error
        a handler raised is logged, and the bot keeps running."""
        message = update.effective_message if isinstance(update, Update) else None
        if isinstance(ctx.error, Refused) and message is not None:
            log.info("moderator action refused", extra={"why": ctx.error.code})
            lang = await self._lang(sender_of(message), place_of(message.chat))
            await reply(ctx.bot, message, [plain(refusal_text(ctx.error, lang))])
            return
        update_id = update.update_id if isinstance(update, Update) else None
        metrics.ERRORS.labels(PLATFORM).inc()
        log.error("update %s failed", update_id, exc_info=ctx.error)


def _admin_text(lang: str, key: str) -> str:
    """ "Only administrators" (the Telegram text), or "could not check your rights, try again"
    (the moderators' shared text)."""
    return mod_text(lang, key) if key.startswith("refusal.") else text(lang, key)


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
