import os
import stat
from pathlib import Path

import pytest

from storyreel.agent.run_store import RunStore, content_key
from storyreel.atomic import atomic_path, is_temporary, write_text
from storyreel.errors import UserError


def test_same_request_resumes_and_keeps_records(tmp_path: Path):
    store = RunStore.open(tmp_path / "run", "request-a")
    write_text(store.path("shots/s1.mp4"), "clip")
    store.record("shots/s1.mp4", "k1")
    again = RunStore.open(tmp_path / "run", "request-a")
    assert again.fresh("shots/s1.mp4", "k1")
    assert not again.fresh("shots/s1.mp4", "k2")


def test_another_request_is_refused_unless_forced(tmp_path: Path):
    store = RunStore.open(tmp_path / "run", "request-a")
    write_text(store.path("final.mp4"), "video")
    with pytest.raises(UserError, match="--force"):
        RunStore.open(tmp_path / "run", "request-b")
    forced = RunStore.open(tmp_path / "run", "request-b", force=True)
    assert not forced.path("final.mp4").exists()


def test_foreign_directory_and_file_are_refused(tmp_path: Path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="not a storyreel run"):
        RunStore.open(tmp_path / "mine", "r")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        RunStore.open(tmp_path / "file", "r")


def test_unwritable_directory_names_the_fix(tmp_path: Path):
    (tmp_path / "blocker").write_text("a file where a folder should be")
    with pytest.raises(UserError, match="writable --out"):
        RunStore.open(tmp_path / "blocker" / "run", "r")


def test_content_key_is_stable_and_sensitive():
    assert content_key({"a": 1, "b": [1, 2]}) == content_key({"b": [1, 2], "a": 1})
    assert content_key({"a": 1}) != content_key({"a": 2})


def test_atomic_write_leaves_nothing_on_error(tmp_path: Path):
    target = tmp_path / "out.bin"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_files_get_ordinary_permissions(tmp_path: Path):
    """Artifacts are shared like any file the user makes (the umask applies), not private temp files."""
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "report.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o644


def test_opening_a_run_removes_the_temporaries_a_killed_run_left(tmp_path: Path):
    with atomic_path(tmp_path / "run" / "shots" / "shot_01.mp4") as temporary:
        assert is_temporary(temporary.name)
    left = [
        "shots/.shot_01.0123abcd.part.mp4",
        "shots/..shot_01.0123abcd.part.89abcdef.part.mp4",  # a clip's temporary, being signed
        "scenes/.park.0123abcd.part.glb",
        ".storyreel/.manifest.deadbeef.part.json",
        ".storyreel/lines/.b9bd79.0123abcd.part.npy",
    ]
    kept = ["storyboard.json", "shots/.shot_01.mp4", ".notes.part.txt", "scenes/.park.0123abcd.glb"]
    for name in [*left, *kept]:
        write_text(tmp_path / "run" / name, "half")
    write_text(tmp_path / ".final.0123abcd.part.mp4", "not this run's")
    write_text(tmp_path / "run" / ".storyreel" / "manifest.json", '{"request": "request-a", "entries": {}}')
    RunStore.open(tmp_path / "run", "request-a")
    assert [name for name in left if (tmp_path / "run" / name).exists()] == []
    assert all((tmp_path / "run" / name).exists() for name in kept)
    assert (tmp_path / ".final.0123abcd.part.mp4").exists()


def test_a_directory_a_run_was_killed_opening_is_opened_afresh(tmp_path: Path):
    """Killed as it wrote its first manifest, a run leaves its store folder with only a temporary in it."""
    (tmp_path / "run" / ".storyreel").mkdir(parents=True)
    (tmp_path / "run" / ".storyreel" / ".manifest.0123abcd.part.json").write_text('{"requ')
    store = RunStore.open(tmp_path / "run", "request-a")
    assert sorted(path.name for path in store.path(".storyreel").iterdir()) == ["manifest.json"]
    (tmp_path / "mine" / ".storyreel").mkdir(parents=True)
    (tmp_path / "mine" / ".storyreel" / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="not a storyreel run"):
        RunStore.open(tmp_path / "mine", "r")
