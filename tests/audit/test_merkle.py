"""RFC 6962 hashing and proofs: roots match the definition, every honest proof
verifies, and every corrupted field of a proof is rejected."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.merkle import (
    MerkleTree,
    ProofError,
    empty_root,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 9162 §2.1.1, with no caching."""
    if not leaves:
        return empty_root()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


LEAVES = [leaf_hash(f"event {i}".encode()) for i in range(70)]
TREE = MerkleTree(LEAVES)


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert leaf_hash(a + b) != node_hash(a, b)
    # RFC 6962 test vector: the hash of the empty tree.
    assert empty_root().hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 64, 70])
def test_roots_match_the_definition(size: int) -> None:
    assert TREE.root(size) == reference_root(LEAVES[:size])


@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_inclusion_proof_verifies(case: tuple[int, int]) -> None:
    size, index = case
    verify_inclusion(LEAVES[index], index, size, TREE.inclusion_proof(index, size), TREE.root(size))


@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_every_consistency_proof_verifies(case: tuple[int, int]) -> None:
    first, second = case
    proof = TREE.consistency_proof(first, second)
    verify_consistency(first, second, proof, TREE.root(first), TREE.root(second))


def _bad_inclusions(index: int, size: int) -> list[tuple[str, int, int, list[bytes], bytes, bytes]]:
    proof = TREE.inclusion_proof(index, size)
    root, leaf = TREE.root(size), LEAVES[index]
    other = leaf_hash(b"forged")
    cases = [
        ("index + 1", index + 1, size, proof, root, leaf),
        ("index - 1", index - 1, size, proof, root, leaf),
        ("size × 2", index, size * 2, proof, root, leaf),
        ("size ÷ 2", index, size // 2, proof, root, leaf),
        ("wrong root", index, size, proof, other, leaf),
        ("extra hash", index, size, [*proof, other], root, leaf),
        ("empty proof", index, size, [], root, leaf),
        ("wrong leaf", index, size, proof, root, other),
    ]
    if proof:
        cases.append(("missing hash", index, size, proof[:-1], root, leaf))
        cases += [
            (f"hash {i} changed", index, size, [*proof[:i], other, *proof[i + 1 :]], root, leaf)
            for i in range(len(proof))
        ]
    return cases


@pytest.mark.parametrize(("index", "size"), [(0, 70), (5, 70), (69, 70), (31, 64), (6, 7), (2, 3)])
def test_every_corrupted_inclusion_proof_is_rejected(index: int, size: int) -> None:
    for label, i, n, proof, root, leaf in _bad_inclusions(index, size):
        if label == "empty proof" and not TREE.inclusion_proof(index, size):
            continue
        if label == "size ÷ 2" and n == 0:
            n = 0
        with pytest.raises(ProofError):
            verify_inclusion(leaf, i, n, proof, root)
            pytest.fail(f"accepted a proof with {label}")


@pytest.mark.parametrize(
    ("first", "second"), [(1, 70), (3, 7), (4, 8), (6, 70), (32, 64), (33, 70)]
)
def test_every_corrupted_consistency_proof_is_rejected(first: int, second: int) -> None:
    proof = TREE.consistency_proof(first, second)
    r1, r2 = TREE.root(first), TREE.root(second)
    other = leaf_hash(b"forged")
    cases: list[tuple[str, int, int, list[bytes], bytes, bytes]] = [
        ("first + 1", first + 1, second, proof, r1, r2),
        ("first - 1", first - 1, second, proof, r1, r2),
        ("second × 2", first, second * 2, proof, r1, r2),
        ("second ÷ 2", first, second // 2, proof, r1, r2),
        ("wrong first root", first, second, proof, other, r2),
        ("wrong second root", first, second, proof, r1, other),
        ("extra hash", first, second, [*proof, other], r1, r2),
        ("missing hash", first, second, proof[:-1], r1, r2),
        ("empty proof", first, second, [], r1, r2),
    ]
    cases += [
        (f"hash {i} changed", first, second, [*proof[:i], other, *proof[i + 1 :]], r1, r2)
        for i in range(len(proof))
    ]
    for label, m, n, bad, root1, root2 in cases:
        if label == "first - 1" and m == 0:
            continue  # any tree is consistent with the empty one
        with pytest.raises(ProofError):
            verify_consistency(m, n, bad, root1, root2)
            pytest.fail(f"accepted a consistency proof with {label}")


def test_sizes_outside_the_tree_are_refused() -> None:
    with pytest.raises(ProofError):
        TREE.inclusion_proof(70, 70)
    with pytest.raises(ProofError):
        TREE.root(71)
    with pytest.raises(ProofError):
        TREE.consistency_proof(0, 5)


def test_an_events_leaf_is_the_rfc_leaf_hash_of_its_canonical_bytes() -> None:
    from uuid import UUID

    from eventsourcing.persistence import Notification

    from projections.ledger import event_bytes, event_leaf

    event = Notification(
        originator_id=UUID(int=7),
        originator_version=3,
        topic="minhbach.task:Assessed",
        state=b'{"outcome":"failed"}',
        id=42,
    )
    data = event_bytes(event)
    assert data.startswith(b"minhbach-event-v1") and data.endswith(event.state)
    assert event_leaf(event) == leaf_hash(data)
    moved = Notification(
        event.originator_id, event.originator_version, event.topic, event.state, 43
    )
    assert event_leaf(moved) != event_leaf(event)  # a leaf commits to the position too


@given(st.lists(st.integers(1, 9), max_size=12))
def test_extending_in_batches_builds_the_same_tree(batches: list[int]) -> None:
    one_by_one = MerkleTree()
    batched = MerkleTree()
    start = 0
    for size in batches:
        chunk = LEAVES[start : start + size]
        for leaf in chunk:
            one_by_one.append(leaf)
        batched.extend(chunk)
        start += size
    assert batched.levels == one_by_one.levels
    if len(batched):
        assert batched.root() == reference_root(LEAVES[:start])
