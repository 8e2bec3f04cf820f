"""`themabot demo`: the real bot, offline, against the local Bot API stand-in.

No token and no Telegram: the stand-in (:mod:`bot.standin`) serves the Bot API over HTTP on
127.0.0.1, and the bot built by :func:`bot.app.build_application` long-polls it with
:func:`bot.polling.serve`, exactly as ``themabot run`` polls Telegram. The demo creates a round
from the built-in ``ivp`` template, invites five colleagues and lets them answer in the chat
with the sample answers in ``demo_answers.toml``; then it plays the coordinator (``/progress``,
``/overview FMT``) and writes the documents the bot sent to the output folder.

Every message waits for the bot's reply before the next one, as a person would, so the demo
doubles as an end-to-end check: any error, unexpected reply or missing reply stops it with one
line and a non-zero exit code (details in ``demo.log`` in the output folder).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
import time
import tomllib
import traceback
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from telegram.ext import Application, ContextTypes

from bot import callbacks
from bot.app import build_application
from bot.callbacks import Action
from bot.polling import serve
from bot.settings import Settings
from bot.standin import BotMessage, FakeBotAPI, file_base_url, private_chat, serve_http
from conversations.template import Question, QuestionKind, Template, Theme, load_template
from conversations.texts import Catalogue, catalogue, plain
from reports import FORMATS as DOCUMENT_FORMATS
from storage import Store, open_store

__all__ = ["DemoColleague", "DemoError", "DemoScript", "load_script", "run_demo"]

log = logging.getLogger(__name__)

ANSWERS_RESOURCE = "demo_answers.toml"
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
POLL_INTERVAL = 0.005
LOG_FILE = "demo.log"


class DemoError(Exception):
    """The demo cannot go on; the message is one line saying what went wrong."""


# --- the script: who answers what ---------------------------------------------------------


@dataclass(frozen=True)
class DemoColleague:
    """One simulated colleague: their themes, their answers and how far they get."""

    name: str
    role: str
    themes: tuple[str, ...]
    answers: Mapping[str, Mapping[str, str]]
    """Theme key -> question key -> answer; a missing question is skipped with the button."""
    submit: bool = False
    """Press "Insturen" in the review that follows the last question."""
    stop_after: int | None = None
    """Leave the chat after this many answers (the colleague stays unfinished)."""

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def last_name(self) -> str:
        return self.name.partition(" ")[2]

    def answer(self, theme_key: str, question_key: str) -> str | None:
        """Returns the answer to give, or None to skip the question."""
        return self.answers.get(theme_key, {}).get(question_key)

    def planned_answers(self) -> int:
        """How many answers this colleague will give before leaving or reaching the review."""
        total = sum(len(by_question) for by_question in self.answers.values())
        return total if self.stop_after is None else min(total, self.stop_after)


@dataclass(frozen=True)
class DemoScript:
    """The round the demo plays: its name, the coordinator and the colleagues."""

    round_name: str
    coordinator: str
    colleagues: tuple[DemoColleague, ...]

    def planned_answers(self) -> int:
        return sum(c.planned_answers() for c in self.colleagues)


def load_script(template: Template, text: str | None = None) -> DemoScript:
    """Reads the sample answers (the shipped file unless ``text`` is given) for ``template``.

    Raises DemoError when a theme, question or choice option does not exist in the template:
    the demo must never discover that half-way through a chat.
    """
    if text is None:
        text = (resources.files("bot") / ANSWERS_RESOURCE).read_text("utf-8")
    try:
        data = tomllib.loads(text)
        colleagues = tuple(_colleague(template, raw) for raw in data["colleagues"])
        return DemoScript(str(data["round_name"]), str(data["coordinator"]), colleagues)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DemoError(f"bad sample answers in {ANSWERS_RESOURCE}: {exc}") from exc


def _colleague(template: Template, raw: Mapping[str, Any]) -> DemoColleague:
    name = str(raw["name"])
    themes = tuple(str(key) for key in raw["themes"])
    answers: dict[str, dict[str, str]] = {}
    for theme_key, by_question in raw.get("answers", {}).items():
        if template.theme(theme_key) is None or theme_key not in themes:
            raise ValueError(f"{name}: answers for theme {theme_key!r} they are not invited for")
        questions = {q.key: q for q in template.questions_for(theme_key)}
        for question_key, answer in by_question.items():
            question = questions.get(question_key)
            if question is None:
                raise ValueError(f"{name}: no question {question_key!r} in theme {theme_key!r}")
            if question.kind is QuestionKind.CHOICE and answer not in question.options:
                raise ValueError(f"{name}: {answer!r} is not an option of {question_key!r}")
        answers[theme_key] = {k: str(v).strip() for k, v in by_question.items()}
    unknown = [key for key in themes if template.theme(key) is None]
    if unknown:
        raise ValueError(f"{name}: unknown theme(s) {', '.join(unknown)}")
    stop_after = raw.get("stop_after")
    return DemoColleague(
        name=name,
        role=str(raw.get("role", "")),
        themes=themes,
        answers=answers,
        submit=bool(raw.get("submit", False)),
        stop_after=int(stop_after) if stop_after is not None else None,
    )


# --- reading the bot's messages -----------------------------------------------------------


def _actions(message: BotMessage) -> set[Action]:
    """The actions of the message's inline buttons (buttons we did not make are ignored)."""
    found = set()
    for row in message.inline_keyboard:
        for button in row:
            parsed = callbacks.parse(button.get("callback_data"))
            if parsed is not None:
                found.add(parsed.action)
    return found


def _button_data(message: BotMessage, wanted: Callable[[str, Action], bool]) -> str | None:
    """The callback data of the first button whose (label, action) is ``wanted``."""
    for row in message.inline_keyboard:
        for button in row:
            parsed = callbacks.parse(button.get("callback_data"))
            if parsed is not None and wanted(str(button.get("text", "")), parsed.action):
                return str(button["callback_data"])
    return None


def _choice_data(message: BotMessage, option: str) -> str | None:
    """The callback data of the choice button for ``option`` (labelled "2. krap")."""
    return _button_data(
        message, lambda label, action: action is Action.CHOOSE and label.endswith(f". {option}")
    )


def _is_question(message: BotMessage) -> bool:
    # Every question offers Overslaan (or Houden zo): a skip button marks a question message.
    return Action.SKIP in _actions(message)


def _is_review_footer(message: BotMessage) -> bool:
    return bool(_actions(message) & {Action.SUBMIT, Action.CONTINUE})


# --- people in the chat -------------------------------------------------------------------


class ChatPerson:
    """One person talking to the bot through the stand-in, waiting for each reply."""

    def __init__(
        self, api: FakeBotAPI, user_id: int, name: str, errors: list[BaseException]
    ) -> None:
        first, _, last = name.partition(" ")
        self.api = api
        self.name = name
        self.user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first,
            "language_code": "nl",
        }
        if last:
            self.user["last_name"] = last
        self.chat = api.register_chat(private_chat(self.user)).chat
        self.chat_id = user_id
        self._errors = errors
        self.last_sent_id = 0
        """The message id of the last text this person sent."""

    async def send(
        self, text: str, until: Callable[[list[BotMessage]], bool] | None = None
    ) -> list[BotMessage]:
        """Sends ``text``; returns the bot's new messages once ``until`` holds for them.

        By default that is as soon as there is at least one.
        """
        message = self.api.user_message(self.user, self.chat, text)
        self.last_sent_id = int(message["message_id"])
        self.api.push_update({"message": message})
        return await self._wait(self.last_sent_id, until, f"message {_one_line(text, 40)!r}")

    async def press(
        self,
        message: BotMessage,
        data: str,
        until: Callable[[list[BotMessage]], bool] | None = None,
        what: str = "a button",
    ) -> list[BotMessage]:
        """Presses the button with callback ``data`` under ``message``; waits as :meth:`send`.

        The wait also needs the bot's answer to the callback query: without one, a Telegram
        client keeps showing a spinner on the button.
        """
        after = self._newest_id()
        query_id = self.api.new_callback_query_id()
        query = {
            "id": query_id,
            "from": self.user,
            "message": self.api.message_json(message),
            "chat_instance": f"ci{self.chat_id}",
            "data": data,
        }
        self.api.push_update({"callback_query": query})
        done = until or bool

        def answered(new: list[BotMessage]) -> bool:
            return self.api.callback_answer(query_id) is not None and done(new)

        return await self._wait(after, answered, what)

    def _newest_id(self) -> int:
        state = self.api.chats[self.chat_id]
        ids = [m.message_id for m in state.messages] + [m["message_id"] for m in state.incoming]
        return max(ids, default=0)

    def _new_messages(self, after: int) -> list[BotMessage]:
        return [m for m in self.api.messages(self.chat_id) if m.message_id > after]

    async def _wait(
        self, after: int, until: Callable[[list[BotMessage]], bool] | None, what: str
    ) -> list[BotMessage]:
        done = until or bool
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while True:
            if self._errors:
                error = self._errors[0]
                raise DemoError(
                    f"the bot raised {type(error).__name__}: {error} "
                    f"(while {self.name} waited for a reply to their {what})"
                )
            new = self._new_messages(after)
            if done(new):
                return new
            if loop.time() > deadline:
                last = new[-1].shown if new else "nothing"
                raise DemoError(
                    f"no fitting reply to {self.name}'s {what} within {REPLY_TIMEOUT:.0f} s "
                    f"(the bot's last reply: {_one_line(last)})"
                )
            await asyncio.sleep(POLL_INTERVAL)


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _settled(new: list[BotMessage]) -> bool:
    """The bot has asked the next question or shown the review (both come last in a reply)."""
    return any(_is_question(m) or _is_review_footer(m) for m in new)


def _last_step(new: list[BotMessage]) -> BotMessage:
    return next(m for m in reversed(new) if _is_question(m) or _is_review_footer(m))


# --- progress bar -------------------------------------------------------------------------


class ProgressBar:
    """``[#####.....] 12/40 antwoorden`` on one terminal line; only the end when not a TTY."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.width = width
        self.live = stream.isatty()

    def line(self) -> str:
        filled = round(self.width * self.done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        return f"[{bar}] {self.done}/{self.total} antwoorden"

    def advance(self) -> None:
        self.done += 1
        if self.live:
            self.stream.write("\r  " + self.line())
            self.stream.flush()

    def finish(self) -> None:
        self.stream.write(("\r  " if self.live else "  ") + self.line() + "\n")
        self.stream.flush()


# --- the demo -----------------------------------------------------------------------------


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
            )
            # No rate limiter: it guards Telegram's flood limits, and this server is our own.
            app = build_application(settings, store, rate_limit=False)
            app.add_error_handler(self._record_error)
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

    async def _record_error(self, _update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def _colleagues_answer(self, tokens: Sequence[str]) -> None:
        """Lets every colleague answer in their own chat, all at once, with a progress bar."""
        bar = ProgressBar(self.script.planned_answers(), self.out)
        self.say("The colleagues open their invite links and answer:")
        try:
            async with asyncio.TaskGroup() as group:
                for number, (colleague, token) in enumerate(
                    zip(self.script.colleagues, tokens, strict=True)
                ):
                    person = ChatPerson(
                        self.api, FIRST_COLLEAGUE_ID + number, colleague.name, self.errors
                    )
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
        self, person: ChatPerson, colleague: DemoColleague, token: str, bar: ProgressBar
    ) -> None:
        """Plays one colleague: opens the invite, answers or skips each question, submits."""
        new = await person.send(f"/start {token}", until=_settled)
        step = _last_step(new)
        given = 0
        asked: set[tuple[str, str]] = set()
        while _is_question(step):
            if colleague.stop_after is not None and given >= colleague.stop_after:
                return
            theme, question = self._identify(step, colleague)
            if (theme.key, question.key) in asked:
                raise DemoError(
                    f"the bot asked {colleague.name} {question.key!r} for {theme.title!r} twice: "
                    f"{_one_line(step.shown)}"
                )
            asked.add((theme.key, question.key))
            answer = colleague.answer(theme.key, question.key)
            what = f"answer to {question.key!r} ({theme.key})"
            if answer is None:
                data = _button_data(step, lambda _label, action: action is Action.SKIP)
                assert data is not None  # _is_question saw it
                new = await person.press(step, data, _settled, f"skip of {question.key!r}")
            elif question.kind is QuestionKind.CHOICE:
                data = _choice_data(step, answer)
                if data is None:
                    raise DemoError(f"no button for {answer!r} under {_one_line(step.shown)}")
                new = await person.press(step, data, _settled, what)
            else:
                new = await person.send(answer, until=_settled)
            if answer is not None:
                given += 1
                bar.advance()
            step = _last_step(new)
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
                f"{_one_line(message.shown)}"
            )
        matches = [q for q in self.template.questions_for(theme.key) if q.text in message.shown]
        if not matches:
            raise DemoError(f"{colleague.name} got an unknown question: {_one_line(message.shown)}")
        return theme, max(matches, key=lambda q: len(q.text))

    async def _submit(self, person: ChatPerson, footer: BotMessage) -> None:
        """Presses Insturen in the review (and Toch insturen if the bot asks to confirm)."""
        submitted = plain(self.texts("submitted"))

        def answered(new: list[BotMessage]) -> bool:
            return any(submitted in m.shown or Action.SUBMIT_ANYWAY in _actions(m) for m in new)

        label = self.texts.button("submit")
        data = _button_data(footer, lambda _label, action: action is Action.SUBMIT)
        if data is None:
            raise DemoError(f"no {label} button in {person.name}'s review")
        new = await person.press(footer, data, answered, f"press on {label}")
        if any(submitted in m.shown for m in new):
            return
        confirm = next(m for m in new if Action.SUBMIT_ANYWAY in _actions(m))
        data = _button_data(confirm, lambda _label, action: action is Action.SUBMIT_ANYWAY)
        assert data is not None
        await person.press(
            confirm,
            data,
            lambda new: any(submitted in m.shown for m in new),
            f"press on {self.texts.button('submit_anyway')}",
        )

    async def _coordinator_asks(self) -> DemoResult:
        """Asks /progress and /overview in every format; saves the documents."""
        coordinator = ChatPerson(self.api, COORDINATOR_ID, self.script.coordinator, self.errors)
        result = DemoResult()
        self.say(f"\n{self.script.coordinator} (coordinator) asks the bot for /progress:")
        await coordinator.send("/progress")
        progress_sent = coordinator.last_sent_id
        # A long progress comes in several messages; the next command's reply marks the end.
        # /overview always answers with one message: the document, or why there is none.
        first_document = await coordinator.send(f"/overview {FORMATS[0]}")
        overview_sent = coordinator.last_sent_id
        result.progress = [
            m.shown
            for m in self.api.messages(coordinator.chat_id)
            if progress_sent < m.message_id < overview_sent
        ]
        for chunk in result.progress:
            for line in chunk.splitlines():
                self.say(f"  │ {line}")

        self.output.mkdir(parents=True, exist_ok=True)
        self.say(f"\n/overview in {len(FORMATS)} formats, as the bot sent them:")
        documents = {FORMATS[0]: _document(first_document, f"/overview {FORMATS[0]}")}
        for fmt in FORMATS[1:]:
            new = await coordinator.send(f"/overview {fmt}")
            documents[fmt] = _document(new, f"/overview {fmt}")
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
    raise DemoError(f"{what} sent no document: {_one_line(new[-1].shown if new else '')}")


@contextmanager
def _collected_logs(records: list[str]) -> Iterator[None]:
    """Sends all logging to ``records`` for the run: the terminal shows the demo, not PTB."""
    root = logging.getLogger()
    handler = _ListHandler(records)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)


class _ListHandler(logging.Handler):
    def __init__(self, records: list[str]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@asynccontextmanager
async def _polling(app: Application, errors: list[BaseException]) -> AsyncIterator[None]:
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
            await asyncio.sleep(POLL_INTERVAL)
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
        with _collected_logs(records), tempfile.TemporaryDirectory(prefix="themabot-demo-") as tmp:
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
