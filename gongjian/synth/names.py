"""Realistic names and codes for demo and synthetic ledgers: people, phones, firms, USCCs.

Everything here is deterministic given a :class:`numpy.random.Generator`, and the code
generators are vectorized so that a million valid credit codes take well under a second.

Examples
--------
>>> uscc_check("91320102MA1X2Y3P4")
'K'
>>> is_valid_uscc("91320102MA1X2Y3P4K")
True
>>> clean_division_name("梅园新村社区居委会"), clean_division_name("清江村村委会")
('梅园新村社区', '清江村')
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BRANDS",
    "BUILDING_WORDS",
    "INDUSTRIES",
    "SOCIAL_KINDS",
    "USCC_CHARS",
    "clean_division_name",
    "firm_names",
    "is_valid_uscc",
    "org_code_check",
    "person_names",
    "phones",
    "social_org_names",
    "uscc_check",
    "usccs",
]

#: The 31 characters of GB 32100-2015 (no I, O, S, V, Z), in value order.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: GB 11714 value of each USCC character (letters count from A = 10).
_ORG_VALUE_OF = np.array([_ORG_CHARS.index(c) for c in USCC_CHARS], dtype=np.int64)
_SPACE = 31**7

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
            "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娥玲兰建国文辉力斌宇浩凯鹏飞亮"
         "俊峰雪梅琳晨阳宁欣怡佳嘉思婷雨萱子涵博文轩志远海燕晓东春林云波")
#: Trade names (字号) for firms, buildings and parks.
BRANDS = ("金陵", "紫金", "钟山", "石城", "秦淮", "玄武", "凤凰", "长江", "江东", "龙蟠", "汉中",
          "云锦", "鼎盛", "华信", "博远", "恒通", "睿智", "启明", "新航", "瑞丰", "嘉禾", "宏达",
          "天正", "致远", "中科", "易联", "万象", "朗诗", "同创", "汇智", "聚能", "星河", "蓝海",
          "弘毅", "远景", "明德", "德润", "青禾", "安和", "卓越", "国信", "锦程", "诚品", "领航")
#: (industry, the word in a firm's name) pairs, roughly as common as in a city centre.
INDUSTRIES = (
    ("软件和信息技术服务业", "软件科技"), ("软件和信息技术服务业", "信息技术"),
    ("互联网和相关服务", "网络科技"), ("快递", "快递服务"), ("餐饮", "餐饮管理"),
    ("批发和零售业", "商贸"), ("租赁和商务服务业", "企业管理咨询"), ("物业管理", "物业管理"),
    ("文化艺术业", "文化传媒"), ("建筑业", "建设工程"), ("医药制造业", "医药科技"),
    ("教育", "教育科技"), ("金融业", "投资管理"), ("住宿", "酒店管理"),
    ("道路运输业", "供应链管理"), ("广告业", "广告"),
)
#: Kinds of social organization (社会组织) by name ending, with their industry.
SOCIAL_KINDS = (("社会工作服务中心", "社会工作"), ("志愿者协会", "社会团体"),
                ("养老服务中心", "养老服务"), ("商会", "社会团体"), ("文化艺术团", "文化艺术业"),
                ("青少年服务中心", "社会工作"))
BUILDING_WORDS = ("大厦", "国际中心", "广场", "商务中心", "科技大厦", "金融中心")


def uscc_check(body: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015).

    ``body`` is the first 17 characters; the weights are ``3**i mod 31``.

    Examples
    --------
    >>> uscc_check("91110108551385082")
    'Q'
    """
    total = sum(_USCC_VALUE[c] * int(w) for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` has 18 characters of the USCC alphabet and a correct check.

    Examples
    --------
    >>> is_valid_uscc("91110108551385082Q"), is_valid_uscc("91110108551385082A")
    (True, False)
    """
    return (isinstance(code, str) and len(code) == 18
            and all(c in _USCC_VALUE for c in code) and uscc_check(code[:17]) == code[17])


def org_code_check(body: np.ndarray) -> np.ndarray:
    """Check characters of organization codes (GB 11714) for an ``(n, 8)`` array of values 0–35.

    Examples
    --------
    >>> org_code_check(np.array([[0, 0, 0, 0, 0, 0, 0, 1]])).tolist()
    ['9']
    """
    c = (11 - (body @ _ORG_WEIGHTS) % 11) % 11
    return np.where(c == 10, "X", c.astype(str))


def usccs(rng: np.random.Generator, regions: np.ndarray, *, social: np.ndarray | None = None,
          trader: np.ndarray | None = None, serial: np.ndarray | None = None) -> np.ndarray:
    """Valid unified social credit codes, one per entry of ``regions`` (6-digit codes).

    Firms get registration department 9 (market regulation) and type 1 (enterprise);
    where ``social`` is true, 5 (civil affairs) and type 1 or 2 (association, private
    non-enterprise); where ``trader`` is true, 9 and type 2 (sole trader). The
    organization code is ``M`` and seven characters, with its own
    GB 11714 check. With ``serial`` (distinct integers from 0 to 3e9) the seven
    characters are a scrambled, one-to-one image of it, so the codes are unique by
    construction; without, they are random.

    Examples
    --------
    >>> codes = usccs(np.random.default_rng(0), np.array(["320102", "320106"]))
    >>> [len(c) for c in codes], all(is_valid_uscc(c) for c in codes)
    ([18, 18], True)
    >>> len(set(usccs(np.random.default_rng(0), np.array(["320102"] * 1000),
    ...                serial=np.arange(1000))))
    1000
    """
    n = len(regions)
    social = np.zeros(n, dtype=bool) if social is None else np.asarray(social, dtype=bool)
    head = np.empty((n, 2), dtype=np.int64)
    head[:, 0] = np.where(social, 5, 9)
    head[:, 1] = np.where(social, rng.integers(1, 3, n), 1)
    if trader is not None:
        head[np.asarray(trader, dtype=bool), 1] = 2
    region = np.asarray(regions, dtype="<U6").view("<U1").reshape(n, 6).astype(np.int64)
    if serial is None:
        body = rng.integers(0, 31, (n, 7))
    else:
        # an affine map modulo 31**7 with a multiplier prime to 31 is a bijection
        scrambled = (np.asarray(serial, dtype=np.int64) * 2_654_435_761 + 12_345_678) % _SPACE
        body = (scrambled[:, None] // 31 ** np.arange(6, -1, -1)) % 31
    org = np.concatenate([np.full((n, 1), _USCC_VALUE["M"]), body], axis=1)  # USCC values
    check9 = (11 - (_ORG_VALUE_OF[org] @ _ORG_WEIGHTS) % 11) % 11
    check9 = np.where(check9 == 10, _USCC_VALUE["X"], check9)
    values = np.concatenate([head, region, org, check9[:, None]], axis=1)
    check = (31 - (values @ _USCC_WEIGHTS) % 31) % 31
    full = np.concatenate([values, check[:, None]], axis=1)
    alphabet = np.array([ord(c) for c in USCC_CHARS], dtype=np.uint32)
    return np.ascontiguousarray(alphabet[full]).view("<U18").ravel()


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` made-up Chinese personal names (surname and one or two given characters).

    Examples
    --------
    >>> [len(x) in (2, 3) for x in person_names(np.random.default_rng(1), 3)]
    [True, True, True]
    """
    sur = np.array(list(SURNAMES))[rng.integers(0, len(SURNAMES), n)]
    given = np.array(list(GIVEN))
    one = given[rng.integers(0, len(given), n)]
    two = np.where(rng.random(n) < 0.6, given[rng.integers(0, len(given), n)], "")
    return np.char.add(np.char.add(sur, one), two)


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` made-up mobile numbers (11 digits).

    Examples
    --------
    >>> [len(p) for p in phones(np.random.default_rng(1), 2)]
    [11, 11]
    """
    prefix = np.array([138, 139, 150, 151, 158, 177, 186, 189], dtype=np.int64)
    number = prefix[rng.integers(0, len(prefix), n)] * 100_000_000 + rng.integers(0, 10**8, n)
    return number.astype(str)


def firm_names(rng: np.random.Generator, n: int, city: str = "南京"
               ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` private firms: (names, industries), e.g. 南京紫金软件科技有限公司.

    Examples
    --------
    >>> names, industries = firm_names(np.random.default_rng(1), 1)
    >>> names[0].startswith("南京") and names[0].endswith("有限公司")
    True
    """
    first = rng.integers(0, len(BRANDS), n)
    brand = np.array(BRANDS)[first]
    brand2 = np.array(BRANDS)[(first + rng.integers(1, len(BRANDS), n)) % len(BRANDS)]
    brand = np.where(rng.random(n) < 0.5, np.char.add(brand, brand2), brand)
    which = rng.integers(0, len(INDUSTRIES), n)
    word = np.array([w for _, w in INDUSTRIES])[which]
    industry = np.array([i for i, _ in INDUSTRIES])[which]
    names = np.char.add(np.char.add(np.char.add(city, brand), word), "有限公司")
    return names, industry


def social_org_names(rng: np.random.Generator, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Social organizations named after their place: (names, industries).

    Examples
    --------
    >>> social_org_names(np.random.default_rng(3), np.array(["玄武区"]))[0][0].startswith("玄武区")
    True
    """
    n = len(places)
    brand = np.array(BRANDS)[rng.integers(0, len(BRANDS), n)]
    which = rng.integers(0, len(SOCIAL_KINDS), n)
    ending = np.array([k for k, _ in SOCIAL_KINDS])[which]
    industry = np.array([i for _, i in SOCIAL_KINDS])[which]
    return np.char.add(np.char.add(np.asarray(places, dtype=str), brand), ending), industry


_DIVISION_ENDINGS = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("居民委员会", "社区"),
                     ("居委会", "社区"), ("村村民委员会", "村"), ("村民委员会", "村"),
                     ("村村委会", "村"), ("村委会", "村"), ("委员会", ""))


def clean_division_name(name: str) -> str:
    """The everyday name of a community or village: drop 居委会 / 村委会 and the like.

    Examples
    --------
    >>> clean_division_name("百子亭社区"), clean_division_name("大东门居民委员会")
    ('百子亭社区', '大东门社区')
    >>> clean_division_name("张家村民委员会")
    '张家村'
    """
    for suffix, ending in _DIVISION_ENDINGS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + ending
    return name
