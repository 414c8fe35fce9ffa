"""Incremental renders: after an edit only the shots it touched are filmed again.

Renders are counted on disk: every clip is written to a temporary file and renamed over the old one (and signed the
same way), so a shot that was filmed again has a new inode or new bytes (a freed inode number may come back), and
one that was kept has its old inode and bytes.
"""

from pathlib import Path

import pytest

from storyreel.agent.chat import AddShot, EditShot, SetScene, add_shot, edit_shot, set_scene
from storyreel.agent.pipeline import film_storyboard
from storyreel.agent.run_layout import shot_keys, stale_shots
from storyreel.agent.run_store import RunStore
from storyreel.planners.rules import plan_story
from storyreel.schema import Resolution, RunOptions, ShotSize, SpeechChoice, TimeOfDay, Transition, Verb
from storyreel.tools.soundtrack import score
from storyreel.tools.speech import speech_engine

STORY = (
    "A red dog runs in the park. The dog jumps over a yellow ball. The dog sits. A cat looks at the dog. The dog barks."
)
OPTIONS = RunOptions(fps=8, resolution=Resolution(width=96, height=54), seed=1, camera="baseline")


def _clips(root: Path) -> dict[str, tuple[int, bytes]]:
    return {clip.stem: (clip.stat().st_ino, clip.read_bytes()) for clip in (root / "shots").glob("*.mp4")}


def _rerendered(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> list[str]:
    return sorted(shot for shot, made in after.items() if shot not in before or before[shot] != made)


@pytest.fixture()
def filmed(tmp_path: Path):
    storyboard = plan_story(STORY, fps=OPTIONS.fps, seed=1)
    assert len(storyboard.shots) == 5 and len(storyboard.locations) == 1
    assert all(shot.transition != Transition.DISSOLVE for shot in storyboard.shots)
    store = RunStore.open(tmp_path / "run", "incremental")
    film_storyboard(storyboard, store, OPTIONS, progress=False)
    return storyboard, store


def test_a_camera_edit_of_one_shot_of_five_renders_exactly_that_shot(filmed):
    storyboard, store = filmed
    before = _clips(store.root)
    assert len(before) == 5
    target = storyboard.shots[2]
    new_size = ShotSize.CLOSE_UP if target.size != ShotSize.CLOSE_UP else ShotSize.WIDE
    edited = edit_shot(storyboard, EditShot(shot="3", size=new_size))

    assert stale_shots(edited, store, OPTIONS) == [target.id]
    report = film_storyboard(edited, store, OPTIONS, progress=False)

    after = _clips(store.root)
    assert _rerendered(before, after) == [target.id]
    for shot in storyboard.shots:
        if shot.id != target.id:
            assert after[shot.id][1] == before[shot.id][1], f"{shot.id} changed without being edited"
    assert len(report.shots) == 5
    assert stale_shots(edited, store, OPTIONS) == []


def test_a_description_edit_renders_nothing_and_a_shot_added_at_the_end_renders_one(filmed):
    storyboard, store = filmed
    before = _clips(store.root)
    worded = edit_shot(storyboard, EditShot(shot="2", description="The dog leaps."))
    assert stale_shots(worded, store, OPTIONS) == []

    added = add_shot(worded, AddShot(description="the dog asleep", subjects=["dog"], verb=Verb.SIT), OPTIONS.fps)
    assert stale_shots(added, store, OPTIONS) == [added.shots[-1].id]
    film_storyboard(added, store, OPTIONS, progress=False)
    assert _rerendered(before, _clips(store.root)) == [added.shots[-1].id]


def _keys(storyboard):
    sound = score(storyboard, speech_engine(SpeechChoice.ESPEAK), OPTIONS.fps)
    return shot_keys(storyboard, OPTIONS, sound.shot_keys())


def test_keys_follow_what_changes_the_world():
    storyboard = plan_story(STORY, fps=OPTIONS.fps, seed=1)
    keys = _keys(storyboard)
    # An action in shot 2 moves things for shot 2 and every later shot at the location, not for shot 1.
    acted = edit_shot(storyboard, EditShot(shot="2", verb=Verb.RUN))
    changed = [s.id for s in storyboard.shots if _keys(acted)[s.id] != keys[s.id]]
    assert changed == [s.id for s in storyboard.shots[1:]]
    # Night changes the whole location.
    night = set_scene(storyboard, SetScene(time_of_day=TimeOfDay.NIGHT))
    assert all(_keys(night)[s.id] != keys[s.id] for s in storyboard.shots)
