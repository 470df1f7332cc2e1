"""The user's own settings (the theme they chose), kept between runs.  No Textual.

One small JSON file in the user's config folder:
``$XDG_CONFIG_HOME/plantui/settings.json`` (``~/.config/plantui/settings.json``
by default).  Reading or writing it never fails loudly: a missing file is
no settings, and a broken or unwritable one is one sentence for the caller to
show, never an exception.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Mapping

FILE_NAME = "settings.json"


def settings_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the settings live (``$XDG_CONFIG_HOME`` when it is set to an absolute path)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "plantui" / FILE_NAME


def read_settings(path: Path | None = None) -> tuple[dict, str | None]:
    """The settings, and a sentence when the file is there but cannot be used (then no settings)."""
    path = settings_path() if path is None else path
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as exc:
        return {}, f"Settings not read from {path}: {exc}"
    if not isinstance(data, dict):
        return {}, f"Settings not read from {path}: it does not hold a JSON object"
    return data, None


def write_settings(changes: Mapping[str, object], path: Path | None = None) -> str | None:
    """Write ``changes`` over the settings in the file (the rest kept); a sentence when it fails."""
    path = settings_path() if path is None else path
    data, _ = read_settings(path)
    data.update(changes)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except (OSError, TypeError, ValueError) as exc:
        return f"Settings not saved to {path}: {exc}"
    return None
