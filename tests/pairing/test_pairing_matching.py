"""The matcher: parametrised tables for each preference, hypothesis properties for instant matching and rounds."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.pairing.matching import (
    MAX_CLOSENESS,
    MAX_SHARED_TOPICS,
    UNKNOWN_CLOSENESS,
    WAIT_POINTS_MAX,
    WEIGHT_CLOSENESS,
    WEIGHT_NEVER_PAIRED,
    WEIGHT_TOPIC,
    Learner,
    best_partner,
    build_history,
    check_pairs,
    clock_distance,
    closeness,
    fit_tuple,
    fits_instantly,
    greedy_instant,
    hungarian,
    instant_match,
    pair_score,
    plan_round,
    score_of,
    total_score,
    transport,
    wait_points,
)


def back(user: int, seq: int | None = None, topics: str = "", offset: int | None = 60) -> Learner:
    return Learner(user, "backend", user if seq is None else seq, frozenset(topics.split()), offset)


def front(user: int, seq: int | None = None, topics: str = "", offset: int | None = 60) -> Learner:
    return Learner(user, "frontend", user if seq is None else seq, frozenset(topics.split()), offset)


# Closeness and fit ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "distance", "expected"),
    [
        (60, 60, 0, MAX_CLOSENESS),
        (60, 0, 60, MAX_CLOSENESS - 4),
        (0, 180, 180, MAX_CLOSENESS - 12),
        (0, 720, 720, 0),
        (-660, 780, 0, MAX_CLOSENESS),  # UTC-11 and UTC+13 read the same time
        (-300, 540, 600, 8),  # New York and Tokyo: 14 h one way, 10 h the other
        (330, 0, 330, MAX_CLOSENESS - 22),  # India
        (345, 0, 345, MAX_CLOSENESS - 23),  # Nepal
        (None, 0, None, UNKNOWN_CLOSENESS),
        (0, None, None, UNKNOWN_CLOSENESS),
        (None, None, None, UNKNOWN_CLOSENESS),
    ],
)
def test_closeness_is_measured_on_the_clock_face(a: int | None, b: int | None, distance: int | None, expected: int):
    assert clock_distance(a, b) == distance
    assert closeness(a, b) == expected == closeness(b, a)


@pytest.mark.parametrize(
    ("joiner", "candidate", "history", "fits"),
    [
        (back(1), front(2), [], True),
        (back(1), back(2), [], False),  # same track
        (back(1), front(2), [(1, 2)], False),  # paired before
        (back(1, offset=60), front(2, offset=240), [], True),  # exactly 3 h
        (back(1, offset=60), front(2, offset=255), [], False),  # 3 h 15 min
        (back(1, offset=60), front(2, offset=None), [], True),  # unknown zone: no reason to wait
        (front(1, offset=-300), back(2, offset=60), [], False),  # New York and Lagos: 6 h
    ],
)
def test_who_fits_an_instant_match(joiner: Learner, candidate: Learner, history: list[tuple[int, int]], fits: bool):
    assert fits_instantly(joiner, candidate, build_history(history)) is fits


@pytest.mark.parametrize(
    ("joiner", "waiting", "history", "expected"),
    [
        # Never paired together before beats everything else.
        (back(1, topics="django react"), [front(2, topics="django react"), front(3)], [(1, 2)], 3),
        # Then the closest clock.
        (back(1, offset=60), [front(2, offset=120), front(3, offset=60)], [], 3),
        (back(1, offset=60), [front(2, offset=180, topics="a b c"), front(3, offset=120)], [], 3),
        # Then most shared topics.
        (back(1, topics="django docker react"), [front(2, topics="react"), front(3, topics="docker react")], [], 3),
        # Then the longest waiting.
        (back(10, topics="x"), [front(3, seq=7, topics="x"), front(2, seq=5, topics="x")], [], 2),
        # An unknown zone ranks behind known zones within 3 h.
        (back(1, offset=60), [front(2, offset=None), front(3, offset=240)], [], 3),
        # Nobody fits: the joiner waits.
        (back(1, offset=60), [front(2, offset=-300), back(3)], [], None),
        (back(1), [front(2)], [(1, 2)], None),
        (back(1), [], [], None),
    ],
)
def test_instant_match_preferences_in_order(
    joiner: Learner, waiting: list[Learner], history: list[tuple[int, int]], expected: int | None
):
    match = instant_match(joiner, waiting, build_history(history))
    assert (match.user_id if match else None) == expected


def test_the_weights_are_lexicographic_for_one_pair():
    most_below_topics = 2 * WAIT_POINTS_MAX
    assert most_below_topics < WEIGHT_TOPIC
    assert MAX_SHARED_TOPICS * WEIGHT_TOPIC + most_below_topics < WEIGHT_CLOSENESS
    assert MAX_CLOSENESS * WEIGHT_CLOSENESS + MAX_SHARED_TOPICS * WEIGHT_TOPIC + most_below_topics < WEIGHT_NEVER_PAIRED


fits = st.tuples(
    st.integers(0, 1),
    st.integers(0, MAX_CLOSENESS),
    st.integers(0, MAX_SHARED_TOPICS),
    st.integers(0, 2 * WAIT_POINTS_MAX),
)


@given(fits, fits)
def test_scores_order_pairs_exactly_as_fit_tuples_do(a: tuple[int, int, int, int], b: tuple[int, int, int, int]):
    assert (a < b) == (score_of(a) < score_of(b))
    assert (a == b) == (score_of(a) == score_of(b))


@pytest.mark.parametrize(
    ("seqs", "points"),
    [
        ([5], [WAIT_POINTS_MAX]),
        ([1, 2], [WAIT_POINTS_MAX, 0]),
        ([9, 3, 5], [0, WAIT_POINTS_MAX, WAIT_POINTS_MAX // 2]),
    ],
)
def test_wait_points_rank_the_queue(seqs: list[int], points: list[int]):
    learners = [back(100 + index, seq=seq) for index, seq in enumerate(seqs)]
    got = wait_points(learners)
    assert [got[learner.user_id] for learner in learners] == points


# Rounds -----------------------------------------------------------------------------------------------------------

VOCABULARY = ["python", "django", "rest", "graphql", "docker", "react", "vue", "css", "testing", "redis", "async"]
OFFSETS = [None, -300, 0, 60, 120, 180, 330, 480, 600, 780]


@st.composite
def queues(draw: st.DrawFn, max_size: int = 14) -> tuple[list[Learner], dict[int, set[int]]]:
    size = draw(st.integers(0, max_size))
    seqs = draw(st.permutations(range(1, size + 1)))
    learners = []
    for user in range(size):
        role = draw(st.sampled_from(["backend", "frontend"]))
        topics = frozenset(draw(st.lists(st.sampled_from(VOCABULARY), max_size=5)))
        offset = draw(st.sampled_from(OFFSETS))
        learners.append(Learner(1000 + user, role, seqs[user], topics, offset))
    backends = [x.user_id for x in learners if x.role == "backend"]
    frontends = [x.user_id for x in learners if x.role == "frontend"]
    past = []
    if backends and frontends:
        past = draw(st.lists(st.tuples(st.sampled_from(backends), st.sampled_from(frontends)), max_size=size))
    return learners, build_history(past)


@settings(max_examples=300, deadline=None)
@given(queues())
def test_a_round_pairs_one_backend_with_one_frontend_nobody_twice_as_many_as_possible(
    queue: tuple[list[Learner], dict[int, set[int]]],
):
    learners, history = queue
    plan = plan_round(learners, history)
    check_pairs(plan.pairs)
    backends = sum(x.role == "backend" for x in learners)
    assert len(plan.pairs) == min(backends, len(learners) - backends)
    paired = {x.user_id for pair in plan.pairs for x in pair}
    assert {x.user_id for x in plan.leftover} == {x.user_id for x in learners} - paired
    assert len({x.role for x in plan.leftover}) <= 1  # the odd ones out are all of the larger track
    points = wait_points(learners)
    assert plan.total == total_score(plan.pairs, history, points) == sum(plan.scores)


@settings(max_examples=300, deadline=None)
@given(queues())
def test_a_round_never_scores_below_the_instant_matcher_on_the_same_queue(
    queue: tuple[list[Learner], dict[int, set[int]]],
):
    learners, history = queue
    points = wait_points(learners)
    greedy = greedy_instant(learners, history)
    check_pairs(greedy)
    assert plan_round(learners, history).total >= total_score(greedy, history, points)


@settings(max_examples=150, deadline=None)
@given(queues(max_size=10))
def test_a_small_round_is_optimal(queue: tuple[list[Learner], dict[int, set[int]]]):
    learners, history = queue
    points = wait_points(learners)
    backends = [x for x in learners if x.role == "backend"]
    frontends = [x for x in learners if x.role == "frontend"]
    small, large = (backends, frontends) if len(backends) <= len(frontends) else (frontends, backends)
    best = max(
        (
            sum(pair_score(a, b, history, points) for a, b in zip(small, chosen, strict=False))
            for chosen in itertools.permutations(large, len(small))
        ),
        default=0,
    )
    assert plan_round(learners, history).total == best


def test_greedy_instant_is_the_instant_matcher_longest_waiting_first():
    learners = [back(1, seq=1, topics="react"), front(2, seq=2), front(3, seq=3, topics="react"), back(4, seq=4)]
    pairs = greedy_instant(learners, {})
    assert [(b.user_id, f.user_id) for b, f in pairs] == [(1, 3), (4, 2)]
    assert best_partner(learners[0], learners[1:], {}) == learners[2]


def test_a_round_prefers_new_partners_then_close_clocks_then_topics():
    learners = [
        back(1, offset=60, topics="django"),
        back(2, offset=-300, topics="react"),
        front(3, offset=60, topics="react"),
        front(4, offset=-300, topics="django"),
    ]
    plan = plan_round(learners, {})
    assert sorted((b.user_id, f.user_id) for b, f in plan.pairs) == [(1, 3), (2, 4)]  # clocks beat topics
    plan = plan_round(learners, build_history([(1, 3)]))
    assert sorted((b.user_id, f.user_id) for b, f in plan.pairs) == [(1, 4), (2, 3)]  # new partners beat clocks


@pytest.mark.parametrize(
    ("backends", "frontends", "stays"),
    [
        (3, 1, {"backend"}),
        (1, 3, {"frontend"}),
        (0, 4, {"frontend"}),
        (2, 2, set()),
    ],
)
def test_the_odd_ones_out_stay_queued_newest_first(backends: int, frontends: int, stays: set[str]):
    learners = [back(i, seq=i) for i in range(1, backends + 1)]
    learners += [front(100 + i, seq=100 + i) for i in range(1, frontends + 1)]
    plan = plan_round(learners, {})
    assert {x.role for x in plan.leftover} == stays
    waited_longest = sorted(learners, key=lambda x: x.seq)
    leftover_ids = {x.user_id for x in plan.leftover}
    # With everything else equal, the longest waiting of the larger track are the ones paired.
    for role in stays:
        same = [x for x in waited_longest if x.role == role]
        assert leftover_ids == {x.user_id for x in same[len(same) - len(plan.leftover) :]}


def test_a_round_is_close_to_optimal_on_a_big_realistic_queue():
    scipy_optimize = pytest.importorskip("scipy.optimize")
    numpy = pytest.importorskip("numpy")
    rng = random.Random(7)
    offsets = [60] * 30 + [180] * 20 + [0] * 15 + [120] * 12 + [-300] * 5 + [330] * 4 + [None] * 8 + [480] * 3
    learners = [
        Learner(
            i,
            "backend" if i < 150 else "frontend",
            rng.randint(1, 10**6),
            frozenset(rng.sample(VOCABULARY, rng.randint(0, 5))),
            rng.choice(offsets),
        )
        for i in range(280)
    ]
    history = build_history((rng.randrange(150), rng.randrange(150, 280)) for _ in range(200))
    points = wait_points(learners)
    backends = [x for x in learners if x.role == "backend"]
    frontends = [x for x in learners if x.role == "frontend"]
    matrix = numpy.array([[pair_score(b, f, history, points) for f in frontends] for b in backends])
    rows, cols = scipy_optimize.linear_sum_assignment(matrix, maximize=True)
    optimum = int(matrix[rows, cols].sum())
    exact = plan_round(learners, history)
    assert exact.total == optimum
    heuristic = plan_round(learners, history, exact_work_limit=0)  # what a round of thousands uses
    check_pairs(heuristic.pairs)
    assert len(heuristic.pairs) == min(len(backends), len(frontends))
    assert heuristic.total >= 0.999 * optimum


@settings(max_examples=60, deadline=None)
@given(queues(max_size=30))
def test_the_heuristic_used_for_big_rounds_keeps_the_properties_too(queue: tuple[list[Learner], dict[int, set[int]]]):
    learners, history = queue
    plan = plan_round(learners, history, exact_work_limit=0)
    check_pairs(plan.pairs)
    backends = sum(x.role == "backend" for x in learners)
    assert len(plan.pairs) == min(backends, len(learners) - backends)
    greedy = greedy_instant(learners, history)
    assert plan.total >= total_score(greedy, history, wait_points(learners))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda rows: st.integers(rows, 9).flatmap(
            lambda cols: st.lists(
                st.lists(st.integers(0, 50), min_size=cols, max_size=cols), min_size=rows, max_size=rows
            )
        )
    )
)
def test_hungarian_finds_the_optimal_assignment(matrix: list[list[int]]):
    assignment = hungarian(matrix)
    assert len(set(assignment)) == len(matrix)
    cols = len(matrix[0])
    best = max(
        sum(matrix[i][j] for i, j in enumerate(chosen)) for chosen in itertools.permutations(range(cols), len(matrix))
    )
    assert sum(matrix[i][j] for i, j in enumerate(assignment)) == best


@pytest.mark.parametrize(
    ("supply", "demand", "profit", "expected_total", "expected_flow"),
    [
        ([2, 1], [1, 2], [[5, 1], [1, 5]], 11, 3),
        ([3], [1, 1], [[2, 7]], 9, 2),
        ([1, 1], [1], [[1], [9]], 9, 1),
        ([0], [4], [[3]], 0, 0),
    ],
)
def test_transport_splits_classes_for_the_most_pairs_then_the_most_profit(
    supply: list[int], demand: list[int], profit: list[list[int]], expected_total: int, expected_flow: int
):
    flow = transport(supply, demand, profit)
    assert sum(map(sum, flow)) == expected_flow
    assert sum(flow[x][y] * profit[x][y] for x in range(len(supply)) for y in range(len(demand))) == expected_total
    assert all(sum(row) <= amount for row, amount in zip(flow, supply, strict=True))
    assert all(sum(flow[x][y] for x in range(len(supply))) <= demand[y] for y in range(len(demand)))


def test_fit_tuple_counts_what_two_learners_share():
    a, b = back(1, topics="django react docker", offset=60), front(2, topics="react docker css", offset=120)
    assert fit_tuple(a, b, {}, 7) == (1, MAX_CLOSENESS - 4, 2, 7)
    assert fit_tuple(a, b, build_history([(1, 2)])) == (0, MAX_CLOSENESS - 4, 2, 0)
