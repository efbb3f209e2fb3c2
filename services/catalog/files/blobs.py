"""Content-addressed blob storage for uploaded files: ``<root>/ab/cd/<sha256>``.

Uploads are written to a staging file under the store's root (same file system, so the
final move is an atomic rename); identical content is stored once.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    """Where file content lives, addressed by its SHA-256."""

    def staging_file(self) -> Path:
        """A new empty temporary file to write an upload into."""

    def commit(self, staged: Path, sha256: str) -> Path:
        """Move a staged file to its address (dropping it if the content is stored)."""

    def path(self, sha256: str) -> Path:
        """Where the blob with this digest is stored."""

    def exists(self, sha256: str) -> bool:
        """Whether a blob with this digest is stored."""

    def delete(self, sha256: str) -> None:
        """Remove a blob (no error when absent)."""


class FileBlobStore:
    """Blobs on the local file system."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.staging_dir = self.root / "tmp"

    def staging_file(self) -> Path:
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="upload-", dir=self.staging_dir)
        os.close(fd)
        return Path(name)

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError("not a lowercase hex SHA-256 digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def commit(self, staged: Path, sha256: str) -> Path:
        target = self.path(sha256)
        if target.is_file():
            staged.unlink(missing_ok=True)
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(staged, 0o640)
        os.replace(staged, target)
        return target

    def delete(self, sha256: str) -> None:
        blob = self.path(sha256)
        blob.unlink(missing_ok=True)
        blob.with_name(blob.name + ".rows").unlink(missing_ok=True)  # its row index
