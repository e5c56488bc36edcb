"""Company names compared as people mean them: "上海明辉制造有限公司", "上海明辉制造 股份有限公司"
and "ＳＨＡＮＧＨＡＩ Minghui Co., Ltd." vs "Shanghai Minghui Inc" are the same company.

`company_key` folds full-width characters (NFKC), case, spaces and punctuation, and drops
the legal-form suffixes (有限公司, 股份有限公司, 有限责任公司, Co., Ltd., Inc. ...). It is
stored on Account.name_key and Lead.company_key (indexed) for the duplicate checks."""

from __future__ import annotations

import re
import unicodedata

# Longest first, so 股份有限公司 goes before 有限公司.
CHINESE_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "公司")
# Latin legal-form words, dropped from the end, one at a time.
LATIN_SUFFIXES = frozenset(
    {
        "co",
        "company",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "llc",
        "plc",
        "gmbh",
    }
)
_WORDS = re.compile(r"[\W_]+", re.UNICODE)


def company_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").casefold()
    words = [w for w in _WORDS.split(text) if w]
    while len(words) > 1 and words[-1] in LATIN_SUFFIXES:
        words.pop()
    key = "".join(words)
    for suffix in CHINESE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    return key[:200]
