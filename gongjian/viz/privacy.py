"""Personal fields (书记, 联系电话): absent from pages unless asked, masked unless unmasked.

Examples
--------
>>> mask_name("张三"), mask_name("欧阳明月"), mask_phone("13812345678")
('张*', '欧***', '138****5678')
"""

from __future__ import annotations

__all__ = ["mask_name", "mask_phone"]


def mask_name(name: str) -> str:
    """Keep the first character of a person's name, hide the rest.

    Examples
    --------
    >>> mask_name("张三丰"), mask_name("李")
    ('张**', '*')
    """
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[:1] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """Keep the first three and last four digits of a phone number.

    Examples
    --------
    >>> mask_phone("025-8888 1234"), mask_phone("12345")
    ('025****1234', '*****')
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
