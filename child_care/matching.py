"""Matching roster children with registered people (学籍比对): a validated ID number first, otherwise
name + birth date + sex within the area, the names compared by their pinyin so that homophones (同音字)
and traditional/simplified variants (張/张) surface as candidates for a person to confirm.

pypinyin reads traditional characters as their simplified twins, so both fold to the same syllables;
rapidfuzz scores what is left (a mistyped character, 张晓明/张小明 on the same birth date).
"""

import datetime
import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

NAME_THRESHOLD = 85  # below this similarity of the pinyin a name is not offered as a candidate
_SPACES = re.compile(r"[\s·•．.]+")


def clean_name(name: str) -> str:
    return _SPACES.sub("", name or "")


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """The name's pinyin without tones, syllables separated by spaces: 張偉 and 章伟 → "zhang wei"."""
    return " ".join(lazy_pinyin(clean_name(name), style=Style.NORMAL, errors="default")).lower()


def name_score(a: str, b: str) -> int:
    """100 for the same characters, 95 for the same sound (同音字, 简繁), else rapidfuzz's ratio of the pinyin."""
    a, b = clean_name(a), clean_name(b)
    if not a or not b:
        return 0
    if a == b:
        return 100
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return 95
    return min(94, int(round(fuzz.ratio(ka, kb))))


def birth_from_id(number: str) -> tuple[datetime.date | None, str]:
    """Birth date and sex read from an ID number's digits even when its check digit is wrong (a typo)."""
    number = (number or "").strip().upper()
    if len(number) != 18 or not number[:17].isdigit():
        return None, ""
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None, ""
    return born, ("male" if int(number[16]) % 2 else "female")


def best_candidate(name: str, candidates, skip=()) -> tuple[int | None, int]:
    """Among ``candidates`` [(person id, registered name)], the best-scoring one at or above the threshold
    (ties broken by the lower id, so a run is reproducible), skipping ids in ``skip``."""
    best, best_score = None, 0
    for pk, other in candidates:
        if pk in skip:
            continue
        score = name_score(name, other)
        if score >= NAME_THRESHOLD and (score > best_score or (score == best_score and pk < best)):
            best, best_score = pk, score
    return best, best_score


class NameMatcher:
    """``best_candidate`` for a whole roster: the pinyin of every name is computed once in the run (a province's
    registry holds more names than ``name_key``'s cache) and rapidfuzz stops early below the threshold. At or
    above the threshold the scores are ``name_score``'s, below it 0 (tested)."""

    def __init__(self):
        self._keys: dict[str, str] = {}
        self._key = name_key.__wrapped__

    def key(self, name: str) -> str:
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = self._key(name)
        return found

    def score(self, a: str, b: str) -> int:
        a, b = clean_name(a), clean_name(b)
        if not a or not b:
            return 0
        if a == b:
            return 100
        ka, kb = self.key(a), self.key(b)
        if ka == kb:
            return 95
        # round() as name_score's: a ratio below 84.5 can never round up to the threshold of 85
        ratio = fuzz.ratio(ka, kb, score_cutoff=NAME_THRESHOLD - 0.5)
        return min(94, int(round(ratio)))

    def best(self, name: str, candidates) -> tuple[int | None, int]:
        """As ``best_candidate``: the best [(person id, registered name)] at or above the threshold, ties to
        the lower id."""
        best, best_score = None, 0
        for pk, other in candidates:
            score = self.score(name, other)
            if score >= NAME_THRESHOLD and (score > best_score or (score == best_score and pk < best)):
                best, best_score = pk, score
        return best, best_score
