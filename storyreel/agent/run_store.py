"""The run store: which artifacts of a run directory are done, keyed by a hash of everything that made them.

A stage whose key is recorded and whose file exists is not redone, so a killed run resumes where it stopped and a
repeated run with the same inputs costs nothing. The store reads and writes the run's artifacts (models as JSON,
images as PNG, arrays as .npy; tools that stream a file write it at :meth:`RunStore.path`), always atomically
(``storyreel.atomic``) and before their key is recorded, so a recorded key never points at half a file.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from pydantic import BaseModel

from storyreel.atomic import is_temporary, remove_temporaries, write_bytes, write_json, write_model
from storyreel.errors import UserError

Model = TypeVar("Model", bound=BaseModel)

STORE_DIR = ".storyreel"
#: Every name a run writes at the top of its directory; ``reset`` removes these and nothing else.
RUN_ARTIFACTS = (
    "storyboard.json",
    "options.json",
    "scenes",
    "shots",
    "final.mp4",
    "contact_sheet.png",
    "report.json",
    STORE_DIR,
)


@functools.cache
def code_fingerprint() -> str:
    """A hash of storyreel's own source: a changed tool never reuses what the old one made."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def content_key(*parts: Any) -> str:
    """A stable hash of JSON-able inputs (pydantic models are dumped first) and of the code."""
    normal = [part.model_dump(mode="json") if hasattr(part, "model_dump") else part for part in parts]
    blob = json.dumps([code_fingerprint(), *normal], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


class RunStore:
    """The manifest of one run directory: relative artifact path -> key of the inputs that made it."""

    def __init__(self, root: Path, request_key: str) -> None:
        self.root = Path(root)
        self.request_key = request_key
        self._manifest_path = self.root / STORE_DIR / "manifest.json"
        self._entries: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, root: Path, request_key: str, *, force: bool = False) -> RunStore:
        """Open ``root`` for a run of ``request_key``: a new or empty directory starts fresh, the same request
        resumes, another run's directory is refused. ``force`` always starts afresh, replacing the run files. The
        temporaries a killed run left in ``root`` are removed (a run directory serves one run at a time)."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise UserError(f"output path {root} is a file, not a directory: choose another --out")
        store = cls(root, request_key)
        if store._manifest_path.exists():
            recorded = json.loads(store._manifest_path.read_text())
            if force:
                store.reset()
            elif recorded.get("request") == request_key:
                store._entries = dict(recorded.get("entries", {}))
            else:
                raise UserError(
                    f"{root} already holds a run of another story or other settings: "
                    "pass --force to replace it, or choose another --out"
                )
        elif root.exists() and not _unused(root) and not force:
            raise UserError(
                f"{root} exists and is not a storyreel run directory: choose an empty or new --out "
                "(or pass --force to write into it anyway)"
            )
        try:
            if root.is_dir():
                remove_temporaries(root)
            (root / STORE_DIR).mkdir(parents=True, exist_ok=True)
            store._save()
        except OSError as error:
            raise UserError(
                f"cannot write the run directory {root}: {error.strerror or error}; choose a writable --out"
            ) from error
        return store

    @staticmethod
    def recorded_request(root: Path) -> str | None:
        """The request key of the run ``root`` holds, without touching it; None when it holds no run."""
        manifest = Path(root) / STORE_DIR / "manifest.json"
        try:
            return str(json.loads(manifest.read_text())["request"])
        except (OSError, ValueError, KeyError):
            return None

    def reset(self) -> None:
        for name in RUN_ARTIFACTS:
            target = self.root / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        self._entries = {}

    def path(self, relative: str) -> Path:
        return self.root / relative

    def write_model(self, relative: str, model: BaseModel) -> None:
        write_model(self.path(relative), model)

    def read_model(self, relative: str, kind: type[Model]) -> Model:
        return kind.model_validate_json(self.path(relative).read_text(encoding="utf-8"))

    def write_image(self, relative: str, image: NDArray[np.uint8]) -> None:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="PNG", compress_level=1)
        write_bytes(self.path(relative), buffer.getvalue())

    def read_image(self, relative: str) -> NDArray[np.uint8]:
        return np.asarray(Image.open(self.path(relative)).convert("RGB"))

    def write_array(self, relative: str, array: NDArray[np.uint8]) -> None:
        buffer = io.BytesIO()
        np.save(buffer, array)
        write_bytes(self.path(relative), buffer.getvalue())

    def read_array(self, relative: str) -> NDArray[np.uint8]:
        return np.asarray(np.load(self.path(relative)), dtype=np.uint8)

    def move(self, source: Path, relative: str) -> None:
        """Move a finished file (a clip written whole) to ``relative``: a rename, so it is never half there."""
        self.path(relative).parent.mkdir(parents=True, exist_ok=True)
        source.replace(self.path(relative))

    def fresh(self, relative: str, key: str) -> bool:
        """True when ``relative`` exists and was made from inputs hashing to ``key``."""
        return self._entries.get(relative) == key and (self.root / relative).exists()

    def record(self, relative: str, key: str) -> None:
        self.record_all([relative], key)

    def record_all(self, relatives: Iterable[str], key: str) -> None:
        """Record the files ``relatives`` (written whole already) as made under ``key``, in one write of the
        manifest: a kill records all of them or none."""
        with self._lock:  # shots are recorded from a worker thread
            self._entries.update(dict.fromkeys(relatives, key))
            self._save()

    def _save(self) -> None:
        write_json(self._manifest_path, {"request": self.request_key, "entries": self._entries})


def _unused(root: Path) -> bool:
    """Whether the directory ``root`` holds nothing, or only what a run killed as it opened ``root`` left: temporaries
    and a store folder without a manifest."""
    store = root / STORE_DIR
    left = [entry for entry in root.iterdir() if entry != store or not store.is_dir()]
    if store.is_dir():
        left += store.iterdir()
    return all(is_temporary(entry.name) for entry in left)
