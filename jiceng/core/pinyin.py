"""Pinyin initials of names, for search ("mjb" finds 马家堡) and sorting.

pypinyin reads phrases right but costs ~40 µs a name; an import of 620,000 community names must be
fast, so characters with a single possible initial are looked up directly and only the rest of a
name goes through pypinyin (cached). Official suffixes (社区居委会, 村委会 …) are read once.
"""

import re
import unicodedata
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

_SUFFIX = re.compile(r"(社区居民委员会|社区居委会|居民委员会|居委会|村民委员会|村委会|委员会|街道办事处|办事处)$")


@cache
def _single_initials() -> dict[str, str]:
    table = {}
    for codepoint, readings in pinyin_dict.items():
        initials = {unicodedata.normalize("NFKD", r)[0] for r in readings.split(",")}
        if len(initials) == 1:
            table[chr(codepoint)] = initials.pop()
    return table


@lru_cache(maxsize=200_000)
def _by_pypinyin(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


def initials(name: str) -> str:
    """``马家堡街道`` → ``mjbjd``; non-Chinese characters are kept (lower-cased)."""
    match = _SUFFIX.search(name)
    stem, suffix = (name[: match.start()], match.group()) if match else (name, "")
    table = _single_initials()
    try:
        head = "".join([table[c] for c in stem])
    except KeyError:
        head = _by_pypinyin(stem)
    return (head + (_by_pypinyin(suffix) if suffix else "")).lower()[:100]
