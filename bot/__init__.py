"""Entry point package: settings, the tutor core, storage and the front ends."""
