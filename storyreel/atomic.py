"""Atomic file writes: an artifact is either whole on disk or not there at all."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

#: The name ``atomic_path`` gives a temporary: ``.NAME.<8 hex digits>.part`` and the final name's suffix.
_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{8}\.part(\.[^.]+)?")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed over ``path``, on error removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.stem}.{secrets.token_hex(4)}.part{path.suffix}"
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # the umask applies, as to any file
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_model(path: Path, model: BaseModel) -> None:
    """Write a pydantic model as indented JSON."""
    write_text(path, model.model_dump_json(indent=2) + "\n")


def write_json(path: Path, data: object) -> None:
    write_text(path, json.dumps(data, indent=2) + "\n")


def is_temporary(name: str) -> bool:
    """Whether ``name`` is the name of a temporary ``atomic_path`` made."""
    return _TEMPORARY.fullmatch(name) is not None


def remove_temporaries(directory: Path) -> None:
    """Remove the temporaries ``atomic_path`` left in ``directory`` and below (a killed writer never renames its
    own); links are not followed."""
    for folder, _, names in os.walk(directory):
        for name in names:
            path = Path(folder) / name
            if is_temporary(name) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
