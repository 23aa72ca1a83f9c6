"""Check that requirements.lock matches pyproject.toml, offline and in well under a second.

The lock is made by `bash tools/lock` (uv pip compile). It matches when every dependency
of pyproject.toml (with the dev extra) is pinned at a version its specifier allows, every
pin carries hashes, and the lock names no direct dependency pyproject.toml no longer has.
Exit 0 when it matches; otherwise one line per problem and the command that fixes it.

    python tools/check_lock.py [PYPROJECT] [LOCK]
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
FIX = "run `bash tools/lock` and commit requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
_DIRECT = "gradient-tutor (pyproject.toml)"


def direct_requirements(pyproject: str) -> list[Requirement]:
    project = tomllib.loads(pyproject)["project"]
    listed = [*project.get("dependencies", []), *project["optional-dependencies"].get("dev", [])]
    return [Requirement(text) for text in listed]


def pins(lock: str) -> tuple[dict[str, list[Version]], set[str], set[str]]:
    """Versions pinned per package, the packages pinned without a hash, and the packages
    the lock says come straight from pyproject.toml."""
    versions: dict[str, list[Version]] = {}
    unhashed: set[str] = set()
    direct: set[str] = set()
    current: str | None = None
    for line in lock.splitlines():
        if match := _PIN.match(line):
            current = canonicalize_name(match[1])
            versions.setdefault(current, []).append(Version(match[2]))
            if not line.rstrip().endswith("\\"):
                unhashed.add(current)
        elif line.strip().startswith("--hash=") and current is not None:
            continue
        elif _DIRECT in line and current is not None:
            direct.add(current)
    return versions, unhashed, direct


def problems(pyproject: str, lock: str) -> list[str]:
    found = []
    versions, unhashed, direct = pins(lock)
    wanted = direct_requirements(pyproject)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        locked = versions.get(name)
        if not locked:
            found.append(f"{requirement.name} is in pyproject.toml but not in the lock")
        elif not any(requirement.specifier.contains(v, prereleases=True) for v in locked):
            shown = ", ".join(str(v) for v in locked)
            found.append(f"{requirement.name} is locked at {shown}, outside {requirement}")
    for dropped in sorted(direct - {canonicalize_name(r.name) for r in wanted}):
        found.append(
            f"{dropped} is locked as a dependency of pyproject.toml, which no longer has it"
        )
    for bare in sorted(unhashed):
        found.append(f"{bare} is pinned without a hash")
    return found


def main(argv: list[str]) -> int:
    pyproject = Path(argv[0]) if argv else ROOT / "pyproject.toml"
    lock = Path(argv[1]) if len(argv) > 1 else ROOT / "requirements.lock"
    if not lock.is_file():
        print(f"lock: {lock} is missing: {FIX}")
        return 1
    found = problems(pyproject.read_text(encoding="utf-8"), lock.read_text(encoding="utf-8"))
    for problem in found:
        print(f"lock: {problem}")
    if found:
        print(f"lock: requirements.lock does not match pyproject.toml: {FIX}")
        return 1
    print("lock: requirements.lock matches pyproject.toml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
