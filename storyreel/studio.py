"""``storyreel ui``: the studio, a web page (Gradio) over the chat of ``storyreel chat``.

The chat is on one side; on the other the shot table (its cells edited in place become the chat's own operations),
the Film button with a progress bar per shot, the film, its contact sheet and its report. Each browser tab holds its
own :class:`StudioSession` (in a ``gr.State``) and run directory under the out root, so tabs never mix. A turn runs
on a worker thread and tells the page what happens as it happens (the LLM's words, each operation applied, each
step of a render) through the session's queue of events, which the handler streams to the page.

Gradio is imported only when the studio is built: the base install and ``storyreel --help`` do without it.
"""

from __future__ import annotations

import ipaddress
import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from storyreel.agent.chat import ChatRecord, ChatSession, EditError, chat_llm
from storyreel.agent.run_layout import CONTACT_SHEET, FINAL, REPORT
from storyreel.agent.run_store import RunStore
from storyreel.errors import UserError
from storyreel.planners import LLMSettings
from storyreel.schema import RunOptions, RunReport, Shot, Storyboard

if TYPE_CHECKING:
    import gradio as gr

    from storyreel.agent.chat_llm import ChatAgent

INSTALL = 'storyreel ui needs gradio: pip install "storyreel[ui]"'
COLUMNS = ["id", "size", "angle", "move", "duration", "description", "lines"]
DATATYPES = ["str", "str", "str", "str", "number", "str", "str"]
FILM_QUEUE = "film"  # renders of every tab take turns (one at a time): they share the machine's cores
TURNS_AT_ONCE = 4  # chat turns and table edits of different tabs run side by side
TABLE_HELP = (
    "Edit size, angle, move, duration, description or lines in place (lines as `girl: Hello. / narrator: Night "
    "falls.`); add or remove shots in the chat (`/add`, `/remove`). Film renders only the shots that changed."
)


# --- what a turn tells the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """An operation the chat is about to apply: a tool call of the LLM's, a slash command's or a table edit's."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Result:
    """What the operation applied last did (or the one-line error it raised)."""

    text: str


@dataclass(frozen=True)
class Words:
    """A piece of the LLM's reply, as it streams in."""

    text: str


@dataclass(frozen=True)
class Filming:
    """A render begins: every shot, and those it films (the others are reused)."""

    shots: tuple[str, ...]
    stale: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    """A step of a render: the fraction done and what is being done (``shot_02: filming``)."""

    fraction: float
    message: str


@dataclass(frozen=True)
class Answered:
    """The turn is over; ``text`` is what is left to show (empty when the operations' boxes said it all)."""

    text: str


Event = Applied | Result | Words | Filming | Progress | Answered


class StudioSession(ChatSession):
    """The chat session of one tab: the same operations, each one (and each step of a render) told to the tab's
    queue of events as it happens."""

    def __init__(self, root: Path, record: ChatRecord, store: RunStore) -> None:
        super().__init__(root, record, store)
        self.events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.results: list[str] = []  # what each operation applied in the current turn did

    def run(self, name: str, arguments: dict[str, Any], *, progress: bool = False) -> str:
        self.events.put(Applied(name, dict(arguments)))
        try:
            result = super().run(name, arguments, progress=progress)
        except Exception as error:  # the box says so, and the error goes on as before
            self._did(f"error: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
            raise
        self._did(result)
        return result

    def _did(self, result: str) -> None:
        self.results.append(result)
        self.events.put(Result(result))

    def filming(self, storyboard: Storyboard, stale: list[str]) -> None:
        self.events.put(Filming(tuple(shot.id for shot in storyboard.shots), tuple(stale)))

    def step(self, fraction: float, message: str) -> None:
        self.events.put(Progress(fraction, message))


# --- one tab ------------------------------------------------------------------------------------------------------


@dataclass
class Tab:
    """One browser tab: its chat session, its LLM agent (when an LLM is configured), and the lock its turns take
    (a second turn of the same tab waits for the first)."""

    session: StudioSession
    agent: ChatAgent | None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@dataclass
class View:
    """What a turn shows: the chat, the progress bars, and (once the turn is over) the table and the film."""

    chat: list[dict[str, Any]]
    bars: dict[str, str] = field(default_factory=dict)  # shot id -> reused | waiting | filming | filmed
    step: tuple[float, str] | None = None
    streaming: int | None = None  # index in chat of the LLM's words being streamed

    def show(self, event: Event) -> None:
        if isinstance(event, Words):
            if self.streaming is None:
                self.chat.append({"role": "assistant", "content": ""})
                self.streaming = len(self.chat) - 1
            self.chat[self.streaming]["content"] += event.text
        elif isinstance(event, Applied):
            title = " ".join([f"applied {event.name}", *(f"{k}={v}" for k, v in event.arguments.items())])
            self.chat.append({"role": "assistant", "content": "", "metadata": {"title": title, "status": "pending"}})
            self.streaming = None
        elif isinstance(event, Result):
            box = next(m for m in reversed(self.chat) if m.get("metadata", {}).get("status") == "pending")
            box["content"], box["metadata"]["status"] = _markdown(event.text), "done"
        elif isinstance(event, Filming):
            self.bars = {shot: "waiting" if shot in event.stale else "reused" for shot in event.shots}
            self.step = (0.0, f"filming {len(event.stale)} of {len(event.shots)} shots")
        elif isinstance(event, Progress):
            self.step = (event.fraction, event.message)
            shot = event.message.split(":")[0]
            self.bars = {name: "filmed" if state == "filming" else state for name, state in self.bars.items()}
            if self.bars.get(shot) == "waiting":
                self.bars[shot] = "filming"
        elif isinstance(event, Answered) and event.text:
            self.chat.append({"role": "assistant", "content": _markdown(event.text)})

    def bars_html(self) -> str:
        if self.step is None:
            return ""
        fraction, message = self.step
        rows = "".join(
            f"<tr><td>{escape(shot)}</td><td>{_bar(state)}</td><td>{state}</td></tr>"
            for shot, state in self.bars.items()
        )
        overall = f'<progress value="{fraction:.3f}" max="1"></progress>'
        return f'<div class="shot-progress"><p>{overall} {escape(message)}</p><table>{rows}</table></div>'


def _bar(state: str) -> str:
    """A shot's bar: full once filmed or reused; while filming, indeterminate (the graph tells when a shot starts,
    not how far along it is)."""
    value = "" if state == "filming" else f' value="{int(state in ("reused", "filmed"))}" max="1"'
    return f'<progress style="width: 12em"{value}></progress>'


def _markdown(text: str) -> str:
    """An answer for the chat: a table or any text of several lines kept in columns, one line as it is."""
    return f"```text\n{text}\n```" if "\n" in text else text


# --- the studio ---------------------------------------------------------------------------------------------------


Outputs = tuple[Any, ...]


@dataclass(frozen=True)
class Studio:
    """What every tab shares: the run options, where runs go, and the LLM (None: the offline chat)."""

    options: RunOptions
    out_root: Path
    llm: LLMSettings | None

    @classmethod
    def from_options(cls, options: RunOptions, out_root: Path) -> Studio:
        """The studio of these options: its chat the LLM chat when an LLM is configured (as ``storyreel chat``
        chooses), else the offline chat."""
        return cls(options, Path(out_root), chat_llm(options))

    def open_tab(self) -> tuple[Tab, str, list[dict[str, Any]], list[list[Any]]]:
        """A new tab's chat in a run directory of its own: the tab, where it is, an empty chat and table."""
        root = self.out_root / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
        session = cast(StudioSession, StudioSession.start(root, ChatRecord(options=self.options)))
        agent = None
        if self.llm is not None:
            from storyreel.agent.chat_llm import ChatAgent

            agent = ChatAgent(session, self.llm)
        offline = "offline: plain requests ('make shot 2 a close-up'), a new story, or /help"
        mode = f"LLM {self.llm.model}" if self.llm is not None else offline
        return Tab(session, agent), f"run directory: `{root}` · chat: {mode}", [], []

    def say(self, tab: Tab | None, text: str, chat: list[dict[str, Any]]) -> Iterator[Outputs]:
        """A line typed in the chat: the LLM's (when there is one and the line is no slash command) or the
        offline chat's answer, streamed as it comes."""
        text = text.strip()
        if tab is None or not text:
            yield _outputs(chat)
            return
        yield from self._turn(tab, chat, text, lambda: _answer(tab, text))

    def film(self, tab: Tab | None, chat: list[dict[str, Any]]) -> Iterator[Outputs]:
        """The Film button: the chat's ``/render``, with its progress shown shot by shot."""
        yield from self.say(tab, "/render", chat)

    def edit(self, tab: Tab | None, rows: list[list[Any]], chat: list[dict[str, Any]]) -> Iterator[Outputs]:
        """Edited cells of the shot table, applied as the chat's operations (one line of the chat says which)."""
        if tab is None or tab.session.storyboard is None:
            yield _outputs(chat)
            return
        storyboard = tab.session.storyboard
        if len(rows) != len(storyboard.shots):
            problem = "error: add or remove shots in the chat (/add, /remove), not in the table"
            yield _outputs([*chat, {"role": "assistant", "content": problem}], table=table_rows(storyboard))
            return
        ops = [op for row, shot in zip(rows, storyboard.shots, strict=True) for op in table_ops(row, shot)]
        if not ops:
            yield _outputs(chat)
            return
        said = "(shot table) " + "; ".join(f"{name} " + " ".join(f"{k}={v}" for k, v in a.items()) for name, a in ops)
        yield from self._turn(tab, chat, said, lambda: _apply(tab.session, said, ops))

    def _turn(self, tab: Tab, chat: list[dict[str, Any]], said: str, work: Callable[[], str]) -> Iterator[Outputs]:
        """Run ``work`` on a worker thread and stream what it tells the session's queue, then show the table and,
        when it rendered, the film."""
        with tab.lock:
            session = tab.session
            before = _mtime(session.root / FINAL)
            view = View([*chat, {"role": "user", "content": said}])
            worker = threading.Thread(target=_answered, args=(session, work), daemon=True)
            worker.start()
            yield _outputs(view.chat, view.bars_html())
            while True:
                event = session.events.get()
                view.show(event)
                if isinstance(event, Answered):
                    break
                yield _outputs(view.chat, view.bars_html())
            worker.join()
            table = table_rows(session.storyboard) if session.storyboard is not None else []
            filmed = _mtime(session.root / FINAL) != before
            yield _outputs(view.chat, view.bars_html(), table, _film(session) if filmed else None)


def _answered(session: StudioSession, work: Callable[[], str]) -> None:
    """Do a turn's ``work`` and tell the queue it is over. A failure inside a tool ends the turn, not the tab (the
    chat is saved)."""
    session.results = []
    try:
        text = work()
    except Exception as error:
        text = f"error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    session.events.put(Answered(text))


def _answer(tab: Tab, text: str) -> str:
    """The chat's answer to ``text``, less what the operations' boxes already show."""
    session = tab.session
    if tab.agent is not None and not text.startswith("/"):
        reply = tab.agent.reply(text, on_text=lambda words: session.events.put(Words(words)))
        left = reply.results[len(session.results) :]
        return "\n".join(left) or ("" if reply.words or session.results else reply.text)
    answer = session.handle(text)  # "understood: ..." and what the operation did, when plain words asked for one
    return answer.removesuffix(session.results[-1]).strip() if session.results else answer


def _apply(session: StudioSession, said: str, ops: list[tuple[str, dict[str, Any]]]) -> str:
    """Apply a table edit's operations in order, stopping at the first that fails; the chat records them."""
    session.say("user", said)
    for name, arguments in ops:
        try:
            session.run(name, arguments)
        except (EditError, UserError, ValueError):
            break  # the operation's box shows the error
    session.say("assistant", "\n".join(session.results))
    return ""


def table_ops(row: list[Any], shot: Shot) -> list[tuple[str, dict[str, Any]]]:
    """The chat's operations (name and arguments) that make ``shot`` what its edited table ``row`` says."""
    cells = dict(zip(COLUMNS, row, strict=True))
    before = dict(zip(COLUMNS, _row(shot), strict=True))
    changed = {
        name: cells[name] for name in ("size", "angle", "move", "description") if _text(cells[name]) != before[name]
    }
    if _number(cells["duration"]) != before["duration"]:
        changed["duration"] = cells["duration"]
    ops: list[tuple[str, dict[str, Any]]] = [("edit_shot", {"shot": shot.id, **changed})] if changed else []
    if _text(cells["lines"]) != before["lines"]:
        ops += [("clear_lines", {"shot": shot.id})] if shot.lines else []
        for part in (p.strip() for p in _text(cells["lines"]).split(" / ")):
            speaker, colon, words = part.partition(":")
            words = (words if colon else part).strip().strip('"').strip()
            if not words:
                continue
            if colon and speaker.strip().lower() != "narrator":
                ops.append(("say_line", {"shot": shot.id, "speaker": speaker.strip(), "text": words}))
            else:
                ops.append(("narrate_line", {"shot": shot.id, "text": words}))
    return ops


def _row(shot: Shot) -> list[Any]:
    lines = " / ".join(f'{line.speaker or "narrator"}: "{line.text}"' for line in shot.lines)
    values = (shot.size.value, shot.angle.value, shot.move.value, round(shot.duration, 2), shot.description, lines)
    return [shot.id, *values]


def table_rows(storyboard: Storyboard) -> list[list[Any]]:
    """The shot table's rows (``COLUMNS``), the lines as ``girl: "Hello." / narrator: "Night falls."``."""
    return [_row(shot) for shot in storyboard.shots]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any) -> float | str:
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        return _text(value)


def _mtime(path: Path) -> float | None:
    return path.stat().st_mtime if path.is_file() else None


def _outputs(
    chat: list[dict[str, Any]],
    bars: str | None = None,
    table: list[list[Any]] | None = None,
    film: tuple[str | None, str | None, str] | None = None,
) -> Outputs:
    """The handlers' outputs: the text box emptied, the chat, and what is not None of the rest (the progress bars,
    the shot table, and the film, its contact sheet and its report); the rest stays as the page shows it."""
    import gradio as gr

    return (
        "",
        chat,
        gr.skip() if bars is None else bars,
        gr.skip() if table is None else table,
        *(film or [gr.skip()] * 3),
    )


def _film(session: ChatSession) -> tuple[str | None, str | None, str]:
    """The film, its contact sheet and what its report says (with a link to report.html)."""
    root = session.root
    report = session.store.read_model(REPORT, RunReport)
    failed = [f"{s.shot_id}: {c.name}" for s in report.shots for c in s.checks if not c.passed]
    failed += [f"film: {c.name}" for c in report.checks if not c.passed]
    verdict = "**all checks passed**" if not failed else "**checks failed:** " + ", ".join(failed)
    link = f"[report.html](/gradio_api/file={(root / 'report.html').resolve()})"
    text = f"{verdict} ({report.revisions} revisions, {report.duration_s:.1f} s) · {link}"
    if report.warnings:
        text += "\n\nwarnings:" + "".join(f"\n- {warning}" for warning in report.warnings)
    sheet = root / CONTACT_SHEET
    return str(root / FINAL), str(sheet) if sheet.is_file() else None, text


# --- the app ------------------------------------------------------------------------------------------------------


def _gradio() -> Any:
    try:
        import gradio
    except ImportError as error:
        raise UserError(INSTALL) from error
    return gradio


def build_app(options: RunOptions, out_root: Path) -> gr.Blocks:
    """The studio's page: the chat beside the shot table, the Film button, its progress, the film and its report."""
    gr = _gradio()
    studio = Studio.from_options(options, out_root)
    with gr.Blocks(title="storyreel studio", analytics_enabled=False) as app:
        tab = gr.State(None)
        gr.Markdown("## storyreel studio")
        where = gr.Markdown(elem_id="run-dir")
        with gr.Row():
            with gr.Column(scale=5):
                chat = gr.Chatbot(label="chat", elem_id="chat", height=600, feedback_options=None)
                box = gr.Textbox(
                    show_label=False,
                    placeholder="Tell a story, or say what to change (/help lists the commands)",
                    elem_id="say",
                    submit_btn=True,
                )
            with gr.Column(scale=7):
                table = gr.Dataframe(
                    headers=COLUMNS,
                    datatype=DATATYPES,
                    type="array",
                    interactive=True,
                    static_columns=[0],
                    wrap=True,
                    column_widths=["11%", "11%", "9%", "9%", "9%", "31%", "20%"],
                    label="shots",
                    elem_id="shots",
                )
                gr.Markdown(TABLE_HELP)
                film = gr.Button("Film", variant="primary", elem_id="film")
                bars = gr.HTML(elem_id="progress")
                video = gr.Video(label="final.mp4", interactive=False, elem_id="film-video")
                sheet = gr.Image(label="contact sheet", type="filepath", interactive=False, elem_id="contact-sheet")
                report = gr.Markdown(elem_id="report")
        outputs = [box, chat, bars, table, video, sheet, report]
        app.load(studio.open_tab, outputs=[tab, where, chat, table])
        box.submit(studio.say, [tab, box, chat], outputs, concurrency_limit=TURNS_AT_ONCE, show_progress="hidden")
        film.click(studio.film, [tab, chat], outputs, concurrency_id=FILM_QUEUE, concurrency_limit=1)
        table.input(studio.edit, [tab, table, chat], outputs, concurrency_limit=TURNS_AT_ONCE, show_progress="hidden")
    return app


def is_loopback(host: str) -> bool:
    """Whether ``host`` serves this machine alone."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def launch(
    options: RunOptions,
    out_root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    password: str | None = None,
    block: bool = True,
) -> gr.Blocks:
    """Serve the studio at ``host:port`` (off loopback only behind ``password``, asked with any user name) until
    interrupted; with ``block`` false, return the running app at once (``app.close()`` stops it)."""
    if not password and not is_loopback(host):
        raise UserError(
            f"--host {host} opens the studio to the network: set --password (or $STORYREEL_UI_PASSWORD), "
            "or bind 127.0.0.1"
        )
    app = build_app(options, out_root)
    app.queue()
    auth: Callable[[str, str], bool] | None = None
    if password:
        auth = lambda _user, given: secrets.compare_digest(given.encode(), password.encode())  # noqa: E731
    try:
        app.launch(
            server_name=host,
            server_port=port,
            auth=auth,
            auth_message="storyreel studio: any user name, and the studio's password",
            allowed_paths=[str(Path(out_root).resolve())],
            prevent_thread_lock=True,
            show_error=True,
            quiet=True,
        )
    except OSError as error:
        raise UserError(
            f"cannot serve the studio at {host}:{port} (the port is taken, or the address is not this machine's): "
            "choose another --port or --host"
        ) from error
    if block:
        print(f"storyreel studio at {app.local_url} (runs under {out_root}); Ctrl+C stops it", flush=True)
        app.block_thread()
    return app
