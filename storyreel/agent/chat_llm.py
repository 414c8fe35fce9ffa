"""The chat with an LLM: the model reads the user's words and edits the storyboard through tool calls.

Each operation of ``chat.OPERATIONS`` is offered as a function tool with its JSON-schema arguments. A turn streams
the model's reply (its words reach the terminal as they arrive), runs the tool calls it makes against the
:class:`ChatSession`, hands the results (or the errors, for the model to correct) back, and repeats until the model
answers in words alone, a bounded number of rounds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import openai
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from storyreel.agent.chat import ChatSession, EditError, tool_schemas
from storyreel.errors import UserError
from storyreel.planners import LLMSettings
from storyreel.planners.llm import chat_model, describe_api_error
from storyreel.planners.table import shot_table

SYSTEM_PROMPT = """\
You are storyreel's director, in a chat with a user who is making a short animated film. Use the tools to act:
- a new story, or a story retold -> plan_story with the whole story;
- a change to the shot list ("make shot 2 a close-up", "add a shot of the dog asleep", "make it night") ->
  edit_shot, add_shot, remove_shot or set_scene; shots are named by their number in the list or their id;
- words heard in a shot: "let the girl say hello in shot 3" -> say_line (speaker: a cast id); a narrator's words ->
  narrate_line; "remove the lines of shot 3" -> clear_lines;
- "render", "film it", "show me" -> render; "undo", "go back" -> undo.
Never say you changed something without calling the tool. After the tools, answer in one or two short sentences.
Ids of characters, props and locations are those in the storyboard below.
"""
HISTORY_TURNS = 20  # earlier turns the model sees, besides the storyboard itself


@dataclass
class ChatReply:
    """One answer: the model's words, and what each tool it called did."""

    words: str = ""
    results: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(part for part in [self.words, *self.results] if part) or "(no answer)"


class ChatAgent:
    """Turns a user's line into tool calls on ``session`` through an OpenAI-compatible chat model."""

    def __init__(self, session: ChatSession, settings: LLMSettings, *, max_rounds: int = 6) -> None:
        self.session = session
        self.settings = settings
        self.max_rounds = max_rounds
        self.model = chat_model(settings, streaming=True).bind_tools(tool_schemas())

    def reply(self, text: str, *, on_text: Callable[[str], None] | None = None, progress: bool = False) -> ChatReply:
        """Answer ``text``: stream the model's words to ``on_text``, run its tool calls, and return the words and
        what each tool did."""
        messages: list[BaseMessage] = [SystemMessage(self._context()), *self._history(), HumanMessage(text)]
        self.session.say("user", text)
        reply = ChatReply()
        words: list[str] = []
        try:
            for _ in range(self.max_rounds):
                message = self._stream(messages, on_text)
                messages.append(message)
                if isinstance(message.content, str) and message.content.strip():
                    words.append(message.content.strip())
                if not message.tool_calls and not message.invalid_tool_calls:
                    break
                for call in message.tool_calls:
                    result = self._run(call["name"], call["args"], progress)
                    reply.results.append(result)
                    messages.append(ToolMessage(result, tool_call_id=call["id"] or call["name"]))
                for bad in message.invalid_tool_calls:
                    error = f"error: the arguments of {bad['name']} are not valid JSON ({bad['error'] or 'unparsable'})"
                    messages.append(ToolMessage(error, tool_call_id=bad["id"] or str(bad["name"])))
            else:
                reply.results.append(f"(stopped after {self.max_rounds} rounds of tool calls)")
        except openai.APIError as error:
            reply.results.append(
                f"error: the LLM failed: {describe_api_error(error, self.settings)}; /help lists commands"
            )
        reply.words = "\n".join(words)
        self.session.say("assistant", reply.text)
        return reply

    def _stream(self, messages: list[BaseMessage], on_text: Callable[[str], None] | None) -> AIMessage:
        whole: AIMessageChunk | None = None
        for chunk in self.model.stream(messages):
            if not isinstance(chunk, AIMessageChunk):
                continue
            if on_text is not None and isinstance(chunk.content, str) and chunk.content:
                on_text(chunk.content)
            whole = chunk if whole is None else whole + chunk
        if whole is None:
            return AIMessage("")
        return AIMessage(
            content=whole.content,
            tool_calls=whole.tool_calls,
            invalid_tool_calls=whole.invalid_tool_calls,
        )

    def _run(self, name: str, arguments: dict[str, object], progress: bool) -> str:
        try:
            return self.session.run(name, dict(arguments), progress=progress)
        except (EditError, UserError, ValueError) as error:
            return f"error: {str(error).splitlines()[0]}"

    def _context(self) -> str:
        storyboard = self.session.storyboard
        if storyboard is None:
            return SYSTEM_PROMPT + "\nThere is no storyboard yet."
        cast = json.dumps([c.model_dump(mode="json", exclude={"appearance"}) for c in storyboard.cast])
        places = json.dumps(
            [
                {
                    "id": loc.id,
                    "kind": loc.kind.value,
                    "time_of_day": loc.time_of_day.value,
                    "props": [p.id for p in loc.props],
                }
                for loc in storyboard.locations
            ]
        )
        return f"{SYSTEM_PROMPT}\nCast: {cast}\nLocations: {places}\nShots:\n{shot_table(storyboard)}"

    def _history(self) -> list[BaseMessage]:
        turns = self.session.history[-HISTORY_TURNS:]
        return [HumanMessage(t.text) if t.role == "user" else AIMessage(t.text) for t in turns]
