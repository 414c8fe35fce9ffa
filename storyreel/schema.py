"""The contract every part of storyreel speaks: pydantic models, JSON-serialisable and versioned.

A :class:`Storyboard` is what a planner makes of a story; a :class:`CameraPath` is what camera direction makes of a
shot; :class:`CheckResult` and :class:`RunReport` are what the checks and a run report. ``json_schemas()`` exports
the JSON Schema of each, for agents and other languages.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from storyreel.errors import UserError

SCHEMA_VERSION = "1.5"  # 1.1: fps, resolution, style left the storyboard; 1.2: what must be seen, held props;
# 1.3: the verbs a shot's sentence names that the world cannot act out; 1.4: the fetch, handle, clap and shake verbs;
# 1.5: the lines heard in a shot (dialogue and narration), a character's gender (its voice)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class ShotSize(StrEnum):
    """How much of the subject the frame holds, widest first."""

    EXTREME_WIDE = "extreme-wide"
    WIDE = "wide"
    FULL = "full"
    MEDIUM = "medium"
    MEDIUM_CLOSE_UP = "medium-close-up"
    CLOSE_UP = "close-up"
    EXTREME_CLOSE_UP = "extreme-close-up"


class CameraMove(StrEnum):
    STATIC = "static"
    PAN = "pan"
    TILT = "tilt"
    DOLLY_IN = "dolly-in"
    DOLLY_OUT = "dolly-out"
    TRACK = "track"
    ORBIT = "orbit"
    CRANE = "crane"


class CameraAngle(StrEnum):
    EYE = "eye"
    HIGH = "high"
    LOW = "low"
    OVERHEAD = "overhead"


#: How many times the subject's height the frame's height spans at the subject, per shot size.
FRAME_SPAN: dict[ShotSize, float] = {
    ShotSize.EXTREME_WIDE: 9.0,
    ShotSize.WIDE: 4.0,
    ShotSize.FULL: 1.5,
    ShotSize.MEDIUM: 0.85,
    ShotSize.MEDIUM_CLOSE_UP: 0.55,
    ShotSize.CLOSE_UP: 0.35,
    ShotSize.EXTREME_CLOSE_UP: 0.2,
}

#: Vertical field of view (degrees): wide lenses for wide shots, longer lenses for close-ups.
FIELD_OF_VIEW: dict[ShotSize, float] = {
    ShotSize.EXTREME_WIDE: 60.0,
    ShotSize.WIDE: 55.0,
    ShotSize.FULL: 50.0,
    ShotSize.MEDIUM: 45.0,
    ShotSize.MEDIUM_CLOSE_UP: 40.0,
    ShotSize.CLOSE_UP: 35.0,
    ShotSize.EXTREME_CLOSE_UP: 30.0,
}

#: Elevation of the camera above the aim point (degrees) per angle.
ELEVATION: dict[CameraAngle, float] = {
    CameraAngle.EYE: 4.0,
    CameraAngle.HIGH: 28.0,
    CameraAngle.LOW: -12.0,
    CameraAngle.OVERHEAD: 75.0,
}

#: Where the camera aims on its main subject, as a share of the subject's height from its base: the middle in wide
#: sizes; in medium and closer sizes high enough that the top of the head keeps 7 % of the frame as headroom (the
#: frame spans FRAME_SPAN heights, so the aim sits 0.43 of a frame below the subject's top).
AIM_HEIGHT: dict[ShotSize, float] = {size: max(0.5, 1.0 - 0.43 * span) for size, span in FRAME_SPAN.items()}

#: A still thing taller than this (metres: a tree, a house, a ship) says where a shot is: it is seen, not framed
#: whole, and nobody walks up to it.
LANDMARK_HEIGHT = 2.5

#: The share of the frame's height the smallest named subject should span, for planners choosing a size and the
#: camera choosing a distance. subjects_framed and all_subjects_shown need 0.05; the 20 % over it is for the
#: subject's own turns and the lens's edges. More (0.08) tightens the calibration park's wide shot of a 0.45 m dog
#: so far that the cut to the medium shot after it changes the size too little for rule_30.
LEGIBLE_SPAN = 0.06

#: Thresholds of the shot checks that the residual camera's reward measures too (``envs/residual.py``); each
#: check's module documents its calibration.
MIN_SUBJECT_SPAN = 0.05
POSITION_TOLERANCE = 0.5
SIZE_TOLERANCE = math.log(2.0)
OCCLUSION_THRESHOLD = 0.3
SHOWN_MAX_HIDDEN = 0.5
FACE_ANGLE = 70.0
LINEAR_JERK_LIMIT = 10.0  # m/s^3
ANGULAR_JERK_LIMIT = 4.0  # rad/s^3

#: The frame's width spans at least this many times the framed subjects' largest distance from their middle, so
#: each one stands whole inside the frame (at 3.0 a subject's centre sits at two thirds of the half-width).
FIT_SPREAD = 3.0


class Transition(StrEnum):
    """How a shot begins: a hard cut, a cross-dissolve from the previous shot, or a fade through black."""

    CUT = "cut"
    DISSOLVE = "dissolve"
    FADE = "fade"


class Style(StrEnum):
    """The raster look."""

    FLAT = "flat"
    TOON = "toon"
    CLAY = "clay"
    WATERCOLOR = "watercolor"
    OIL = "oil"  # oil painting
    NEON = "neon"


class TimeOfDay(StrEnum):
    DAWN = "dawn"
    DAY = "day"
    DUSK = "dusk"
    NIGHT = "night"


class Weather(StrEnum):
    CLEAR = "clear"
    CLOUDY = "cloudy"
    RAIN = "rain"
    STORM = "storm"
    SNOW = "snow"
    FOG = "fog"


class LocationKind(StrEnum):
    PARK = "park"
    STREET = "street"
    BEACH = "beach"
    FOREST = "forest"
    ROOM = "room"
    SPACE = "space"
    OCEAN = "ocean"
    MOUNTAIN = "mountain"
    CITY = "city"
    DESERT = "desert"
    SNOW = "snow"
    FIELD = "field"


class Relation(StrEnum):
    """A spatial relation of one entity to another."""

    NEXT_TO = "next-to"
    BEHIND = "behind"
    IN_FRONT_OF = "in-front-of"
    ON = "on"
    LEFT_OF = "left-of"
    RIGHT_OF = "right-of"
    HELD_BY = "held-by"  # the subject rides in the reference's hand


class Verb(StrEnum):
    """What an actor does during a shot; each has a motion path and an articulation cycle."""

    IDLE = "idle"
    WALK = "walk"
    RUN = "run"
    CHASE = "chase"
    JUMP = "jump"
    SIT = "sit"
    FLY = "fly"
    SWIM = "swim"
    DRIVE = "drive"
    TALK = "talk"
    LOOK = "look"
    ROLL = "roll"
    GESTURE = "gesture"  # the right arm raised and moving: waves, raises a hand or a sword, points
    FETCH = "fetch"  # goes to the target thing, takes it up (in hand, or in the mouth) and carries it from then on
    HANDLE = "handle"  # the right arm reaches out to the target and works at it: opens, lights, switches, picks up
    CLAP = "clap"  # both forearms forward, the hands beating together
    SHAKE = "shake"  # the body shudders from side to side: shakes water off, shivers


#: The verbs whose actor travels or moves its whole body: a viewer must see the body and its motion.
MOVING_VERBS = frozenset(
    {Verb.WALK, Verb.RUN, Verb.CHASE, Verb.JUMP, Verb.FLY, Verb.SWIM, Verb.DRIVE, Verb.ROLL, Verb.FETCH}
)
#: The verbs acted out in place by the limbs or the body: a viewer must see the body too.
LIMB_VERBS = frozenset({Verb.GESTURE, Verb.HANDLE, Verb.CLAP, Verb.SHAKE})


class Appearance(_Model):
    """How an entity looks: a named colour (with its sRGB value) and a size class."""

    color: str | None = None
    rgb: tuple[float, float, float] | None = Field(default=None, description="sRGB in [0, 1]")
    size: float = Field(default=1.0, gt=0.05, le=20.0, description="scale against the kind's natural size")
    descriptors: list[str] = Field(default_factory=list, description="other adjectives from the story")


class Gender(StrEnum):
    """A character's gender as the story tells it (she, he, girl, king): the voice it speaks in."""

    FEMALE = "female"
    MALE = "male"


class Character(_Model):
    """A cast member: anything that acts (people, animals, vehicles)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    kind: str = Field(description="asset kind from the library, e.g. 'dog', 'person', 'car'")
    appearance: Appearance = Field(default_factory=Appearance)
    gender: Gender | None = Field(default=None, description="as the story tells it (she, he, girl, king); None: untold")


class Prop(_Model):
    """A thing in a location that does not act. ``generic`` marks a noun the asset library did not know."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    kind: str
    appearance: Appearance = Field(default_factory=Appearance)
    generic: bool = False


class Placement(_Model):
    """``subject`` stands in ``relation`` to ``reference`` (ids of characters or props)."""

    subject: str
    relation: Relation
    reference: str


class Location(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    kind: LocationKind = LocationKind.FIELD
    time_of_day: TimeOfDay = TimeOfDay.DAY
    weather: Weather = Weather.CLEAR
    props: list[Prop] = Field(default_factory=list)
    placements: list[Placement] = Field(default_factory=list)


class Action(_Model):
    actor: str
    verb: Verb
    target: str | None = None


class Seen(StrEnum):
    """What a viewer must see of a subject for the shot's sentence to read."""

    SHOWN = "shown"  # it is named or acted on: in frame and large enough to read
    BODY = "body"  # it moves: the whole figure, and its motion in frame
    FACE = "face"  # it speaks or reacts: its face turned to the camera


class Coverage(StrEnum):
    """How a shot holds the subjects its sentence names."""

    SINGLE = "single"  # one subject (the others, if any, around it)
    TWO_SHOT = "two-shot"  # the subjects side by side, at a size that holds them all
    OVER_THE_SHOULDER = "over-the-shoulder"  # past the listener's shoulder onto the speaker's face
    INSERT = "insert"  # a close shot of the thing the sentence is about


class Line(_Model):
    """Words heard during a shot: a cast member's dialogue, or the narrator's when ``speaker`` is None."""

    text: str = Field(min_length=1, max_length=400, description="the words as spoken, without quotation marks")
    speaker: str | None = Field(default=None, description="id of the cast member who says it; None: the narrator")


class Shot(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    location: str
    duration: float = Field(gt=0.2, le=60.0, description="seconds")
    description: str = ""
    subjects: list[str] = Field(
        default_factory=list, description="ids of everyone and everything the sentence names, main first"
    )
    actions: list[Action] = Field(default_factory=list)
    size: ShotSize = ShotSize.MEDIUM
    move: CameraMove = CameraMove.STATIC
    angle: CameraAngle = CameraAngle.EYE
    transition: Transition = Transition.CUT
    seen: dict[str, Seen] = Field(
        default_factory=dict,
        description="what must be seen of each subject: its body when it moves, its face when it speaks or reacts; "
        "a subject not listed must be shown",
    )
    coverage: Coverage = Coverage.SINGLE
    unstaged: list[str] = Field(
        default_factory=list,
        description="verbs of the sentence that name a visible action no motion of the world acts out ('falls', "
        "'claps'): a viewer will not see them done",
    )
    lines: list[Line] = Field(
        default_factory=list,
        description="what is heard during the shot, in order: dialogue (speaker: a cast id; quoted speech) and "
        "narration (speaker: null)",
    )

    def frames(self, fps: int) -> int:
        """How many frames the shot lasts at ``fps``: its duration in whole frames, at least one."""
        return max(1, round(self.duration * fps))

    def must_see(self, subject: str) -> Seen:
        """What a viewer must see of ``subject`` (``Seen.SHOWN`` unless the planner marked more)."""
        return self.seen.get(subject, Seen.SHOWN)

    def framed_subjects(self) -> list[str]:
        """The subjects the camera must keep in frame: every one the sentence names (a viewer has to see who does
        what to whom), the main one setting the size; an over-the-shoulder shot's listener (its second subject)
        only has to be seen, as a shoulder at the frame's edge."""
        if self.coverage is Coverage.OVER_THE_SHOULDER and len(self.subjects) > 1:
            return [self.subjects[0], *self.subjects[2:]]
        return list(self.subjects)


class Resolution(_Model):
    """Frame size in pixels; both sides even (H.264 with yuv420p needs even sides)."""

    width: int = Field(default=1280, ge=16, le=7680)
    height: int = Field(default=720, ge=16, le=4320)

    @field_validator("width", "height")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("must be even (H.264 with yuv420p needs even sides)")
        return value

    @classmethod
    def parse(cls, text: str) -> Resolution:
        """Parse ``"1280x720"``; a bad size raises one ``ValueError`` line naming the fix."""
        fix = "use even sides from 16x16 to 7680x4320, e.g. 1280x720"
        try:
            width, height = (int(part) for part in text.lower().split("x"))
        except ValueError as error:
            raise ValueError(f"resolution {text!r} is not WIDTHxHEIGHT: {fix}") from error
        if not (16 <= width <= 7680 and 16 <= height <= 4320) or width % 2 or height % 2:
            raise ValueError(f"resolution {text} is not a size we can encode: {fix}")
        return cls(width=width, height=height)

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


class Storyboard(_Model):
    """What a planner makes of a story: who, where, and the shots, in order."""

    schema_version: str = SCHEMA_VERSION
    title: str
    cast: list[Character] = Field(default_factory=list)
    locations: list[Location]
    shots: list[Shot] = Field(min_length=1)
    unknown_nouns: list[str] = Field(default_factory=list, description="nouns shown as labelled generic props")
    look: Style | None = Field(
        default=None,
        description="the look a style word in the story asks for ('watercolor', 'an oil painting', 'neon'); a run's "
        "--style, when given, wins",
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_run_settings(cls, data: Any) -> Any:
        """Storyboards of schema 1.0 carried the run's fps, resolution and style; those are :class:`RunOptions`.
        Those of 1.0 to 1.4 load as they are, with the new version: what they lack (``Shot.seen`` before 1.2,
        ``Shot.unstaged`` before 1.3, ``Shot.lines`` and ``Character.gender`` before 1.5) is empty, and 1.4 only
        added verbs."""
        if isinstance(data, dict) and data.get("schema_version") == "1.0":
            data = {key: value for key, value in data.items() if key not in ("fps", "resolution", "style")}
        if isinstance(data, dict) and data.get("schema_version") in ("1.0", "1.1", "1.2", "1.3", "1.4"):
            data = {**data, "schema_version": SCHEMA_VERSION}
        return data

    @model_validator(mode="after")
    def _references_resolve(self) -> Storyboard:
        locations = {location.id for location in self.locations}
        entities = {character.id for character in self.cast}
        for location in self.locations:
            entities |= {prop.id for prop in location.props}
        for shot in self.shots:
            if shot.location not in locations:
                raise ValueError(f"shot {shot.id} names unknown location {shot.location!r}")
            for name in [*shot.subjects, *(a.actor for a in shot.actions), *(a.target for a in shot.actions)]:
                if name is not None and name not in entities:
                    raise ValueError(f"shot {shot.id} names unknown entity {name!r}")
            for name in shot.seen:
                if name not in shot.subjects:
                    raise ValueError(f"shot {shot.id} marks what must be seen of {name!r}, which it does not name")
            cast = {character.id for character in self.cast}
            for line in shot.lines:
                if line.speaker is not None and line.speaker not in cast:
                    raise ValueError(f"shot {shot.id} gives a line to {line.speaker!r}, who is not in the cast")
        ids = [shot.id for shot in self.shots]
        if len(ids) != len(set(ids)):
            raise ValueError("shot ids must be unique")
        return self

    def location(self, location_id: str) -> Location:
        return next(location for location in self.locations if location.id == location_id)

    def shot_start(self, shot_id: str) -> float:
        """Story time (seconds) at which a shot begins: shots run one after another on one timeline."""
        start = 0.0
        for shot in self.shots:
            if shot.id == shot_id:
                return start
            start += shot.duration
        raise KeyError(shot_id)

    @property
    def duration(self) -> float:
        return sum(shot.duration for shot in self.shots)


# ---------------------------------------------------------------------------------------------------- run options


class Director(StrEnum):
    """Who directs the camera: the hand-written baseline, or the shipped RL policy."""

    RL = "rl"
    BASELINE = "baseline"


class Renderer(StrEnum):
    """What draws the frames: the OpenGL rasterizer, or a diffusion model over its pass."""

    RASTER = "raster"
    DIFFUSION = "diffusion"


class SpeechChoice(StrEnum):
    """Who speaks the lines: ``auto`` Piper when a voice model is given, else OpenAI's speech API when
    OPENAI_API_KEY is set, else eSpeak NG (embedded, offline)."""

    AUTO = "auto"
    ESPEAK = "espeak"
    PIPER = "piper"
    OPENAI = "openai"


class PlannerChoice(StrEnum):
    """Who plans: ``auto`` the LLM when one is configured (and the llm extra installed), else the rules."""

    AUTO = "auto"
    LLM = "llm"
    RULES = "rules"


class ExecutorChoice(StrEnum):
    """Where a run's shots are filmed: ``local`` in this process, ``ray`` as Ray tasks (a local Ray instance, or a
    cluster at ``--ray-address``); the video is the same frame for frame."""

    LOCAL = "local"
    RAY = "ray"


class ReviserChoice(StrEnum):
    """Who chooses a revision: ``auto`` the LLM when one is configured, else the deterministic policy."""

    AUTO = "auto"
    LLM = "llm"
    POLICY = "policy"


#: The director a run uses unless told otherwise: the one that scores best on ``bench/bench_camera.py``.
DEFAULT_DIRECTOR = Director.BASELINE


def _resolution(value: Any) -> Any:
    return Resolution.parse(value) if isinstance(value, str) else value


#: A resolution written as ``WIDTHxHEIGHT`` wherever options are read or shown (flags, tool arguments, JSON).
ResolutionText = Annotated[
    Resolution,
    BeforeValidator(_resolution),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2,4}x\d{2,4}$"}),
]


DEFAULT_FPS = 24  # the film standard
DEFAULT_LOOK = Style.TOON
#: The size a chat films at unless told otherwise: small, to answer quickly.
CHAT_RESOLUTION = Resolution(width=640, height=360)


class FilmOptions(_Model):
    """The options of a run that any caller may set, an agent over MCP included. Each option and its default is
    defined here once: the CLI's flags, the tools' input models and the chat record are all derived from it."""

    fps: int = Field(default=DEFAULT_FPS, ge=1, le=120, description="frames per second")
    resolution: ResolutionText = Field(
        default=str(Resolution()),
        validate_default=True,
        description="WIDTHxHEIGHT in pixels, even sides (small ones like 320x180 are fast)",
    )
    style: Style | None = Field(
        default=None, description="the raster look (default: the look a style word in the story asks for, else toon)"
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="seed for every random choice")
    camera: Director = Field(
        default=DEFAULT_DIRECTOR,
        description="camera director: baseline (hand-written) or rl (the shipped policy); the baseline scores "
        "better on bench/bench_camera.py",
    )
    renderer: Renderer = Field(
        default=Renderer.RASTER,
        description="raster (OpenGL, seconds per shot on a CPU) or diffusion (a diffusers model over the raster "
        "pass: needs the diffusion extra, weights on this machine, and in practice a GPU)",
    )
    planner: PlannerChoice = Field(
        default=PlannerChoice.AUTO,
        description="auto: the LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set and the llm extra is installed, "
        "else rules; llm: require the LLM; rules: the offline rule planner",
    )
    llm_model: str | None = Field(
        default=None, max_length=200, description="chat model name (default: $STORYREEL_LLM_MODEL, else gpt-4o-mini)"
    )
    fallback: bool = Field(
        default=True,
        description="when the LLM fails, plan with the rule planner and a warning (--no-fallback: fail instead)",
    )
    retries: int = Field(
        default=3, ge=0, le=20, description="revisions per shot when its checks fail (0 films each shot once)"
    )
    run_budget: int | None = Field(
        default=None, ge=0, description="revisions in the whole run (default: twice the number of shots)"
    )
    reviser: ReviserChoice = Field(
        default=ReviserChoice.AUTO,
        description="who chooses each revision: auto (the LLM when one is configured, else the policy), llm, policy",
    )
    narrate: bool = Field(
        default=False, description="a narrator reads the story's words that are not quoted speech, shot by shot"
    )
    speech: SpeechChoice = Field(
        default=SpeechChoice.AUTO,
        description="who speaks the lines: auto (piper with --voice-model, else openai when OPENAI_API_KEY is set, "
        "else espeak), espeak (embedded, offline), piper (needs --voice-model), openai (needs OPENAI_API_KEY)",
    )
    burn_subtitles: bool = Field(
        default=False, description="draw the subtitles into the frames (they are always in final.mp4 as a track)"
    )
    credentials: bool = Field(
        default=True,
        description="sign final.mp4 and every shot clip with C2PA content credentials that say the video was made by "
        "a generative tool (--no-credentials: leave them out)",
    )


#: The run options that name a file: what it is, and what to point the flag at when it is missing.
_FILE_OPTIONS = {
    "music": ("music file", "an audio file"),
    "voice_model": ("voice model", "a Piper .onnx file"),
    "signing_key": ("signing key", "a PEM file"),
    "signing_cert": ("signing cert", "a PEM file"),
}


class RunOptions(FilmOptions):
    """Everything besides the story that decides what a run makes: :class:`FilmOptions` plus what names this
    machine's files and endpoints (which an agent over MCP may not set)."""

    #: The options that name this machine's files or network endpoints.
    LOCAL: ClassVar[tuple[str, ...]] = (
        "assets",
        "model",
        "controlnet",
        "llm_base_url",
        "music",
        "voice_model",
        "signing_key",
        "signing_cert",
        "executor",
        "ray_address",
    )

    assets: Path | None = Field(
        default=None, description="folder of GLB/OBJ files that replace procedural assets by name (dog.glb: dogs)"
    )
    model: str | None = Field(
        default=None,
        description="diffusion: Stable Diffusion weights, a local directory or a hub id in the local cache "
        "(default: Stable Diffusion 1.5)",
    )
    controlnet: str | None = Field(
        default=None, description="diffusion: the depth ControlNet, same forms (default: SD 1.5's depth ControlNet)"
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama (default: $OPENAI_BASE_URL)",
    )

    music: Path | None = Field(
        default=None,
        description="an audio file (WAV, MP3, ...) laid under the film as a music bed, ducked under speech",
    )
    voice_model: Path | None = Field(
        default=None, description="a Piper voice model (.onnx, its .onnx.json beside it): the lines are spoken by Piper"
    )

    signing_key: Path | None = Field(
        default=None,
        description="the private key (PEM) content credentials are signed with (default: a local self-signed key, "
        "made on first use)",
    )
    signing_cert: Path | None = Field(
        default=None, description="the certificate chain (PEM) of --signing-key, signing certificate first"
    )

    executor: ExecutorChoice = Field(
        default=ExecutorChoice.LOCAL,
        description="where the shots are filmed: local (this process) or ray (Ray tasks, each worker with its own "
        "OpenGL context; needs the ray extra); the video is the same frame for frame",
    )
    ray_address: str | None = Field(
        default=None,
        max_length=300,
        description="the Ray cluster to film on, e.g. ray://head:10001 or auto (default: a local Ray instance "
        "with this machine's cores)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> RunOptions:
        for name, (what, kind) in _FILE_OPTIONS.items():
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"{what} {path} does not exist: point --{name.replace('_', '-')} at {kind}")
        if (self.signing_key is None) != (self.signing_cert is None):
            raise ValueError("--signing-key and --signing-cert go together: give both, or neither for a local key")
        if self.speech == SpeechChoice.PIPER and self.voice_model is None:
            raise ValueError("--speech piper needs a voice: add --voice-model VOICE.onnx")
        if self.assets is not None and not self.assets.is_dir():
            raise ValueError(f"asset folder {self.assets} does not exist: point --assets at a folder of GLB/OBJ files")
        if self.ray_address is not None and self.executor != ExecutorChoice.RAY:
            raise ValueError("--ray-address belongs to the Ray executor: add --executor ray")
        if self.executor == ExecutorChoice.RAY and self.renderer == Renderer.DIFFUSION:
            raise ValueError("--executor ray films with the raster renderer: film --renderer diffusion locally")
        if self.renderer == Renderer.RASTER and (self.model or self.controlnet):
            raise ValueError("--model and --controlnet belong to the diffusion renderer: add --renderer diffusion")
        return self

    @classmethod
    def build(cls, **values: Any) -> RunOptions:
        """Validated options from plain values (strings are parsed); a bad value raises a one-line
        :class:`~storyreel.errors.UserError` naming the option and the fix."""
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            raise UserError(option_error(error)) from error

    def look(self, storyboard: Storyboard) -> Style:
        """The look a run films with: the one asked for with --style, else the story's own (a style word in it),
        else the default look."""
        return self.style or storyboard.look or DEFAULT_LOOK

    def key(self) -> dict[str, object]:
        """What about the options decides how a shot looks (not how it is planned or revised, nor how it sounds:
        a shot's key holds its sound itself)."""
        assets = (
            sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in self.assets.iterdir() if p.is_file())
            if self.assets
            else None
        )
        key: dict[str, object] = {
            "fps": self.fps,
            "resolution": str(self.resolution),
            "style": self.style.value if self.style else None,
            "seed": self.seed,
            "assets": assets,
            "camera": self.camera.value,
            "burn_subtitles": self.burn_subtitles,  # the sound is in each shot's key as what it is
            "credentials": self.credentials,
        }
        if self.renderer != Renderer.RASTER:
            key |= {"renderer": self.renderer.value, "model": self.model, "controlnet": self.controlnet}
        return key


def option_error(error: ValidationError) -> str:
    """The first problem of a :class:`RunOptions` validation as one line: the flag, its value, and the fix."""
    problem = error.errors()[0]
    reason = problem["msg"].removeprefix("Value error, ")
    if not problem["loc"]:
        return reason
    name = str(problem["loc"][0])
    value = problem.get("input")
    field = RunOptions.model_fields.get(name)
    flag = f"--{name.replace('_', '-')}"
    if field is None:
        return f"{flag} is not an option: see storyreel make --help"
    bounds = {type(m).__name__: m for m in field.metadata}
    low = getattr(bounds.get("Ge"), "ge", None)
    high = getattr(bounds.get("Le"), "le", None)
    if problem["type"] in ("greater_than_equal", "less_than_equal") and low is not None and high is not None:
        return f"{flag} {value} is out of range: use {low} to {high}"
    if problem["type"] == "greater_than_equal" and low == 0:
        return f"{flag} {value} is negative: use 0 or more"
    if problem["type"].startswith("int_"):
        return f"{flag} {value!r} is not a whole number" + (f": use {low} to {high}" if high is not None else "")
    if problem["type"] == "enum":
        return f"{flag} {value!r} is not a choice: use {problem['ctx']['expected'].replace(chr(39), '')}"
    if name == "resolution":
        return f"--{reason}"
    return f"{flag} {value!r}: {reason}"


class CameraPath(_Model):
    """Per-frame camera: position (metres, world), orientation (unit quaternion w, x, y, z; camera looks down -z,
    +y up, as OpenGL) and vertical field of view (degrees)."""

    fps: int
    positions: list[tuple[float, float, float]]
    orientations: list[tuple[float, float, float, float]]
    fov_y: list[float]

    @model_validator(mode="after")
    def _same_length(self) -> CameraPath:
        if not (len(self.positions) == len(self.orientations) == len(self.fov_y)) or not self.positions:
            raise ValueError("positions, orientations and fov_y need the same, non-zero length")
        return self

    @property
    def frames(self) -> int:
        return len(self.positions)


class Voice(_Model):
    """How one speaker sounds: the engine and its voice, shifted in pitch and paced; ``speaker`` None is the
    narrator."""

    speaker: str | None = None
    engine: str = Field(description="espeak, piper or openai")
    name: str = Field(description="the engine's voice: 'en-us+m3' (eSpeak NG), 'alloy' (OpenAI), a Piper speaker")
    pitch: float = Field(default=0.0, ge=-12.0, le=12.0, description="semitones above (below) the voice's own")
    speed: float = Field(default=1.0, ge=0.5, le=2.0, description="pace against the voice's own")


class SpokenLine(_Model):
    """A line as the film plays it: when it is heard, in seconds of the final cut (its subtitle cue)."""

    shot_id: str
    text: str
    speaker: str | None = Field(default=None, description="cast id; None: the narrator")
    start_s: float = Field(ge=0.0)
    end_s: float = Field(ge=0.0)


class CheckResult(_Model):
    """One check of one shot: a score against a threshold, and what to change when it fails."""

    name: str
    shot_id: str
    score: float
    threshold: float
    higher_is_better: bool
    passed: bool
    detail: str = ""
    suggestion: str = ""
    per_frame: list[float] = Field(default_factory=list)


class LineOfAction(_Model):
    """The line a cut should not take the camera across, on the ground plane (y = 0): through two subjects (the
    direction runs from the first named to the second, the origin is their midpoint) or along one subject's travel
    (the origin is the subject)."""

    subjects: list[str] = Field(min_length=1, max_length=2)
    origin: tuple[float, float, float]
    direction: tuple[float, float, float] = Field(description="unit vector, y = 0")


class CameraPose(_Model):
    """The camera at one frame (see :class:`CameraPath`)."""

    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float]
    fov_y: float


class SubjectAppearance(_Model):
    """How a character looks in one shot: the mean chroma (each channel's share of r + g + b, in linear light
    with the location's light divided out) of the pixels its instance mask covers, over a few frames."""

    name: str
    pixels: int = Field(ge=0, description="pixels the mean is taken over")
    chroma: tuple[float, float, float]
    embedding: tuple[float, ...] | None = Field(
        default=None, description="unit image embedding of its crops, when an identity model is installed"
    )


class ShotSummary(_Model):
    """What later shots are checked against: where the camera and the subjects were at the first and last frame,
    the line of action and the camera's side of it (-1 or 1; 0 without a line), and how each character looked."""

    shot_id: str
    location: str
    size: ShotSize
    transition: Transition = Transition.CUT
    start: float = Field(description="story time of the first frame, seconds")
    frames: int
    aspect: float = Field(gt=0, description="frame width over height")
    subjects: list[str] = Field(default_factory=list, description="the shot's subjects in the world, main first")
    camera_first: CameraPose
    camera_last: CameraPose
    line_first: LineOfAction | None = None
    line_last: LineOfAction | None = None
    side_first: int = Field(default=0, ge=-1, le=1)
    side_last: int = Field(default=0, ge=-1, le=1)
    positions_first: dict[str, tuple[float, float, float]] = Field(default_factory=dict)
    positions_last: dict[str, tuple[float, float, float]] = Field(default_factory=dict)
    appearances: list[SubjectAppearance] = Field(default_factory=list)


class RevisionAction(StrEnum):
    """A concrete change the agent can make to a shot after a check fails."""

    RESEED_CAMERA = "reseed-camera"  # direct the camera again from another seed (another view)
    WIDER_SHOT = "wider-shot"  # one shot size wider
    TIGHTER_SHOT = "tighter-shot"  # one shot size tighter
    STAND_BACK = "stand-back"  # keep the framing but give the subjects more room (tighter framing constraint)
    RAISE_CAMERA = "raise-camera"  # look over what is in the way
    MOVE_CAMERA = "move-camera"  # swing the camera round the subject to another side of the occluder
    STEADY_CAMERA = "steady-camera"  # a static camera instead of the move
    FOLLOW_SUBJECT = "follow-subject"  # a tracking camera instead of one that holds still while the subject travels
    CROSS_BACK = "cross-back"  # put the camera back on the previous shot's side of the line of action
    FACE_SUBJECT = "face-subject"  # film the subject whose face is owed from its front
    STRONGER_CONSISTENCY = "stronger-consistency"  # diffusion: more noise warping and latent blending
    KEYFRAME_MODE = "keyframe-mode"  # diffusion: diffuse keyframes, fill the rest along the exact flow
    RESEED_RENDER = "reseed-render"  # diffusion: another seed
    TIGHTEN_PROMPT = "tighten-prompt"  # diffusion: weight the character's appearance in the prompt


class ShotDirection(_Model):
    """How the agent films a shot on top of what the storyboard asks: the knobs a revision turns."""

    camera_seed: int = 0
    size: ShotSize | None = Field(default=None, description="overrides the storyboard's shot size")
    move: CameraMove | None = Field(default=None, description="overrides the storyboard's camera move")
    elevation_offset: float = Field(default=0.0, description="degrees added to the angle's elevation")
    azimuth_offset: float = Field(default=0.0, description="degrees the camera swings round the subject")
    distance_scale: float = Field(default=1.0, gt=0.2, le=5.0, description="how far back the camera stands")
    side: int = Field(default=0, ge=-1, le=1, description="-1 or 1 keeps the camera on that side of the line")
    line: LineOfAction | None = Field(
        default=None, description="the line ``side`` is a side of; None: the shot's own line of action at its start"
    )
    face: bool = Field(default=False, description="the camera stands in front of the main subject's face")
    render_seed: int = 0
    consistency: int = Field(default=0, ge=0, description="steps of stronger diffusion consistency")
    keyframes: bool = False
    tight_prompt: bool = False


class Revision(_Model):
    """What the agent changed after an attempt failed, and why."""

    check: str = Field(description="the failed check that asked for it")
    action: RevisionAction
    change: str = Field(description="the change in words, e.g. 'shot size medium -> full'")
    chosen_by: str = Field(default="policy", description="'policy' (deterministic) or 'llm'")


class Attempt(_Model):
    """One try at a shot: how it was filmed, how it scored, and the revision that followed when it failed."""

    number: int = Field(ge=1)
    direction: ShotDirection = Field(default_factory=ShotDirection)
    checks: list[CheckResult] = Field(default_factory=list)
    revision: Revision | None = None
    thumbnail: str = Field(default="", description="the attempt's middle frame, relative to the run directory")


class ShotOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # a check failed and no revision was left that addresses it
    RETRIES_EXHAUSTED = "retries-exhausted"  # the shot's own retries (--retries) ran out first
    BUDGET_EXHAUSTED = "budget-exhausted"  # the run's revision budget (--run-budget) ran out first


class Drawn(_Model):
    """One thing a shot shows and the asset family that draws it; ``box`` when no family fits (a labelled box)."""

    id: str
    name: str
    kind: str
    box: bool = False


class ShotReport(_Model):
    shot_id: str
    location: str
    frames: int
    start_s: float
    duration_s: float
    clip: str
    thumbnail: str = Field(default="", description="the shot's middle frame, relative to the run directory")
    checks: list[CheckResult] = Field(default_factory=list)
    attempts: list[Attempt] = Field(default_factory=list, description="every try, in order")
    kept_attempt: int | None = Field(
        default=None, description="the attempt the clip shows: the one that passed, else the one that failed least"
    )
    outcome: ShotOutcome | None = None
    drawn: list[Drawn] = Field(
        default_factory=list, description="what the shot names and the location holds, and what draws each"
    )
    sentence: str = Field(default="", description="the story's words the shot films")
    seen: dict[str, float] = Field(
        default_factory=dict, description="each subject the sentence names: the share of frames that show it"
    )
    marked: str = Field(default="", description="the middle frame with the named subjects boxed, relative path")
    must_see: dict[str, Seen] = Field(
        default_factory=dict, description="what the sentence asks to be seen of each subject (Shot.seen)"
    )
    coverage: Coverage = Coverage.SINGLE
    unstaged: list[str] = Field(
        default_factory=list, description="verbs of the sentence no motion of the world acts out (Shot.unstaged)"
    )
    lines: list[SpokenLine] = Field(default_factory=list, description="the lines heard in the shot, when")
    reused: bool = Field(
        default=False, description="the clip was kept from an earlier run in this directory, not filmed by this one"
    )

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


class RunReport(_Model):
    """What a run made and how it scored. Paths are relative to the run directory."""

    schema_version: str = SCHEMA_VERSION
    title: str
    run_dir: str = Field(default="", description="the run directory, as given")
    seed: int
    fps: int
    resolution: Resolution
    style: Style
    renderer: str = "raster"
    gl_device: str = Field(default="", description="the OpenGL device the raster pass drew on (GL_RENDERER)")
    frames: int
    duration_s: float
    final_video: str
    contact_sheet: str
    storyboard: str
    scenes: list[str]
    shots: list[ShotReport]
    checks: list[CheckResult] = Field(default_factory=list, description="checks of the whole film, across shots")
    revisions: int = Field(default=0, description="revisions made in this run")
    revision_budget: int | None = Field(default=None, description="the run's revision budget")
    unknown_nouns: list[str] = Field(default_factory=list)
    voices: list[Voice] = Field(default_factory=list, description="each speaker's voice, the narrator's included")
    subtitles: list[str] = Field(default_factory=list, description="the subtitle files (SRT, WebVTT)")
    loudness_lufs: float | None = Field(default=None, description="final.mp4's integrated loudness; None: silent")
    music: str | None = Field(default=None, description="the music bed's file name")
    timeline: str = Field(default="", description="the final cut as an OpenTimelineIO timeline (timeline.otio)")
    credentials: str = Field(
        default="", description="who signed the C2PA content credentials of final.mp4 and the clips; '' without them"
    )
    warnings: list[str] = Field(default_factory=list)
    timings_s: dict[str, float] = Field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(shot.passed for shot in self.shots) and all(check.passed for check in self.checks)


EXPORTED_MODELS: tuple[type[BaseModel], ...] = (Storyboard, CameraPath, CheckResult, RunReport)


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each exported model, keyed by model name."""
    return {model.__name__: model.model_json_schema() for model in EXPORTED_MODELS}
