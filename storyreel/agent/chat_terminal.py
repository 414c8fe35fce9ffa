"""``storyreel chat`` in a terminal: read a line, answer it, until /quit or end of input.

With an LLM, plain words go to the model (its reply streams as it is written) and slash commands still work; without
one, slash commands and plain requests ("make shot 2 a close-up", "make it night") edit, and a story is planned by the
rule planner (``/help``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from storyreel.agent.chat import ChatSession

if TYPE_CHECKING:  # the LLM extra may not be installed; an agent is only passed in when it is
    from storyreel.agent.chat_llm import ChatAgent

PROMPT = "you> "


def run_terminal(
    session: ChatSession,
    agent: ChatAgent | None,
    *,
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
    progress: bool = True,
) -> int:
    """Hold the conversation; return the exit status (0: the user left)."""
    mode = f"LLM {agent.settings.model}" if agent is not None else "offline rule planner"
    out.write(f"storyreel chat ({mode}) in {session.root}: tell a story; /help lists commands, /quit leaves.\n")
    if session.storyboard is not None:
        out.write(f"resumed {session.storyboard.title!r}; /shots shows the shot list.\n")
    out.flush()
    while True:
        try:
            line = read(PROMPT).strip()
        except EOFError:
            out.write("\n")
            break
        if line in ("/quit", "/exit"):
            break
        if not line:
            continue
        try:
            answer = _answer(session, agent, line, out, progress)
        except Exception as error:  # a failure inside a tool must not end the conversation; the chat is saved
            answer = f"error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        if answer:
            out.write(answer + "\n")
        out.flush()
    out.write(f"saved; go on with: storyreel chat --resume {session.root}\n")
    out.flush()
    return 0


def _answer(session: ChatSession, agent: ChatAgent | None, line: str, out: TextIO, progress: bool) -> str:
    """The answer to one line; an LLM's words are written to ``out`` as they stream in and left out of it."""
    if agent is not None and not line.startswith("/"):
        streamed = False

        def show(text: str) -> None:
            nonlocal streamed
            out.write(text)
            out.flush()
            streamed = True

        reply = agent.reply(line, on_text=show, progress=progress)
        if streamed:  # the words were shown as they came; what the tools did follows
            out.write("\n")
        return "\n".join(reply.results) if streamed else reply.text
    return session.handle(line, progress=progress)
