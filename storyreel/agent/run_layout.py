"""Where a run's files live in its directory, and the key of each shot.

A shot's key (:func:`shot_keys`) hashes exactly what its clip depends on, so the run store can tell which shots an
edit made stale (:func:`stale_shots`) and a resumed run films only those.
"""

from __future__ import annotations

from dataclasses import replace

from storyreel.agent.run_store import RunStore, content_key
from storyreel.errors import UserError
from storyreel.schema import RunOptions, Shot, SpeechChoice, Storyboard, Transition
from storyreel.tools.credentials import Credentials, load_credentials, local_credentials
from storyreel.tools.soundtrack import Soundtrack, score
from storyreel.tools.speech import EspeakEngine, SpeechError, speech_engine

STATE = ".storyreel"
PLAN = "storyboard.json"
OPTIONS = "options.json"  # the run's options, for stage tools that go on with the run
FINAL = "final.mp4"
CONTACT_SHEET = "contact_sheet.png"
REPORT = "report.json"
TIMELINE = "timeline.otio"
LINES = f"{STATE}/lines"  # each line spoken, kept so a remote speech engine is asked once


def soundtrack(storyboard: Storyboard, store: RunStore, options: RunOptions) -> Soundtrack:
    """The run's sound: ``storyboard``'s lines spoken by the engine the options choose (kept in the store), the
    shots paced to hold them, and the mix over the options' music. An engine ``--speech auto`` chose that fails
    (OpenAI's API, unreachable) leaves the lines to eSpeak NG with a warning; one asked for by name stops the run
    with one line."""
    engine = speech_engine(options.speech, voice_model=options.voice_model, base_url=options.llm_base_url)
    try:
        return score(storyboard, engine, options.fps, music=options.music, cache=store.path(LINES))
    except SpeechError as error:
        if options.speech != SpeechChoice.AUTO:
            raise UserError(f"--speech {options.speech.value} failed: {error}") from error
        sound = score(storyboard, EspeakEngine(), options.fps, music=options.music, cache=store.path(LINES))
        warning = f"{engine.name} speech failed ({error}); the lines are spoken by eSpeak NG instead"
        return replace(sound, warnings=[warning])


def run_credentials(options: RunOptions) -> Credentials | None:
    """The key a run signs its videos with: the user's (--signing-key, --signing-cert), else the local self-signed
    one (made on first use); None with --no-credentials."""
    if not options.credentials:
        return None
    if options.signing_key is not None and options.signing_cert is not None:
        return load_credentials(options.signing_key, options.signing_cert)
    return local_credentials()


def shot_keys(storyboard: Storyboard, options: RunOptions, sound: dict[str, str]) -> dict[str, str]:
    """Each shot's key: a hash of exactly what its clip and report depend on. That is the world during the shot
    (:func:`world_inputs`), the shot's own fields (its description only captions the contact sheet and the
    report), its start time, the run options and the look they film the story in, its ``sound`` (a digest of the
    samples under it: ``Soundtrack.shot_keys``), and for a dissolve the previous shot's key (its last frame is
    blended in). Editing one shot's camera therefore changes one key; an edit that moves things changes that
    shot's and the later ones at its location; a changed duration also shifts every later shot in story time; a
    changed line changes its shot's sound."""
    keys: dict[str, str] = {}
    previous = ""
    for shot in storyboard.shots:
        incoming = previous if shot.transition == Transition.DISSOLVE else ""
        own = shot.model_dump(mode="json", exclude={"description"})
        start = storyboard.shot_start(shot.id)
        look = options.look(storyboard).value
        previous = keys[shot.id] = content_key(
            world_inputs(storyboard, shot), own, start, options.key(), look, sound[shot.id], incoming
        )
    return keys


def stale_shots(storyboard: Storyboard, store: RunStore, options: RunOptions) -> list[str]:
    """The ids of the shots a run would film now (the rest are fresh in the store)."""
    sound = soundtrack(storyboard, store, options)
    keys = shot_keys(sound.storyboard, options, sound.shot_keys())
    return [shot.id for shot in sound.storyboard.shots if not shot_is_fresh(store, shot, keys[shot.id])]


def shot_is_fresh(store: RunStore, shot: Shot, key: str) -> bool:
    """Whether the store holds this shot's clip, report, summary and camera path made under ``key``."""
    names = (clip_name(shot), state_name(shot, "json"), summary_name(shot), camera_name(shot))
    return all(store.fresh(name, key) for name in names)


def world_inputs(storyboard: Storyboard, shot: Shot) -> dict[str, object]:
    """What the world of a shot's location is during that shot: the location; the cast members who appear there
    in any shot (they stand in that world throughout, and their order numbers the instance ids); and the parts of
    every shot there up to and including this one that move things (ids, actions, subjects, durations, start
    times). Later shots only add motion after this one ends, so they are left out."""
    here = [s for s in storyboard.shots if s.location == shot.location]
    appearing = {
        name for s in here for name in [*s.subjects, *(a.actor for a in s.actions), *(a.target for a in s.actions)]
    }
    return {
        "location": storyboard.location(shot.location).model_dump(mode="json"),
        "cast": [c.model_dump(mode="json") for c in storyboard.cast if c.id in appearing],
        "shots": [
            {
                "id": s.id,
                "start": storyboard.shot_start(s.id),
                "duration": s.duration,
                "subjects": s.subjects,
                "actions": [a.model_dump(mode="json") for a in s.actions],
            }
            for s in here[: here.index(shot) + 1]
        ],
    }


def clip_name(shot: Shot) -> str:
    return f"shots/{shot.id}.mp4"


def attempt_clip_name(shot: Shot, attempt: int) -> str:
    """Where an attempt's clip waits until the shot keeps one of its attempts as ``clip_name``."""
    return state_name(shot, f"{attempt}.mp4")


def camera_name(shot: Shot) -> str:
    """The camera path the shot's clip was filmed along (its GLB's animated camera)."""
    return state_name(shot, "camera.json")


def thumbnail_name(shot: Shot, attempt: int | None = None) -> str:
    return f"thumbs/{shot.id}.png" if attempt is None else f"thumbs/{shot.id}.{attempt}.png"


def marked_name(shot: Shot) -> str:
    """The shot's middle frame with the subjects its sentence names boxed and labelled."""
    return f"thumbs/{shot.id}.marked.png"


def state_name(shot: Shot, suffix: str) -> str:
    return f"{STATE}/{shot.id}.{suffix}"


def summary_name(shot: Shot) -> str:
    return state_name(shot, "summary.json")
