r"""The agent: a LangGraph state graph that plans, films shot by shot, checks, revises, assembles and reports.

::

    plan -> scene -> next_shot -> take -> check --(passed)--> accept -> next_shot ... -> assemble -> report
                         |                   \--(failed)--> revise -> take
                         \--(fresh in the run store)--> check

Each node is a small function over :class:`AgentState` that calls the tools (``tools/``) and returns what it
changed; the graph only decides what runs next. ``plan`` also makes the film's sound (``tools/soundtrack``): it
depends on the storyboard alone, and pacing a shot to hold its lines changes its duration, so it comes before any
world is built; each clip then carries its segment of it, and ``assemble`` lays it whole under final.mp4 with the
subtitles. A failed check is revised by the policy in ``revision.py`` (or,
with an LLM configured, by the LLM choosing among the same changes), starting from the shot's best attempt so far
(a change that made things worse is not built on), within a retry budget per shot and one for
the whole run; what could not be fixed is reported as failed, never hidden. ``take`` has the run's executor
(``executors.py``: this process, or Ray tasks) direct, film at the size the checks read and check an attempt on its
own (``tools/take``); ``check`` adds the checks against earlier shots; ``accept`` hands the kept attempt to the
executor, which films it at the output size while the graph goes on, and ``assemble`` waits for it. Every artifact
goes through the run store, so a killed run resumes and an unchanged shot is not filmed again; checks between shots
are run again on resume, because an earlier shot may have changed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypedDict

import numpy as np
from langgraph.graph import END, START, StateGraph
from numpy.typing import NDArray

from storyreel import __version__, planners
from storyreel.agent.executors import Executor, LocalExecutor, TakeRequest, executor_for
from storyreel.agent.report_page import write_report_html
from storyreel.agent.revision import RENDER_ACTIONS, RevisionOption, choose_revision, revision_options
from storyreel.agent.run_layout import (
    CONTACT_SHEET,
    FINAL,
    OPTIONS,
    PLAN,
    REPORT,
    TIMELINE,
    attempt_clip_name,
    camera_name,
    clip_name,
    marked_name,
    run_credentials,
    shot_is_fresh,
    shot_keys,
    soundtrack,
    state_name,
    summary_name,
    thumbnail_name,
    world_inputs,
)
from storyreel.agent.run_store import RunStore, content_key
from storyreel.atomic import atomic_path
from storyreel.planners import MAX_SHOTS, LLMSettings, PlannerSettings
from storyreel.progress import Bar, progress_bar
from storyreel.schema import (
    Attempt,
    CameraPath,
    CheckResult,
    Drawn,
    LineOfAction,
    RunOptions,
    RunReport,
    Shot,
    ShotDirection,
    ShotOutcome,
    ShotReport,
    ShotSummary,
    Storyboard,
)
from storyreel.timing import add_timings, timed
from storyreel.tools.checks import check_against_earlier, check_film, marked, subjects_seen
from storyreel.tools.credentials import Credentials, Signing
from storyreel.tools.film import ClipExtras, Filmed, PreviousLast
from storyreel.tools.render.raster import gl_device
from storyreel.tools.scene import build_world
from storyreel.tools.scene_cameras import ShotCamera, add_cameras
from storyreel.tools.soundtrack import TARGET_LUFS, Soundtrack, loudness, normalized
from storyreel.tools.subtitles import SRT, SubtitleBurner, write_subtitles
from storyreel.tools.take import Take
from storyreel.tools.timeline import write_timeline
from storyreel.tools.video import concat_clips, contact_sheet
from storyreel.world.world import World

log = logging.getLogger("storyreel")

LINE_ALIGNMENT = 0.5  # |cos| between two lines of action above which a side of one is kept as a side of the other

#: Called with the fraction done (0-1) and what is happening, before each shot, before assembly and at the end.
#: It may raise to cancel the run between shots: finished shots stay in the run store, final.mp4 is not written.
ProgressCallback = Callable[[float, str], None]
#: Checks added to a shot's own (shot, attempt number) -> results: how tests inject failures into the loop.
ExtraChecks = Callable[[Shot, int], list[CheckResult]]


@dataclass(frozen=True)
class AgentSettings:
    """How hard the agent tries, and who chooses its revisions (from :class:`RunOptions`: ``pipeline.py``)."""

    shot_retries: int  # revisions per shot
    run_budget: int | None  # revisions in the whole run; None: twice as many as there are shots
    llm: LLMSettings | None = None  # chooses among the revisions when set; else the deterministic policy
    extra_checks: ExtraChecks | None = None

    def budget(self, shots: int) -> int:
        return 2 * shots if self.run_budget is None else self.run_budget


@dataclass
class Kept:
    """The attempt a shot keeps so far: the one that failed least (see :func:`_shortfall`), the latest among equals.
    It is filmed at the output size once the shot is accepted (a diffused attempt's clip waits at
    ``filmed.clip``)."""

    number: int
    filmed: Filmed
    path: CameraPath
    summary: ShotSummary
    checks: list[CheckResult]


class AgentState(TypedDict, total=False):
    """What the graph carries from node to node. Nodes return only the keys they change."""

    # what to plan, when the run starts from a story
    story: str
    request: str
    planner: PlannerSettings
    out: Path | None
    force: bool
    # the run
    storyboard: Storyboard
    store: RunStore
    options: RunOptions
    settings: AgentSettings
    warnings: list[str]
    timings: dict[str, float]
    sound: Soundtrack
    credentials: Credentials | None  # signs every video of the run; None with --no-credentials
    worlds: dict[str, World]
    keys: dict[str, str]
    # the shot in hand
    index: int
    direction: ShotDirection
    attempts: list[Attempt]
    shot_revisions: int
    path: CameraPath | None  # the last take's camera
    take: Take | None
    cached: ShotReport | None
    kept: Kept | None
    checks: list[CheckResult]
    summary: ShotSummary
    options_left: list[RevisionOption]
    verdict: Literal["accept", "revise"]
    outcome: ShotOutcome
    # the film so far
    reports: list[ShotReport]
    cameras: list[CameraPath]
    summaries: list[ShotSummary]
    thumbnails: list[NDArray[np.uint8]]
    previous_last: PreviousLast
    revisions: int
    subtitles: list[str]
    loudness: float | None  # final.mp4's integrated loudness (LUFS); None: silent
    report: RunReport


@dataclass
class Agent:
    """The graph's nodes, with what they report to (progress bar and callback)."""

    progress: bool = True
    on_progress: ProgressCallback | None = None
    _bar: Bar = field(init=False, repr=False)  # the shots' progress bar, made by each run
    _executor: Executor = field(init=False, repr=False)  # films takes and kept attempts, made by each run

    def graph(self) -> Any:
        """The compiled state graph."""
        graph = StateGraph(AgentState)
        for name, node in (
            ("plan", self.plan),
            ("scene", self.scene),
            ("next_shot", self.next_shot),
            ("take", self.take),
            ("check", self.check),
            ("revise", self.revise),
            ("accept", self.accept),
            ("assemble", self.assemble),
            ("report", self.report),
        ):
            graph.add_node(name, node)
        graph.add_edge(START, "plan")
        graph.add_edge("plan", "scene")
        graph.add_edge("scene", "next_shot")
        graph.add_conditional_edges("next_shot", _after_next_shot, ["take", "check", "assemble"])
        graph.add_edge("take", "check")
        graph.add_conditional_edges("check", lambda state: state["verdict"], {"accept": "accept", "revise": "revise"})
        graph.add_edge("revise", "take")
        graph.add_edge("accept", "next_shot")
        graph.add_edge("assemble", "report")
        graph.add_edge("report", END)
        return graph.compile()

    def run(self, state: AgentState, timings: dict[str, float] | None = None) -> RunReport:
        """Run the graph from ``state``: a ``story`` to plan (with ``request``, ``planner``, ``out`` and ``force``)
        or a planned ``storyboard`` with its ``store``; plus ``options`` and ``settings``. Returns the report."""
        shots = len(state["storyboard"].shots) if "storyboard" in state else MAX_SHOTS
        steps_per_shot = 2 + 3 * (state["settings"].shot_retries + 1)
        start: AgentState = {
            "warnings": [],
            "timings": {} if timings is None else timings,
            "index": 0,
            "reports": [],
            "cameras": [],
            "summaries": [],
            "thumbnails": [],
            "previous_last": None,
            "revisions": 0,
        }
        self._bar = progress_bar(0, "shots", "shot", enabled=False)  # the plan node makes the real one
        self._executor = LocalExecutor()  # the scene node makes the run's own, once its options are known
        try:
            final = self.graph().invoke(start | state, {"recursion_limit": 10 + steps_per_shot * shots})
        finally:
            self._executor.close(cancel=True)  # after a failure: the clip being filmed completes, the rest not
            self._bar.close()
        report: RunReport = final["report"]
        return report

    # ---------------------------------------------------------------------------------------------------- nodes

    def plan(self, state: AgentState) -> AgentState:
        """Plan the story, unless the run starts from a storyboard. The run directory is opened only once the
        story is planned, so a story that cannot be planned leaves none behind; a resumed run reuses its plan."""
        if "storyboard" in state:
            with timed(state["timings"], "sound"):
                sound = soundtrack(state["storyboard"], state["store"], state["options"])
            state["store"].write_model(PLAN, sound.storyboard)
            state["store"].write_model(OPTIONS, state["options"])
            self._start_bar(len(state["storyboard"].shots))
            return {
                "storyboard": sound.storyboard,
                "sound": sound,
                "credentials": run_credentials(state["options"]),
                "warnings": [*state["warnings"], *sound.warnings],
            }
        options, request, out, force = state["options"], state["request"], state.get("out"), state.get("force", False)
        planned = _cached_plan(out, request) if out is not None and not force else None
        warnings: list[str] = []
        if planned is None:
            with timed(state["timings"], "plan"):
                made = planners.plan(state["story"], state["planner"], fps=options.fps, seed=options.seed)
            planned, warnings = made.storyboard, made.warnings
        store = RunStore.open(out if out is not None else Path("runs") / _slug(planned.title), request, force=force)
        with timed(state["timings"], "sound"):
            sound = soundtrack(planned, store, options)
        planned = sound.storyboard
        store.write_model(PLAN, planned)
        store.write_model(OPTIONS, options)
        if not warnings:  # a fallback plan is not kept: resuming asks the LLM again
            store.record(PLAN, request)
        self._start_bar(len(planned.shots))
        warnings += sound.warnings
        return {
            "storyboard": planned,
            "store": store,
            "sound": sound,
            "credentials": run_credentials(options),
            "warnings": [*state["warnings"], *warnings],
        }

    def scene(self, state: AgentState) -> AgentState:
        """Build each location's World once (exported as GLB, with the shots' cameras, once they are filmed)."""
        storyboard, options = state["storyboard"], state["options"]
        with timed(state["timings"], "scene"):
            worlds = {
                location.id: build_world(storyboard, location.id, seed=options.seed, asset_dir=options.assets)
                for location in storyboard.locations
            }
        keys = shot_keys(storyboard, options, state["sound"].shot_keys())
        self._executor = executor_for(options)
        ahead = [shot for shot in storyboard.shots if not shot_is_fresh(state["store"], shot, keys[shot.id])]
        self._executor.start(storyboard, worlds, options, ahead)
        return {"worlds": worlds, "keys": keys}

    def next_shot(self, state: AgentState) -> AgentState:
        """Take up the next shot: load it when the store holds it fresh, else start its first attempt."""
        storyboard, index = state["storyboard"], state["index"]
        if index >= len(storyboard.shots):
            return {}
        shot = storyboard.shots[index]
        if self.on_progress is not None:
            self.on_progress(index / (len(storyboard.shots) + 1), f"{shot.id}: filming")
        self._bar.set_postfix_str(shot.id)
        update: AgentState = {
            "attempts": [],
            "shot_revisions": 0,
            "cached": None,
            "kept": None,
            "take": None,
            "path": None,
        }
        store = state["store"]
        if shot_is_fresh(store, shot, state["keys"][shot.id]):
            cached = store.read_model(state_name(shot, "json"), ShotReport)
            last_attempt = cached.attempts[-1] if cached.attempts else Attempt(number=1)
            summary = store.read_model(summary_name(shot), ShotSummary)
            return update | {
                "cached": cached,
                "attempts": list(cached.attempts),
                "direction": last_attempt.direction,
                "summary": summary,
            }
        return update | {"direction": ShotDirection()}

    def take(self, state: AgentState) -> AgentState:
        """Have the executor direct, film and check an attempt at the shot in hand, as its direction says; a change
        to the render alone (diffusion settings) keeps the last take's camera."""
        shot, attempts = self._shot(state), state["attempts"]
        self._bar.set_postfix_str(f"{shot.id}{_attempt(state)}: filming")
        revision = attempts[-1].revision if attempts else None
        same_camera = revision is not None and revision.action in RENDER_ACTIONS
        request = TakeRequest(
            shot,
            state["direction"],
            clip=state["store"].path(attempt_clip_name(shot, len(attempts) + 1)),
            path=state.get("path") if same_camera else None,
            previous_last=state["previous_last"],
            sound=_clip_extras(state, shot),
        )
        take = self._executor.take(request)
        add_timings(state["timings"], take.timings)
        return {"take": take, "path": take.path, "cached": None}

    def check(self, state: AgentState) -> AgentState:
        """Check the attempt (the shot's own checks, then against earlier shots) and decide: accept or revise."""
        shot, settings = self._shot(state), state["settings"]
        direction, cached, earlier = state["direction"], state.get("cached"), state["summaries"]
        with timed(state["timings"], "check"):
            if cached is None:
                take = state["take"]
                assert take is not None, "the take node runs first"
                summary, own = take.summary, take.checks
                between = check_against_earlier(summary, earlier)
            else:
                summary = state["summary"]
                between = check_against_earlier(summary, earlier)
                own = [check for check in cached.checks if check.name not in {c.name for c in between}]
        attempt_number = len(state["attempts"]) + (0 if cached is not None else 1)
        extra = settings.extra_checks(shot, attempt_number) if settings.extra_checks else []
        checks = [*own, *between, *extra]
        # A shot loaded from the store was revised when it was made: only checks against shots that may have
        # changed since (and injected ones) can send it back.
        revisable = [c for c in (checks if cached is None else [*between, *extra]) if not c.passed]
        attempts = list(state["attempts"])
        update: AgentState = {"checks": checks, "summary": summary, "options_left": []}
        if cached is None:
            take = state["take"]
            assert take is not None
            thumbnail = thumbnail_name(shot, attempt_number)
            state["store"].write_image(thumbnail, take.filmed.thumbnail)
            attempts.append(Attempt(number=attempt_number, direction=direction, checks=checks, thumbnail=thumbnail))
            update["kept"] = _keep(state.get("kept"), Kept(attempt_number, take.filmed, take.path, summary, checks))
        elif attempts:
            attempts[-1] = attempts[-1].model_copy(update={"checks": checks})
        update["attempts"] = attempts
        if not revisable:
            failed_any = any(not check.passed for check in checks)
            outcome = ShotOutcome.FAILED if failed_any else ShotOutcome.PASSED
            if cached is not None and cached.outcome is not None and failed_any:
                outcome = cached.outcome
            return update | {"verdict": "accept", "outcome": outcome}
        retries_left = settings.shot_retries - state["shot_revisions"]
        budget_left = settings.budget(len(state["storyboard"].shots)) - state["revisions"]
        best = update.get("kept") if cached is None else None
        if best is not None and best.number == attempt_number:
            best = None  # the last attempt is the best: go on from it
        options = self._options(state, shot, attempts, revisable, direction, _side_to_keep(summary, earlier))
        if best is not None:  # the last change made things worse: go on from the best, with what it failed
            from_best = self._options(
                state,
                shot,
                attempts,
                [check for check in best.checks if not check.passed],
                attempts[best.number - 1].direction,
                _side_to_keep(best.summary, earlier),
            )
            # ... unless nothing is left to try from there: then on from the last attempt, worse as it is
            options = [_from_attempt(option, best.number) for option in from_best] or options
        if retries_left <= 0 and options:
            return update | {"verdict": "accept", "outcome": ShotOutcome.RETRIES_EXHAUSTED}
        if budget_left <= 0 and options:
            return update | {"verdict": "accept", "outcome": ShotOutcome.BUDGET_EXHAUSTED}
        if not options:
            return update | {"verdict": "accept", "outcome": ShotOutcome.FAILED}
        return update | {"verdict": "revise", "options_left": options}

    @staticmethod
    def _options(
        state: AgentState,
        shot: Shot,
        attempts: list[Attempt],
        failed: list[CheckResult],
        direction: ShotDirection,
        keep: tuple[int, LineOfAction | None],
    ) -> list[RevisionOption]:
        """The changes to ``direction`` that address the ``failed`` checks, leaving out the ``attempts``' own."""
        return revision_options(
            failed,
            direction,
            shot,
            renderer=state["options"].renderer,
            keep=keep,
            tried=[attempt.direction for attempt in attempts],
            used=[attempt.revision.action for attempt in attempts if attempt.revision is not None],
        )

    def revise(self, state: AgentState) -> AgentState:
        """Choose one change (the LLM when configured, else the policy) and record it on the attempt."""
        shot, options = self._shot(state), state["options_left"]
        chosen = self._choose(state, shot, options)
        attempts = list(state["attempts"])
        if attempts:
            attempts[-1] = attempts[-1].model_copy(update={"revision": chosen.revision})
        log.info("%s: %s failed; %s", shot.id, chosen.revision.check, chosen.revision.change)
        self._bar.set_postfix_str(f"{shot.id}: {chosen.revision.check} failed, {chosen.revision.change}")
        return {
            "direction": chosen.direction,
            "attempts": attempts,
            "shot_revisions": state["shot_revisions"] + 1,
            "revisions": state["revisions"] + 1,
        }

    def accept(self, state: AgentState) -> AgentState:
        """Keep the shot's best attempt (the one that passed, else the one that failed least): film it at the output
        size on the finisher's thread (or move a diffused attempt's clip into place), write its report, summary and
        thumbnails, and record them in the store once its clip is written."""
        shot, store, storyboard = self._shot(state), state["store"], state["storyboard"]
        key = state["keys"][shot.id]
        cached, kept = state.get("cached"), state.get("kept")
        names = (state_name(shot, "json"), summary_name(shot), clip_name(shot), camera_name(shot))

        def record(last: NDArray[np.uint8] | None = None) -> None:
            if last is not None:  # the clip's last frame, for the next shot's dissolve on resume
                store.write_array(state_name(shot, "last.npy"), last)
            store.record_all(names, key)

        last: PreviousLast
        if kept is not None:
            store.write_image(thumbnail_name(shot), kept.filmed.thumbnail)
            store.write_image(marked_name(shot), marked(kept.filmed.analysis, shot))
            thumbnail, summary = kept.filmed.thumbnail, kept.summary
            frames, checks = len(kept.filmed.analysis), kept.checks
            kept_attempt: int | None = kept.number
            world, start = state["worlds"][shot.location], storyboard.shot_start(shot.id)
            seen = subjects_seen(kept.filmed.analysis, kept.path, shot, world, start)
        else:
            assert cached is not None
            thumbnail = store.read_image(thumbnail_name(shot))
            summary, frames, checks = state["summary"], cached.frames, state["checks"]
            kept_attempt, seen = cached.kept_attempt, cached.seen
        report = ShotReport(
            shot_id=shot.id,
            location=shot.location,
            frames=frames,
            start_s=storyboard.shot_start(shot.id),
            duration_s=frames / state["options"].fps,
            clip=clip_name(shot),
            thumbnail=thumbnail_name(shot),
            checks=checks,
            attempts=state["attempts"],
            kept_attempt=kept_attempt,
            outcome=state["outcome"],
            drawn=drawn(storyboard, shot),
            sentence=shot.description,
            seen=seen,
            must_see=shot.seen,
            coverage=shot.coverage,
            unstaged=shot.unstaged,
            marked=marked_name(shot),
            lines=[cue for cue in state["sound"].cues if cue.shot_id == shot.id],
            reused=kept is None,
        )
        store.write_model(state_name(shot, "json"), report)
        store.write_model(summary_name(shot), summary)
        path = kept.path if kept is not None else store.read_model(camera_name(shot), CameraPath)
        if kept is not None:
            store.write_model(camera_name(shot), path)
        if kept is None:
            last = store.read_array(state_name(shot, "last.npy"))
            record()
        elif kept.filmed.clip is not None and kept.filmed.last is not None:  # diffused: encoded with the attempt
            store.move(kept.filmed.clip, clip_name(shot))
            last = kept.filmed.last
            record(last)
        else:
            last = self._executor.finish(
                shot,
                kept.path,
                clip=store.path(clip_name(shot)),
                previous_last=state["previous_last"],
                sound=_clip_extras(state, shot),
                then=record,
            )
        self._bar.set_postfix_str(f"{shot.id}: {state['outcome'].value}")
        self._bar.update(1)
        return {
            "reports": [*state["reports"], report],
            "cameras": [*state["cameras"], path],
            "summaries": [*state["summaries"], summary],
            "thumbnails": [*state["thumbnails"], thumbnail],
            "previous_last": last,
            "index": state["index"] + 1,
        }

    def assemble(self, state: AgentState) -> AgentState:
        """Join the clips into final.mp4, draw the contact sheet, and run the checks of the whole film."""
        storyboard, store = state["storyboard"], state["store"]
        if self.on_progress is not None:
            self.on_progress(len(storyboard.shots) / (len(storyboard.shots) + 1), "assembling the film")
        with timed(state["timings"], "final_wait"):  # the kept attempts still being filmed at full size
            self._executor.close()
        state["timings"].update(self._executor.timings)
        sound = state["sound"]
        with timed(state["timings"], "scene_export"):
            self._export_scenes(state)
        with timed(state["timings"], "assemble"):
            subtitles = write_subtitles(sound.cues, storyboard, store.root) if sound.cues else []
            film_sound = normalized(sound.samples, TARGET_LUFS)  # the clips' lines each at the target; the film too
            concat_clips(
                [store.path(report.clip) for report in state["reports"]],
                store.path(FINAL),
                audio=film_sound,
                subtitles=store.path(SRT) if subtitles else None,
                comment=_provenance(storyboard) if state.get("credentials") is not None else None,
                sign=signing.sign if (signing := _signing(state)) is not None else None,
            )
            captions = [_caption(shot) for shot in storyboard.shots]
            contact_sheet(list(zip(state["thumbnails"], captions, strict=True)), store.path(CONTACT_SHEET))
        return {"checks": check_film(state["summaries"]), "subtitles": subtitles, "loudness": loudness(film_sound)}

    def report(self, state: AgentState) -> AgentState:
        """Write report.json and report.html: what was made, how it scored, and every revision on the way."""
        storyboard, store, options, reports = state["storyboard"], state["store"], state["options"], state["reports"]
        film_checks = state["checks"]
        run_report = RunReport(
            title=storyboard.title,
            run_dir=str(store.root),
            seed=options.seed,
            fps=options.fps,
            resolution=options.resolution,
            style=options.look(storyboard),
            renderer=options.renderer,
            gl_device=gl_device(),
            frames=sum(r.frames for r in reports),
            duration_s=sum(r.duration_s for r in reports),
            final_video=FINAL,
            contact_sheet=CONTACT_SHEET,
            storyboard=PLAN,
            scenes=[f"scenes/{location.id}.glb" for location in storyboard.locations],
            shots=reports,
            checks=film_checks,
            revisions=state["revisions"],
            revision_budget=state["settings"].budget(len(storyboard.shots)),
            unknown_nouns=storyboard.unknown_nouns,
            voices=state["sound"].heard(),
            subtitles=state["subtitles"],
            loudness_lufs=_rounded(state["loudness"]),
            music=state["sound"].music,
            timeline=TIMELINE,
            credentials=credentials.source if (credentials := state.get("credentials")) is not None else "",
            warnings=[*state["warnings"], *self._executor.warnings, *_warnings(storyboard, reports, film_checks)],
            timings_s={name: round(seconds, 3) for name, seconds in state["timings"].items()},
        )
        write_timeline(store.path(TIMELINE), run_report, storyboard)
        store.write_model(REPORT, run_report)
        write_report_html(run_report, store.root)
        if self.on_progress is not None:
            self.on_progress(1.0, "done")
        return {"report": run_report}

    # -------------------------------------------------------------------------------------------------- helpers

    @staticmethod
    def _export_scenes(state: AgentState) -> None:
        """Write each location's world as GLB, posed at its first shot's start, with every shot's camera there
        animated; a location whose shots are all unchanged keeps its file."""
        storyboard, store, options, keys = state["storyboard"], state["store"], state["options"], state["keys"]
        aspect = options.resolution.width / options.resolution.height
        for location in storyboard.locations:
            here = [
                (shot, path)
                for shot, path in zip(storyboard.shots, state["cameras"], strict=True)
                if shot.location == location.id
            ]
            first = here[0][0]
            glb = f"scenes/{location.id}.glb"
            key = content_key(world_inputs(storyboard, first), options.key(), [keys[shot.id] for shot, _ in here])
            if store.fresh(glb, key):
                continue
            cameras = [ShotCamera(shot.id, path, storyboard.shot_start(shot.id), aspect) for shot, path in here]
            with atomic_path(store.path(glb)) as temporary:  # the file takes its name with its cameras
                state["worlds"][location.id].export_glb(temporary, time=storyboard.shot_start(first.id))
                add_cameras(temporary, cameras)
            store.record(glb, key)

    def _start_bar(self, shots: int) -> None:
        self._bar.close()
        self._bar = progress_bar(shots, "shots", "shot", enabled=self.progress)

    def _shot(self, state: AgentState) -> Shot:
        return state["storyboard"].shots[state["index"]]

    def _choose(self, state: AgentState, shot: Shot, options: list[RevisionOption]) -> RevisionOption:
        llm = state["settings"].llm
        if llm is not None:
            from storyreel.agent.revision_llm import RevisionChoiceError, choose_with_llm

            try:
                return choose_with_llm(llm, shot, state["checks"], options)
            except RevisionChoiceError as error:
                state["warnings"].append(f"{shot.id}: the LLM did not choose a revision ({error}); the policy did")
        chosen = choose_revision(options)
        assert chosen is not None
        return chosen


def _clip_extras(state: AgentState, shot: Shot) -> ClipExtras:
    """What a shot's clip carries besides its pictures: its segment of the film's sound, its subtitles when the run
    burns them in, and the provenance tag when it signs its videos."""
    sound, options = state["sound"], state["options"]
    resolution = options.resolution
    cues = [cue for cue in sound.cues if cue.shot_id == shot.id]
    burner = (
        SubtitleBurner(cues, sound.storyboard, resolution.width, resolution.height, options.fps)
        if options.burn_subtitles and cues
        else None
    )
    comment = _provenance(state["storyboard"]) if state.get("credentials") is not None else None
    signing = _signing(state)
    sign = signing.sign if signing is not None else None
    return ClipExtras(sound.shot_sound(shot.id), sound.film_start(shot.id), burner, comment, sign)


def _storyboard_hash(storyboard: Storyboard) -> str:
    return hashlib.sha256(storyboard.model_dump_json().encode()).hexdigest()


def _provenance(storyboard: Storyboard) -> str:
    """The plain tag that says what the content credentials say, for players that do not read C2PA."""
    return (
        f"Made with storyreel {__version__}, a generative AI tool (trained algorithmic media); "
        f"storyboard sha256:{_storyboard_hash(storyboard)}"
    )


def _signing(state: AgentState) -> Signing | None:
    """What the run signs its videos with (each signed whole, before it takes its name); None without credentials."""
    credentials = state.get("credentials")
    if credentials is None:
        return None
    storyboard = state["storyboard"]
    return Signing(credentials, storyboard.title, _storyboard_hash(storyboard), __version__)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _cached_plan(root: Path, request: str) -> Storyboard | None:
    """The storyboard this same request planned before in ``root`` (a resumed LLM run is not planned anew)."""
    if RunStore.recorded_request(root) != request:
        return None
    store = RunStore.open(root, request)
    return store.read_model(PLAN, Storyboard) if store.fresh(PLAN, request) else None


def _slug(title: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    return "-".join(filter(None, slug.split("-")))[:48] or "story"


def _from_attempt(option: RevisionOption, number: int) -> RevisionOption:
    """``option`` as a change to attempt ``number`` rather than to the last one, said so in the report."""
    change = f"from attempt {number}: {option.revision.change}"
    return replace(option, revision=option.revision.model_copy(update={"change": change}))


def _keep(kept: Kept | None, attempt: Kept) -> Kept:
    """The better of the attempt kept so far and a new one (the new one among equals); the other's clip (a diffused
    attempt's) is deleted."""
    better, worse = (
        (attempt, kept) if kept is None or _shortfall(attempt.checks) <= _shortfall(kept.checks) else (kept, attempt)
    )
    if worse is not None and worse.filmed.clip is not None:
        worse.filmed.clip.unlink(missing_ok=True)
    return better


def _shortfall(checks: list[CheckResult]) -> tuple[int, float]:
    """How badly an attempt failed: how many checks, then by how much, each relative to its threshold."""
    failed = [check for check in checks if not check.passed]
    return len(failed), sum(abs(c.score - c.threshold) / max(abs(c.threshold), 1e-6) for c in failed)


def _attempt(state: AgentState) -> str:
    """' attempt n' from the second attempt on, for the progress bar."""
    number = len(state["attempts"]) + 1
    return f" attempt {number}" if number > 1 else ""


def _after_next_shot(state: AgentState) -> str:
    if state["index"] >= len(state["storyboard"].shots):
        return "assemble"
    return "check" if state.get("cached") is not None else "take"


def _side_to_keep(summary: ShotSummary, earlier: list[ShotSummary]) -> tuple[int, LineOfAction | None]:
    """The side of a line of action that keeps the camera on the previous camera's side of the previous shot's
    line (what rule_180 asks), with that line: None for this shot's own line where the two run roughly the same
    way (the side of the line through this shot's subjects), else the previous shot's line itself. (0, None)
    when there is no previous shot here or it had no line or side."""
    previous = earlier[-1] if earlier else None
    if previous is None or previous.location != summary.location:
        return 0, None
    before, now = previous.line_last, summary.line_first
    if before is None or previous.side_last == 0:
        return 0, None
    alignment = float(np.dot(before.direction, now.direction)) if now is not None else 0.0
    if abs(alignment) < LINE_ALIGNMENT:
        return previous.side_last, before
    return previous.side_last * (1 if alignment > 0 else -1), None


def drawn(storyboard: Storyboard, shot: Shot) -> list[Drawn]:
    """What ``shot`` names (its subjects, actors and targets) and what its location holds, each with the asset
    family that draws it."""
    named = [*shot.subjects, *(a.actor for a in shot.actions), *(a.target for a in shot.actions if a.target)]
    cast = {c.id: Drawn(id=c.id, name=c.name, kind=c.kind) for c in storyboard.cast}
    props = {
        p.id: Drawn(id=p.id, name=p.name, kind=p.kind, box=p.generic) for p in storyboard.location(shot.location).props
    }
    every = cast | props
    order = list(dict.fromkeys([*named, *props]))
    return [every[name] for name in order if name in every]


def _caption(shot: Shot) -> str:
    return f"{shot.id} · {shot.size.value} {shot.move.value} · {shot.description}"


def _warnings(storyboard: Storyboard, reports: list[ShotReport], film_checks: list[CheckResult]) -> list[str]:
    warnings = [f"unknown noun {noun!r} is shown as a labelled generic prop" for noun in storyboard.unknown_nouns]
    for report in reports:
        warnings += [f"{report.shot_id}: check {c.name} failed ({c.detail})" for c in report.checks if not c.passed]
        if report.outcome == ShotOutcome.RETRIES_EXHAUSTED:
            warnings.append(f"{report.shot_id}: the shot's retry budget ran out (--retries) before its checks passed")
        if report.outcome == ShotOutcome.BUDGET_EXHAUSTED:
            warnings.append(
                f"{report.shot_id}: the run's revision budget (--run-budget) ran out before its checks passed"
            )
    warnings += [f"film: check {c.name} failed ({c.detail})" for c in film_checks if not c.passed]
    return warnings
