"""Who should pair with whom. Pure: no discord, no database, no clock (offsets are computed by the caller).

Preferences, in order (SPEC): never paired together before; closest UTC offset; most shared topics; longest waiting.

* One pair's fit is the tuple `(never_paired, closeness, shared_topics, waiting)`; comparing tuples is comparing
  fits. `pair_score` turns the tuple into one integer with lexicographic weights (each tier's weight is larger than
  everything the tiers below can add up to in one pair), so a round can add fits up and be compared with an optimal
  assignment computed elsewhere on the same numbers.
* Closeness is measured on the clock face: UTC-11 and UTC+13 read the same time, so they are 0 h apart, and two
  clocks are never more than 12 h apart. It counts in 15-minute steps (every offset in use is a multiple of 15 min).
  An unknown time zone counts as 6 h away: behind anyone within 6 h, ahead of anyone further.
* `/pair join` matches at once only with a *fitting* learner: never paired with the joiner before, and within
  3 h (or either zone unknown). Everyone else waits for a better partner or for the next round, where everybody
  waiting is paired with the best total fit.
* A round pairs as many as it can: min(backends, frontends) pairs. The odd ones out (the surplus of the larger
  track) stay queued, first in line for the next joiner or round. No trios: every pair is one backend and one
  frontend learner, which keeps the project split (API / page) and the check-ins simple.

The round is an assignment problem (maximum-weight bipartite matching). The runtime has no numpy/scipy, so it is
solved in pure Python: exactly with the Hungarian algorithm when the queue is small enough to afford O(n³)
(EXACT_WORK_LIMIT, a couple of hundred learners per track in ~0.2 s), otherwise heuristically: build the score
matrix row by row with topic bitmasks; start from three matchings (the instant matcher run over the whole queue,
best edges first over each learner's top candidates, and the best split between UTC-offset classes solved exactly
as a small transportation problem, then best edges within each block); improve each with pairwise swaps over the
candidate lists until no swap helps; keep the best. Either way the instant matcher's own result is one of the
candidates and swaps only ever raise a total, so a round never scores below it.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Final, Literal

Role = Literal["backend", "frontend"]
ROLES: Final[tuple[Role, Role]] = ("backend", "frontend")

STEP_MINUTES: Final = 15
MAX_CLOSENESS: Final = 12 * 60 // STEP_MINUTES  # 48: same clock time
UNKNOWN_CLOSENESS: Final = MAX_CLOSENESS // 2  # an unknown zone counts as 6 h away
INSTANT_MAX_DISTANCE_MINUTES: Final = 3 * 60
MAX_SHARED_TOPICS: Final = 10

# Each learner earns 0..WAIT_POINTS_MAX for how long they have waited compared with the rest of the queue.
WAIT_POINTS_MAX: Final = 49
WEIGHT_TOPIC: Final = 2 * WAIT_POINTS_MAX + 1
WEIGHT_CLOSENESS: Final = MAX_SHARED_TOPICS * WEIGHT_TOPIC + WEIGHT_TOPIC
WEIGHT_NEVER_PAIRED: Final = MAX_CLOSENESS * WEIGHT_CLOSENESS + WEIGHT_CLOSENESS
MAX_PAIR_SCORE: Final = WEIGHT_NEVER_PAIRED + MAX_CLOSENESS * WEIGHT_CLOSENESS + WEIGHT_CLOSENESS - 1

# Candidates per learner examined by the round's greedy start and by the swap search.
CANDIDATES_PER_LEARNER: Final = 12
DEFAULT_ROUND_BUDGET_SECONDS: Final = 1.2
# Rounds up to this much work (smaller track² × larger track) are solved exactly (Hungarian algorithm, ~0.2 s);
# bigger ones by the heuristic, which stays within a few hundredths of a percent of the optimum.
EXACT_WORK_LIMIT: Final = 200**3

History = Mapping[int, AbstractSet[int]]
"""Past partners by user id (symmetric: if b is in history[a], a is in history[b])."""


def other_role(role: Role) -> Role:
    """The track a learner of `role` is paired with."""
    return "frontend" if role == "backend" else "backend"


@dataclass(frozen=True, slots=True)
class Learner:
    """A waiting learner as the matcher sees them."""

    user_id: int
    role: Role
    seq: int  # join order: smaller has waited longer
    topics: frozenset[str] = frozenset()
    offset: int | None = None  # minutes east of UTC at matching time; None = unknown


def build_history(pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Past partners by user, from (a, b) pairs."""
    history: dict[int, set[int]] = {}
    for a, b in pairs:
        history.setdefault(a, set()).add(b)
        history.setdefault(b, set()).add(a)
    return history


def paired_before(history: History, a: int, b: int) -> bool:
    """Whether a and b were ever paired together."""
    return b in history.get(a, ())


def clock_distance(a: int | None, b: int | None) -> int | None:
    """How far apart two UTC offsets read on a 24-hour clock, in minutes (0..720); None if either is unknown."""
    if a is None or b is None:
        return None
    gap = abs(a - b) % (24 * 60)
    return min(gap, 24 * 60 - gap)


def closeness(a: int | None, b: int | None) -> int:
    """0..48: 48 for the same clock time, one less per 15 minutes apart; UNKNOWN_CLOSENESS if a zone is unknown."""
    distance = clock_distance(a, b)
    if distance is None:
        return UNKNOWN_CLOSENESS
    return MAX_CLOSENESS - (distance + STEP_MINUTES // 2) // STEP_MINUTES


def fits_instantly(joiner: Learner, candidate: Learner, history: History) -> bool:
    """Whether `/pair join` may pair these two right away (otherwise the joiner waits)."""
    if candidate.role == joiner.role or candidate.user_id == joiner.user_id:
        return False
    if paired_before(history, joiner.user_id, candidate.user_id):
        return False
    distance = clock_distance(joiner.offset, candidate.offset)
    return distance is None or distance <= INSTANT_MAX_DISTANCE_MINUTES


def fit_tuple(a: Learner, b: Learner, history: History, waiting: int = 0) -> tuple[int, int, int, int]:
    """(never paired before 0/1, closeness 0..48, shared topics 0..10, waiting points): larger is better."""
    return (
        0 if paired_before(history, a.user_id, b.user_id) else 1,
        closeness(a.offset, b.offset),
        min(len(a.topics & b.topics), MAX_SHARED_TOPICS),
        waiting,
    )


def score_of(fit: tuple[int, int, int, int]) -> int:
    """The integer with the same order as fit tuples: lexicographic weights."""
    never, close, shared, waiting = fit
    return never * WEIGHT_NEVER_PAIRED + close * WEIGHT_CLOSENESS + shared * WEIGHT_TOPIC + waiting


def wait_points(learners: Iterable[Learner]) -> dict[int, int]:
    """0..49 per user by rank in the queue: the longest waiting gets 49, the newest 0."""
    ordered = sorted(learners, key=lambda learner: learner.seq)
    last = len(ordered) - 1
    if last <= 0:
        return {learner.user_id: WAIT_POINTS_MAX for learner in ordered}
    return {learner.user_id: WAIT_POINTS_MAX * (last - rank) // last for rank, learner in enumerate(ordered)}


def pair_score(a: Learner, b: Learner, history: History, points: Mapping[int, int]) -> int:
    """One pair's fit as an integer (see the module docstring); `points` comes from `wait_points`."""
    return score_of(fit_tuple(a, b, history, points.get(a.user_id, 0) + points.get(b.user_id, 0)))


def instant_match(joiner: Learner, waiting: Iterable[Learner], history: History) -> Learner | None:
    """The best fitting learner of the other track for someone joining now, or None (the joiner queues).

    Best = never paired before, then closest offset, then most shared topics, then longest waiting.
    """
    best: Learner | None = None
    best_key: tuple[int, int, int] | None = None
    for candidate in waiting:
        if not fits_instantly(joiner, candidate, history):
            continue
        key = (
            closeness(joiner.offset, candidate.offset),
            len(joiner.topics & candidate.topics),
            -candidate.seq,
        )
        if best_key is None or key > best_key:
            best, best_key = candidate, key
    return best


def best_partner(learner: Learner, waiting: Iterable[Learner], history: History) -> Learner | None:
    """The best learner of the other track by fit tuple, ties to the longest waiting; no fitting threshold."""
    best: Learner | None = None
    best_key: tuple[int, int, int, int] | None = None
    for candidate in waiting:
        if candidate.role == learner.role or candidate.user_id == learner.user_id:
            continue
        never, close, shared, _ = fit_tuple(learner, candidate, history)
        key = (never, close, shared, -candidate.seq)
        if best_key is None or key > best_key:
            best, best_key = candidate, key
    return best


def greedy_instant(learners: Sequence[Learner], history: History) -> list[tuple[Learner, Learner]]:
    """The instant matcher run over a whole queue: longest waiting first, each takes their best partner
    among those still waiting. Returned as (backend, frontend) pairs. The yardstick a round must not fall below."""
    waiting = sorted(learners, key=lambda learner: learner.seq)
    taken: set[int] = set()
    pairs: list[tuple[Learner, Learner]] = []
    for learner in waiting:
        if learner.user_id in taken:
            continue
        partner = best_partner(learner, (c for c in waiting if c.user_id not in taken), history)
        if partner is None:
            continue
        taken.update((learner.user_id, partner.user_id))
        pairs.append((learner, partner) if learner.role == "backend" else (partner, learner))
    return pairs


def total_score(pairs: Iterable[tuple[Learner, Learner]], history: History, points: Mapping[int, int]) -> int:
    """The sum of the pairs' scores."""
    return sum(pair_score(a, b, history, points) for a, b in pairs)


@dataclass
class RoundPlan:
    """A round's outcome: (backend, frontend) pairs, who stays queued, and the total score."""

    pairs: list[tuple[Learner, Learner]]
    leftover: list[Learner]
    total: int
    scores: list[int] = field(default_factory=list)


class _Assignment:
    """A perfect matching on the square matrix padded with zero rows/columns (dummy = stays queued)."""

    def __init__(self, matrix: list[list[int]], n: int) -> None:
        self.matrix = matrix
        self.n = n
        self.col_of = [-1] * n
        self.row_of = [-1] * n

    def assign(self, row: int, col: int) -> None:
        self.col_of[row], self.row_of[col] = col, row

    def fill_free(self) -> None:
        """Give every unassigned row the best free column (only dummies or leftovers reach here)."""
        free_cols = [col for col in range(self.n) if self.row_of[col] < 0]
        for row in range(self.n):
            if self.col_of[row] < 0:
                values = self.matrix[row]
                col = max(free_cols, key=values.__getitem__)
                free_cols.remove(col)
                self.assign(row, col)

    def total(self) -> int:
        matrix = self.matrix
        return sum(matrix[row][col] for row, col in enumerate(self.col_of))

    def improve(self, candidates: list[list[int]], deadline: float) -> None:
        """Pairwise swaps (row i takes column j from row k, k takes i's column) while any raises the total."""
        matrix, col_of, row_of = self.matrix, self.col_of, self.row_of
        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            for i, cols in enumerate(candidates):
                row_i = matrix[i]
                for j in cols:
                    a = col_of[i]
                    if a == j:
                        continue
                    k = row_of[j]
                    row_k = matrix[k]
                    if row_i[j] + row_k[a] > row_i[a] + row_k[j]:
                        col_of[i], col_of[k], row_of[j], row_of[a] = j, a, i, k
                        improved = True


def _offset_classes(learners: Iterable[Learner]) -> list[int | None]:
    return sorted({learner.offset for learner in learners}, key=lambda offset: (offset is None, offset or 0))


def _score_matrix(
    rows: Sequence[Learner],
    cols: Sequence[Learner],
    history: History,
    points: Mapping[int, int],
    offsets: list[int | None],
) -> list[list[int]]:
    """Scores of rows × cols (rows the smaller track), built row by row with topic bitmasks, then padded with
    zero rows (one shared list: never written) to a square: a row of zeros is "stays queued"."""
    vocabulary: dict[str, int] = {}

    def mask(topics: frozenset[str]) -> int:
        bits = 0
        for topic in sorted(topics):
            bits |= 1 << vocabulary.setdefault(topic, len(vocabulary))
        return bits

    offset_index = {offset: index for index, offset in enumerate(offsets)}
    # By offset class: the never-paired and closeness tiers, which depend on the two offsets only.
    base = [[WEIGHT_NEVER_PAIRED + closeness(a, b) * WEIGHT_CLOSENESS for b in offsets] for a in offsets]
    col_masks = [mask(learner.topics) for learner in cols]
    col_class = [offset_index[learner.offset] for learner in cols]
    col_points = [points.get(learner.user_id, 0) for learner in cols]
    col_index = {learner.user_id: index for index, learner in enumerate(cols)}
    matrix: list[list[int]] = []
    for learner in rows:
        by_class = base[offset_index[learner.offset]]
        bits, own = mask(learner.topics), points.get(learner.user_id, 0)
        row = [
            by_class[klass] + min((bits & other).bit_count(), MAX_SHARED_TOPICS) * WEIGHT_TOPIC + own + extra
            for klass, other, extra in zip(col_class, col_masks, col_points, strict=True)
        ]
        for partner in history.get(learner.user_id, ()):
            index = col_index.get(partner)
            if index is not None:
                row[index] -= WEIGHT_NEVER_PAIRED
        matrix.append(row)
    zeros = [0] * len(cols)
    matrix.extend(zeros for _ in range(len(cols) - len(rows)))
    return matrix


def transport(supply: Sequence[int], demand: Sequence[int], profit: Sequence[Sequence[int]]) -> list[list[int]]:
    """How many backends of each offset class to pair with frontends of each class: the most pairs, and among
    those the largest total profit (a min-cost max-flow by successive shortest paths; classes are few)."""
    rows, cols = len(supply), len(demand)
    source, sink = rows + cols, rows + cols + 1
    size = sink + 1
    # Arc lists: to, capacity, cost, index of the reverse arc.
    graph: list[list[list[int]]] = [[] for _ in range(size)]

    def arc(u: int, v: int, capacity: int, cost: int) -> None:
        graph[u].append([v, capacity, cost, len(graph[v])])
        graph[v].append([u, 0, -cost, len(graph[u]) - 1])

    for x, amount in enumerate(supply):
        arc(source, x, amount, 0)
    for y, amount in enumerate(demand):
        arc(rows + y, sink, amount, 0)
    for x in range(rows):
        for y in range(cols):
            arc(x, rows + y, min(supply[x], demand[y]), -profit[x][y])
    while True:
        # Bellman-Ford with a queue (costs are negative; the residual graph has no negative cycle under SSP).
        distance: list[int | None] = [None] * size
        distance[source] = 0
        previous: list[tuple[int, int] | None] = [None] * size
        queue, queued = [source], [False] * size
        queued[source] = True
        head = 0
        while head < len(queue):
            u = queue[head]
            head += 1
            queued[u] = False
            base_distance = distance[u]
            assert base_distance is not None
            for index, (v, capacity, cost, _) in enumerate(graph[u]):
                if capacity > 0:
                    candidate = base_distance + cost
                    current = distance[v]
                    if current is None or candidate < current:
                        distance[v], previous[v] = candidate, (u, index)
                        if not queued[v]:
                            queued[v] = True
                            queue.append(v)
        if distance[sink] is None:
            break
        push, node = None, sink
        while node != source:
            step = previous[node]
            assert step is not None
            u, index = step
            capacity = graph[u][index][1]
            push = capacity if push is None else min(push, capacity)
            node = u
        assert push is not None
        node = sink
        while node != source:
            step = previous[node]
            assert step is not None
            u, index = step
            graph[u][index][1] -= push
            graph[node][graph[u][index][3]][1] += push
            node = u
    flow = [[0] * cols for _ in range(rows)]
    for x in range(rows):
        for v, capacity, cost, _ in graph[x]:
            if rows <= v < rows + cols and cost <= 0:
                flow[x][v - rows] = min(supply[x], demand[v - rows]) - capacity
    return flow


def hungarian(score: Sequence[Sequence[int]]) -> list[int]:
    """A maximum-total assignment of every row to its own column (rows ≤ columns): each row's column.

    The Hungarian algorithm with potentials (shortest augmenting paths), O(rows² × columns): exact, for the rounds
    small enough (EXACT_WORK_LIMIT) to afford it in pure Python.
    """
    rows = len(score)
    if rows == 0:
        return []
    cols = len(score[0])
    if rows > cols:
        raise ValueError("hungarian needs at least as many columns as rows")
    top = max(max(row) for row in score)
    infinity = float("inf")
    # Minimise top - score (≥ 0). u: row potentials; v: column potentials; index 0 of the columns is the start.
    u = [0.0] * (rows + 1)
    v = [0.0] * (cols + 1)
    owner = [0] * (cols + 1)  # owner[j] = row (1-based) holding column j, 0 = free
    way = [0] * (cols + 1)
    for i in range(1, rows + 1):
        owner[0] = i
        j0 = 0
        minv = [infinity] * (cols + 1)
        used = [False] * (cols + 1)
        free = list(range(1, cols + 1))
        visited = [0]
        while True:
            used[j0] = True
            i0 = owner[j0]
            values, ui0 = score[i0 - 1], u[i0]
            delta, j1 = infinity, 0
            for j in free:
                current = top - values[j - 1] - ui0 - v[j]
                if current < minv[j]:
                    minv[j], way[j] = current, j0
                if minv[j] < delta:
                    delta, j1 = minv[j], j
            for j in visited:
                u[owner[j]] += delta
                v[j] -= delta
            for j in free:
                minv[j] -= delta
            j0 = j1
            free.remove(j0)
            visited.append(j0)
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    assignment = [0] * rows
    for j in range(1, cols + 1):
        if owner[j]:
            assignment[owner[j] - 1] = j - 1
    return assignment


def plan_round(
    learners: Sequence[Learner],
    history: History,
    *,
    time_budget: float = DEFAULT_ROUND_BUDGET_SECONDS,
    candidates_per_learner: int = CANDIDATES_PER_LEARNER,
    exact_work_limit: int = EXACT_WORK_LIMIT,
) -> RoundPlan:
    """Pair everyone waiting for the best total fit; see the module docstring for how and for the odd ones out."""
    started = time.perf_counter()
    backends = sorted((x for x in learners if x.role == "backend"), key=lambda x: x.seq)
    frontends = sorted((x for x in learners if x.role == "frontend"), key=lambda x: x.seq)
    if not backends or not frontends:
        return RoundPlan([], sorted(learners, key=lambda x: x.seq), 0)
    # Rows are the smaller track, so the matrix is rows × cols and only zero rows pad it to a square.
    rows_side, cols_side = (backends, frontends) if len(backends) <= len(frontends) else (frontends, backends)
    points = wait_points(learners)
    nr, n = len(rows_side), len(cols_side)
    offsets = _offset_classes(learners)
    matrix = _score_matrix(rows_side, cols_side, history, points, offsets)
    columns = [list(column) for column in zip(*matrix[:nr], strict=True)]

    # Start A: the instant matcher over the whole queue, longest waiting first.
    start_a = _Assignment(matrix, n)
    free_cols, free_rows = list(range(n)), list(range(nr))
    order = sorted([(x.seq, 0, i) for i, x in enumerate(rows_side)] + [(x.seq, 1, j) for j, x in enumerate(cols_side)])
    for _, side, index in order:
        if side == 0:
            if start_a.col_of[index] >= 0 or not free_cols:
                continue
            col = max(free_cols, key=matrix[index].__getitem__)
            free_cols.remove(col)
            free_rows.remove(index)
            start_a.assign(index, col)
        else:
            if start_a.row_of[index] >= 0 or not free_rows:
                continue
            row = max(free_rows, key=columns[index].__getitem__)
            free_rows.remove(row)
            free_cols.remove(index)
            start_a.assign(row, index)
    start_a.fill_free()

    if nr * nr * n <= exact_work_limit:
        exact = _Assignment(matrix, n)
        for i, j in enumerate(hungarian(matrix[:nr])):
            exact.assign(i, j)
        exact.fill_free()
        best = exact if exact.total() > start_a.total() else start_a
        return _plan(best, rows_side, cols_side, learners, matrix)

    # Candidate lists: each real row's best columns (stable order keeps ties with the longest waiting).
    k = min(candidates_per_learner, n)
    candidates = [heapq.nlargest(k, range(n), key=matrix[i].__getitem__) for i in range(nr)]

    # Start B: best edges first over the candidate lists.
    start_b = _Assignment(matrix, n)
    edges = sorted(((matrix[i][j], -i, -j) for i in range(nr) for j in candidates[i]), reverse=True)
    for _, minus_i, minus_j in edges:
        i, j = -minus_i, -minus_j
        if start_b.col_of[i] < 0 and start_b.row_of[j] < 0:
            start_b.assign(i, j)
    start_b.fill_free()

    # Start C: the best split between offset classes (exact for the closeness tier), then best edges per block.
    start_c = _Assignment(matrix, n)
    offset_index = {offset: index for index, offset in enumerate(offsets)}
    row_class = [offset_index[x.offset] for x in rows_side]
    col_class = [offset_index[x.offset] for x in cols_side]
    classes = len(offsets)
    supply, demand = [0] * classes, [0] * classes
    for klass in row_class:
        supply[klass] += 1
    for klass in col_class:
        demand[klass] += 1
    profit = [[closeness(a, b) for b in offsets] for a in offsets]
    quota = transport(supply, demand, profit)
    for i, j in ((-minus_i, -minus_j) for _, minus_i, minus_j in edges):
        if start_c.col_of[i] < 0 and start_c.row_of[j] < 0 and quota[row_class[i]][col_class[j]] > 0:
            quota[row_class[i]][col_class[j]] -= 1
            start_c.assign(i, j)
    members_row: list[list[int]] = [[] for _ in range(classes)]
    members_col: list[list[int]] = [[] for _ in range(classes)]
    for i in range(nr):
        if start_c.col_of[i] < 0:
            members_row[row_class[i]].append(i)
    for j in range(n):
        if start_c.row_of[j] < 0:
            members_col[col_class[j]].append(j)
    for x in range(classes):
        for y in range(classes):
            if quota[x][y] <= 0:
                continue
            block = sorted(((matrix[i][j], -i, -j) for i in members_row[x] for j in members_col[y]), reverse=True)
            for _, minus_i, minus_j in block:
                i, j = -minus_i, -minus_j
                if quota[x][y] > 0 and start_c.col_of[i] < 0 and start_c.row_of[j] < 0:
                    quota[x][y] -= 1
                    start_c.assign(i, j)
            members_row[x] = [i for i in members_row[x] if start_c.col_of[i] < 0]
            members_col[y] = [j for j in members_col[y] if start_c.row_of[j] < 0]
    start_c.fill_free()

    # Improve every start with the time left, then keep the best (ties go to the instant matcher's).
    starts = [start_a, start_b, start_c]
    for index, start in enumerate(starts):
        left = started + time_budget - time.perf_counter()
        start.improve(candidates, time.perf_counter() + max(left, 0.0) / (len(starts) - index))
    best = max(starts, key=lambda start: start.total())
    return _plan(best, rows_side, cols_side, learners, matrix)


def _plan(
    best: _Assignment,
    rows_side: Sequence[Learner],
    cols_side: Sequence[Learner],
    learners: Sequence[Learner],
    matrix: list[list[int]],
) -> RoundPlan:
    pairs: list[tuple[Learner, Learner]] = []
    scores: list[int] = []
    for i, learner in enumerate(rows_side):
        partner = cols_side[best.col_of[i]]
        pairs.append((learner, partner) if learner.role == "backend" else (partner, learner))
        scores.append(matrix[i][best.col_of[i]])
    order = sorted(range(len(pairs)), key=lambda index: pairs[index][0].seq)
    pairs, scores = [pairs[index] for index in order], [scores[index] for index in order]
    paired = {learner.user_id for pair in pairs for learner in pair}
    leftover = [x for x in sorted(learners, key=lambda x: x.seq) if x.user_id not in paired]
    return RoundPlan(pairs, leftover, sum(scores), scores)


def check_pairs(pairs: Collection[tuple[Learner, Learner]]) -> None:
    """Raise AssertionError unless every pair is one backend + one frontend and nobody is in two pairs."""
    seen: set[int] = set()
    for backend, frontend in pairs:
        if backend.role != "backend" or frontend.role != "frontend":
            raise AssertionError(f"pair {backend.user_id}/{frontend.user_id} is not backend × frontend")
        for user in (backend.user_id, frontend.user_id):
            if user in seen:
                raise AssertionError(f"user {user} is in two pairs")
            seen.add(user)
