"""An unprivileged id for each child: `nobody` when the bot runs as root; uid/gid 65534
of the zygote's user namespace, without any capability, when it does not."""

from __future__ import annotations

import os

from sandbox.os_layers import _libc, namespaces
from sandbox.os_layers.status import LayerStatus

NAME = "uid"
NOBODY = 65534
NO_USERNS = (
    "not root, and the zygote has no user namespace to map the child to an unprivileged "
    "id (see the namespace layers)"
)


def apply() -> LayerStatus:
    if os.geteuid() == 0 and not namespaces.in_user_namespace():
        # Groups first, then gid, then uid: after setuid we could no longer change the others.
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        return LayerStatus(NAME, True, f"uid/gid {NOBODY} (nobody), no supplementary groups")
    if not namespaces.in_user_namespace():
        return LayerStatus(NAME, False, NO_USERNS, missing=True)
    ids = {*os.getresuid(), *os.getresgid()}
    if ids != {namespaces.SANDBOX_ID} or _libc.effective_capabilities():
        return LayerStatus(NAME, False, f"the user namespace left ids {sorted(ids)} or caps")
    return LayerStatus(
        NAME,
        True,
        f"uid/gid {NOBODY} in a user namespace (the bot's user outside), no capabilities; "
        "the bot user's supplementary groups stay (give it none)",
    )
