"""Playing the demo: the stand-in, the bot polling it, a round, and the people in the chats.

The stand-in (:mod:`devtools.standin`) serves the Bot API over HTTP on 127.0.0.1, and the bot
built by :func:`bot.app.build_application` long-polls it with :func:`bot.polling.serve`,
exactly as ``themabot run`` polls Telegram. The colleagues and the coordinator are chat users
(:class:`~devtools.chat.ChatUser` over :class:`~devtools.transports.PollingTelegram`): each
action returns once the bot has handled it, so every reply is there to read.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from telegram.ext import Application

from bot.app import build_application
from bot.callbacks import Action
from bot.context import BotContext
from bot.polling import serve
from bot.settings import Settings
from conversations.template import Question, QuestionKind, Theme, load_template
from conversations.texts import Catalogue, catalogue, plain
from devtools.chat import ChatUser, NoReply
from devtools.demo.reading import actions, button_data, choice_data, is_question, last_step
from devtools.demo.script import DemoColleague, DemoError, load_script
from devtools.demo.terminal import ProgressBar, collected_logs, one_line
from devtools.standin import BotMessage, FakeBotAPI, file_base_url, serve_http
from devtools.transports import PollingTelegram
from reports import FORMATS as DOCUMENT_FORMATS
from storage import Store, open_store

__all__ = ["Demo", "DemoResult", "run_demo"]

TEMPLATE_KEY = "ivp"
FORMATS = tuple(DOCUMENT_FORMATS)  # in this order; the first one's caption is the summary
BOT_USERNAME = "themabot_demo_bot"
# PTB's builder wants a well-formed token; the stand-in accepts any.
DEMO_TOKEN = "1234567890:themabot-demo-token-not-for-telegram"
COORDINATOR_ID = 70001
FIRST_COLLEAGUE_ID = 70101
# A reply takes milliseconds; the bound only turns a bot that never answers into a clear error.
REPLY_TIMEOUT = 15.0
TOTAL_TIMEOUT = 55.0
START_POLL_INTERVAL = 0.005
LOG_FILE = "demo.log"


@dataclass
class DemoResult:
    """What the coordinator got from the bot at the end."""

    progress: list[str] = field(default_factory=list)
    """The /progress reply as the coordinator reads it, one entry per message."""
    documents: dict[str, Path] = field(default_factory=dict)
    """Format -> the file the document was written to."""
    summary: str = ""
    """The caption that came with the first document."""


class Demo:
    """One run: a stand-in, the bot polling it, a round, and the people in the chats."""

    def __init__(self, output: Path, out: TextIO) -> None:
        self.output = output
        self.out = out
        self.api = FakeBotAPI(username=BOT_USERNAME, first_name="Themabot (demo)")
        self.errors: list[BaseException] = []
        self.telegram = PollingTelegram(self.api, timeout=REPLY_TIMEOUT, errors=self.errors)
        self.template = load_template(TEMPLATE_KEY)
        self.script = load_script(self.template)
        self.texts: Catalogue = catalogue(self.template.language)

    def say(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    async def run(self, workdir: Path) -> DemoResult:
        """Runs the whole demo; raises DemoError when anything does not go as a user expects."""
        async with AsyncExitStack() as stack:
            runner, base_url = await serve_http(self.api)
            stack.push_async_callback(runner.cleanup)
            self.say(f"Bot API stand-in on {base_url} (nothing leaves this machine)")

            store = await open_store(workdir / "themabot-demo.db")
            stack.push_async_callback(store.close)
            tokens = await self._set_up_round(store)

            settings = Settings(
                _env_file=None,
                token=DEMO_TOKEN,
                api_url=base_url,
                file_url=file_base_url(base_url),
                db=str(workdir / "themabot-demo.db"),
                coordinators=[COORDINATOR_ID],
                timezone="Europe/Amsterdam",
                language="nl",
                send_rate=0,  # not paced: the pace guards Telegram's limits; this server is ours
            )
            app = build_application(settings, store, documents="thread")
            app.add_error_handler(self._record_error)

            async def settled() -> None:
                # The bot runs here: it can say exactly when an update has been handled.
                pipeline = app.bot_data.services.pipeline
                assert pipeline is not None
                await pipeline.settled()

            self.telegram.settled = settled
            await stack.enter_async_context(_polling(app, self.errors))
            self.say(f"The bot is polling as @{app.bot.username}.\n")

            await self._colleagues_answer(tokens)
            return await self._coordinator_asks()

    async def _set_up_round(self, store: Store) -> list[str]:
        """Creates the round and one invite per colleague; returns their tokens in order."""
        now = datetime.now(UTC)
        deadline = date.today() + timedelta(weeks=6)
        async with store.write() as tx:
            # Reminders off: they run on the real clock and would only add noise to the chats.
            round_ = await tx.create_round(
                self.script.round_name, self.template, deadline, now, reminders_enabled=False
            )
            tokens = []
            for colleague in self.script.colleagues:
                _, token = await tx.create_invite(round_.id, colleague.name, colleague.themes, now)
                tokens.append(token)
        self.say(f"Round {round_.id}: {round_.name} ({self.template.title}).")
        self.say(f"Coordinator: {self.script.coordinator}. Invited:")
        for colleague in self.script.colleagues:
            titles = ", ".join(self._theme(k).title for k in colleague.themes)
            self.say(f"  • {colleague.name}, {colleague.role}: {titles}")
        return tokens

    def _theme(self, key: str) -> Theme:
        theme = self.template.theme(key)
        assert theme is not None  # load_script checked every key
        return theme

    async def _record_error(self, _update: object, context: BotContext) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    def _person(self, user_id: int, name: str) -> ChatUser:
        first, _, last = name.partition(" ")
        return self.telegram.user(user_id, first, last_name=last or None)

    # --- acting, with failures as one line ------------------------------------------------

    @contextmanager
    def _failing_as_demo(self, person: ChatUser, what: str) -> Iterator[None]:
        """Turns whatever stops a conversation into a DemoError naming who waited for what."""
        try:
            yield
        except NoReply as late:
            raise DemoError(str(late)) from None
        except Exception as error:
            if not any(error is reported for reported in self.errors):
                raise
            raise DemoError(
                f"the bot raised {type(error).__name__}: {error} "
                f"(while {person.name} waited for a reply to their {what})"
            ) from error

    async def _act(self, person: ChatUser, what: str, action: Awaitable[object]) -> None:
        with self._failing_as_demo(person, what):
            await action

    async def _press(self, person: ChatUser, message: BotMessage, data: str, what: str) -> None:
        """Presses a button under ``message``; the bot must answer the press, as Telegram wants."""
        await self._act(person, what, person.press_data(data, message_id=message.message_id))
        try:
            _ = person.last_callback_answer  # raises when the bot did not answer the query
        except AssertionError:
            # A Telegram client keeps a spinner on a button whose press was never answered.
            raise DemoError(f"the bot left {person.name}'s {what} unanswered") from None

    def _next_step(self, person: ChatUser, what: str) -> BotMessage:
        """The next question or the review the bot showed in answer to ``what``."""
        new = person.new_replies
        step = last_step(new)
        if step is None:
            last = new[-1].shown if new else "nothing"
            raise DemoError(
                f"no fitting reply to {person.name}'s {what} (the bot's last reply: "
                f"{one_line(last)})"
            )
        return step

    # --- the colleagues -------------------------------------------------------------------

    async def _colleagues_answer(self, tokens: Sequence[str]) -> None:
        """Lets every colleague answer in their own chat, all at once, with a progress bar."""
        bar = ProgressBar(self.script.planned_answers(), self.out)
        self.say("The colleagues open their invite links and answer:")
        try:
            async with asyncio.TaskGroup() as group:
                for number, (colleague, token) in enumerate(
                    zip(self.script.colleagues, tokens, strict=True)
                ):
                    person = self._person(FIRST_COLLEAGUE_ID + number, colleague.name)
                    group.create_task(self._intake(person, colleague, token, bar))
        except* DemoError as failed:
            if bar.live:
                self.out.write("\n")
            raise failed.exceptions[0] from None
        bar.finish()
        for colleague in self.script.colleagues:
            if colleague.stop_after is not None:
                outcome = f"stopped after {colleague.planned_answers()} answers (unfinished)"
            elif colleague.submit:
                outcome = "answered and pressed Insturen"
            else:
                outcome = "answered everything, not sent in yet"
            self.say(f"  {colleague.name}: {outcome}")

    async def _intake(
        self, person: ChatUser, colleague: DemoColleague, token: str, bar: ProgressBar
    ) -> None:
        """Plays one colleague: opens the invite, answers or skips each question, submits."""
        await self._act(person, "invite link", person.send(f"/start {token}"))
        step = self._next_step(person, "invite link")
        given = 0
        asked: set[tuple[str, str]] = set()
        while is_question(step):
            if colleague.stop_after is not None and given >= colleague.stop_after:
                return
            theme, question = self._identify(step, colleague)
            if (theme.key, question.key) in asked:
                raise DemoError(
                    f"the bot asked {colleague.name} {question.key!r} for {theme.title!r} twice: "
                    f"{one_line(step.shown)}"
                )
            asked.add((theme.key, question.key))
            answer = colleague.answer(theme.key, question.key)
            what = f"answer to {question.key!r} ({theme.key})"
            if answer is None:
                what = f"skip of {question.key!r}"
                data = button_data(step, lambda _label, action: action is Action.SKIP)
                assert data is not None  # is_question saw it
                await self._press(person, step, data, what)
            elif question.kind is QuestionKind.CHOICE:
                data = choice_data(step, answer)
                if data is None:
                    raise DemoError(f"no button for {answer!r} under {one_line(step.shown)}")
                await self._press(person, step, data, what)
            else:
                await self._act(person, what, person.send(answer))
            if answer is not None:
                given += 1
                bar.advance()
            step = self._next_step(person, what)
        if colleague.submit:
            await self._submit(person, step)

    def _identify(self, message: BotMessage, colleague: DemoColleague) -> tuple[Theme, Question]:
        """Reads which theme and question a question message asks, as the colleague would."""
        # The header reads "Thema 1/2 · <title> — vraag 3/7"; a saved-note may come before it.
        theme = next(
            (
                self._theme(key)
                for key in colleague.themes
                if f" {self._theme(key).title} — " in message.shown
            ),
            None,
        )
        if theme is None:
            raise DemoError(
                f"{colleague.name} got a question about an unexpected theme: "
                f"{one_line(message.shown)}"
            )
        matches = [q for q in self.template.questions_for(theme.key) if q.text in message.shown]
        if not matches:
            raise DemoError(f"{colleague.name} got an unknown question: {one_line(message.shown)}")
        return theme, max(matches, key=lambda q: len(q.text))

    async def _submit(self, person: ChatUser, footer: BotMessage) -> None:
        """Presses Insturen in the review (and Toch insturen if the bot asks to confirm)."""
        submitted = plain(self.texts("submitted"))
        label = self.texts.button("submit")
        data = button_data(footer, lambda _label, action: action is Action.SUBMIT)
        if data is None:
            raise DemoError(f"no {label} button in {person.name}'s review")
        await self._press(person, footer, data, f"press on {label}")
        new = person.new_replies
        if any(submitted in m.shown for m in new):
            return
        confirm = next((m for m in new if Action.SUBMIT_ANYWAY in actions(m)), None)
        confirm_data = None
        if confirm is not None:
            confirm_data = button_data(
                confirm, lambda _label, action: action is Action.SUBMIT_ANYWAY
            )
        if confirm is None or confirm_data is None:
            last = new[-1].shown if new else "nothing"
            raise DemoError(f"{person.name}'s {label} was not taken: {one_line(last)}")
        label = self.texts.button("submit_anyway")
        await self._press(person, confirm, confirm_data, f"press on {label}")
        if not any(submitted in m.shown for m in person.new_replies):
            raise DemoError(f"{person.name}'s {label} did not submit: {person.last_reply}")

    # --- the coordinator ------------------------------------------------------------------

    async def _coordinator_asks(self) -> DemoResult:
        """Asks /progress and /overview in every format; saves the documents."""
        coordinator = self._person(COORDINATOR_ID, self.script.coordinator)
        result = DemoResult()
        self.say(f"\n{self.script.coordinator} (coordinator) asks the bot for /progress:")
        await self._act(coordinator, "/progress", coordinator.send("/progress"))
        # A long progress comes in several messages.
        result.progress = [m.shown for m in coordinator.new_replies]
        for chunk in result.progress:
            for line in chunk.splitlines():
                self.say(f"  │ {line}")

        self.output.mkdir(parents=True, exist_ok=True)
        self.say(f"\n/overview in {len(FORMATS)} formats, as the bot sent them:")
        documents: dict[str, BotMessage] = {}
        for fmt in FORMATS:
            command = f"/overview {fmt}"
            await self._act(coordinator, command, coordinator.send(command))
            documents[fmt] = _document(coordinator.new_replies, command)
        for fmt in FORMATS:
            message = documents[fmt]
            assert message.document is not None
            filename, content = message.document
            path = self.output / Path(filename).name
            path.write_bytes(content)
            result.documents[fmt] = path
            self.say(f"  {fmt:<5} {path}  ({len(content):,} bytes)")
        result.summary = documents[FORMATS[0]].plain_caption or ""
        return result


def _document(new: list[BotMessage], what: str) -> BotMessage:
    """The document among the bot's reply; DemoError naming the reply when there is none."""
    for message in new:
        if message.document is not None:
            return message
    raise DemoError(f"{what} sent no document: {one_line(new[-1].shown if new else '')}")


@asynccontextmanager
async def _polling(
    app: Application[Any, Any, Any, Any, Any, Any], errors: list[BaseException]
) -> AsyncIterator[None]:
    """Runs the bot as ``themabot run`` does (:func:`bot.polling.serve`) until the block ends.

    Polling that ends before that (Ctrl+C, or a crash) is put in ``errors``, so whoever waits
    for a reply stops at once; start-up errors are raised here.
    """
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, stop))
    leaving = False

    def ended(task: asyncio.Task[None]) -> None:
        if not leaving:
            error = None if task.cancelled() else task.exception()
            errors.append(error or DemoError("the bot stopped polling (interrupted)"))

    serving.add_done_callback(ended)
    try:
        while not app.running:  # serve() has started the Application: polling follows at once
            if serving.done():
                serving.result()  # raises why the bot did not start
                raise DemoError("the bot stopped before it started polling")
            await asyncio.sleep(START_POLL_INTERVAL)
        yield
    finally:
        leaving = True
        stop.set()  # ends a waiting long poll at once
        await serving


async def run_demo(output: Path, out: TextIO | None = None) -> int:
    """Runs the demo and writes the overview in every format to ``output``.

    Returns 0 when the bot did everything a user expects; otherwise prints one line saying what
    went wrong to stderr, writes the bot's log to ``output/demo.log`` and returns 1.
    """
    out = out or sys.stdout
    started = time.monotonic()
    records: list[str] = []
    out.write("themabot demo: the real bot, a local Bot API stand-in, no Telegram.\n")
    try:
        with collected_logs(records), tempfile.TemporaryDirectory(prefix="themabot-demo-") as tmp:
            demo = Demo(output, out)
            async with asyncio.timeout(TOTAL_TIMEOUT):
                result = await demo.run(Path(tmp))
    except TimeoutError:
        return _fail(output, records, f"did not finish within {TOTAL_TIMEOUT:.0f} s")
    except DemoError as exc:
        return _fail(output, records, str(exc))
    except Exception as exc:  # one clear line for the user; the traceback goes to the log
        records.append(traceback.format_exc())
        cause = _first_leaf(exc)
        return _fail(output, records, f"{type(cause).__name__}: {cause}")
    if result.summary:
        out.write("\nThe bot's summary:\n")
        for line in result.summary.splitlines():
            out.write(f"  {line}\n")
    with contextlib.suppress(FileNotFoundError):
        # A log left by an earlier failed run would only mislead now.
        (output / LOG_FILE).unlink()
    out.write(f"\nDone in {time.monotonic() - started:.1f} s.")
    if "html" in result.documents and "docx" in result.documents:
        out.write(
            f" Open {result.documents['html']} in a browser, or {result.documents['docx']} in Word."
        )
    out.write("\n")
    out.flush()
    return 0


def _first_leaf(exc: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups, e.g. from a TaskGroup."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _fail(output: Path, records: list[str], reason: str) -> int:
    where = ""
    try:
        output.mkdir(parents=True, exist_ok=True)
        (output / LOG_FILE).write_text("\n".join(records) + "\n", encoding="utf-8")
        where = f" (bot log: {output / LOG_FILE})"
    except OSError:
        pass
    print(f"themabot demo failed: {reason}{where}", file=sys.stderr)
    return 1
