"""Placeholder."""


def stages(data):
    return []
