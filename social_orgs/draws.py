"""The verifiable draw of a random-inspection plan (双随机一公开), a pure function anyone can re-run.

Published before the draw: the item list, the organisation pool (sorted ``[id, uscc]``), the
inspector pool (sorted ``{"name", "conflicts": [uscc, ...]}``) and ``pools_hash`` = SHA-256 of
their canonical JSON. The seed is a public value fixed after the pools (e.g. a welfare-lottery
result of a named date). Then:

    digest   = SHA-256(seed + "|" + pools_hash)
    rank(x)  = SHA-256(digest + "|" + x)                  (hex)
    selected = the ``sample_size`` organisations of the pool with the lowest rank(uscc)
    for each selected organisation, in that order: the inspectors without a conflict with it,
               ordered by rank(uscc + "|" + name); the first ``per_task`` of them

Nothing else enters: replaying with the same seed and pools gives the same selection, with any
other seed another one.
"""

import hashlib
import heapq
import json
import math


def canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pools_hash(items: list, org_pool: list, inspector_pool: list) -> str:
    return hashlib.sha256(canonical({"items": items, "organisations": org_pool,
                                     "inspectors": inspector_pool}).encode()).hexdigest()


def sample_size(pool_size: int, min_ratio_pct: int) -> int:
    return min(pool_size, math.ceil(pool_size * min_ratio_pct / 100)) if pool_size else 0


class TooFewInspectors(Exception):
    def __init__(self, uscc: str, available: int):
        super().__init__(uscc)
        self.uscc, self.available = uscc, available


def draw(*, seed: str, pools_hash_: str, org_pool: list, inspector_pool: list, size: int, per_task: int) -> list[dict]:
    digest = hashlib.sha256(f"{seed}|{pools_hash_}".encode()).hexdigest()
    prefix = hashlib.sha256(f"{digest}|".encode())  # rank(x) = SHA-256(digest|x): the prefix hashed once

    def rank(text: str) -> str:
        h = prefix.copy()
        h.update(text.encode())
        return h.hexdigest()

    # The ``size`` lowest ranks (heapq.nsmallest is sorted(...)[:size], without sorting the whole pool).
    chosen = heapq.nsmallest(size, org_pool, key=lambda row: rank(row[1]))
    out = []
    for org_id, uscc in chosen:
        eligible = [p["name"] for p in inspector_pool if uscc not in p.get("conflicts", [])]
        if len(eligible) < per_task:
            raise TooFewInspectors(uscc, len(eligible))
        team = sorted(eligible, key=lambda name: rank(f"{uscc}|{name}"))[:per_task]
        out.append({"organisation": org_id, "uscc": uscc, "inspectors": team})
    return out
