"""Language choice for what people read: Chinese by default, English with ``--lang en``.

Examples
--------
>>> pick("en", "孤岛", "island")
'island'
>>> pick("zh", "孤岛", "island")
'孤岛'
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")


def pick(lang: str, zh: str, en: str) -> str:
    """Return ``en`` when ``lang`` is ``"en"``, else ``zh``."""
    return en if lang == "en" else zh
