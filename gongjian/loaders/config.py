"""Settings of a ledger folder: ``gongjian.toml`` (header mapping, file size limit).

A ``gongjian.toml`` in the ledger folder (or the file or mapping given as ``config``) may
map other header names to the canonical ones and change the size limit::

    max_file_size = "500MB"

    [columns]                 # any table
    "单位名称" = "组织名称"

    [columns.两新组织]         # one table (Chinese or English table name)
    "企业名称" = "名称"

Examples
--------
>>> cfg = load_config(None, {"columns": {"单位名称": "组织名称"}, "max_file_size": "1MB"})
>>> cfg.mapping("party_orgs"), cfg.max_bytes
({'单位名称': '组织名称'}, 1048576)
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongjian.errors import LedgerError
from gongjian.loaders.tables import TABLES
from gongjian.schema import fold

__all__ = ["CONFIG_NAME", "DEFAULT_MAX_BYTES", "LedgerConfig", "load_config"]

CONFIG_NAME = "gongjian.toml"
DEFAULT_MAX_BYTES = 2 * 1024**3
_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


@dataclass(frozen=True)
class LedgerConfig:
    """Header mappings (other header → canonical header) and the file size limit."""

    columns: dict[str, str] = field(default_factory=dict)
    table_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES

    def mapping(self, table: str) -> dict[str, str]:
        """The header mapping for ledger table ``table`` (its English key)."""
        return {**self.columns, **self.table_columns.get(table, {})}


def _size(value: Any, source: str) -> int:
    if isinstance(value, int) and value > 0:
        return value
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?B?)\s*", str(value).upper())
    if not m:
        raise LedgerError(f"{source}：max_file_size 不是大小（例 \"2GB\"）：{value!r} "
                          f"(max_file_size is not a size, e.g. \"2GB\")")
    unit = m[2] if m[2] in _UNITS else m[2] + "B"
    return int(float(m[1]) * _UNITS[unit])


def _table_key(name: str) -> str | None:
    name = fold(name)
    for key, table in TABLES.items():
        if name in (key, table.zh):
            return key
    return None


def load_config(folder: Path | None, config: Path | str | Mapping[str, Any] | None = None
                ) -> LedgerConfig:
    """Read the settings: ``config`` (a TOML file or a mapping), else ``folder/gongjian.toml``.

    Examples
    --------
    >>> load_config(None).max_bytes == DEFAULT_MAX_BYTES
    True
    """
    source = "gongjian.toml"
    if config is None and folder is not None and (folder / CONFIG_NAME).is_file():
        config = folder / CONFIG_NAME
    if config is None:
        return LedgerConfig()
    if not isinstance(config, Mapping):
        path = Path(config)
        source = str(path)
        try:
            config = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise LedgerError(f"找不到配置文件：{path} (config file not found)") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise LedgerError(f"配置文件格式错误：{path}：{err} (bad TOML)") from err
    columns: dict[str, str] = {}
    per_table: dict[str, dict[str, str]] = {}
    for other, target in dict(config.get("columns", {})).items():
        if isinstance(target, Mapping):
            key = _table_key(other)
            if key is None:
                raise LedgerError(f"{source}：[columns.{other}] 不是台账表名 "
                                  f"(not a ledger table name)")
            per_table[key] = {fold(k): fold(str(v)) for k, v in target.items()}
        else:
            columns[fold(other)] = fold(str(target))
    max_bytes = _size(config.get("max_file_size", DEFAULT_MAX_BYTES), source)
    return LedgerConfig(columns, per_table, max_bytes)
