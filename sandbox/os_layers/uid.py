"""Drop root: the child becomes `nobody` with no supplementary groups."""

from __future__ import annotations

import os

from sandbox.os_layers.status import LayerStatus

NAME = "uid"
NOBODY = 65534


def apply() -> LayerStatus:
    euid = os.geteuid()
    if euid != 0:
        return LayerStatus(NAME, False, f"not running as root (euid {euid}): cannot switch user")
    # Groups first, then gid, then uid: after setuid we could no longer change the others.
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    return LayerStatus(NAME, True, f"running as uid/gid {NOBODY} (nobody), no supplementary groups")
