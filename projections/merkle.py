"""Merkle tree hashing, inclusion and consistency proofs (RFC 6962 / RFC 9162).

Leaves and nodes are hashed with distinct prefixes so that a leaf can never be
passed off as a node (RFC 9162 §2.1.1). The tree over n leaves splits at the
largest power of two below n; proofs follow the RFC's PATH and SUBPROOF
definitions (§2.1.3.1, §2.1.4.1) and are checked with its verification
algorithms (§2.1.3.2, §2.1.4.2). Every failure raises ``ProofError``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_SIZE = 32


class ProofError(ValueError):
    """A proof, size or index that does not verify."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def empty_root() -> bytes:
    return hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only tree of leaf hashes with cached perfect subtrees.

    ``levels[h][i]`` is the hash of the perfect subtree over leaves
    ``[i·2^h, (i+1)·2^h)``; with it any root or proof costs O(log n) hashes.
    """

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    def __len__(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        if len(leaf) != HASH_SIZE:
            raise ProofError("a leaf hash has 32 bytes")
        self.levels[0].append(leaf)
        height = 0
        while len(self.levels[height]) % 2 == 0:
            level = self.levels[height]
            if height + 1 == len(self.levels):
                self.levels.append([])
            self.levels[height + 1].append(node_hash(level[-2], level[-1]))
            height += 1

    def extend(self, leaves: Sequence[bytes]) -> None:
        """Append many leaves: the same tree as appending one by one, built a level
        at a time (each new parent from a pair completed at the level below)."""
        if any(len(leaf) != HASH_SIZE for leaf in leaves):
            raise ProofError("a leaf hash has 32 bytes")
        self.levels[0].extend(leaves)
        height = 0
        while True:
            below = self.levels[height]
            if height + 1 == len(self.levels):
                if len(below) < 2:
                    return
                self.levels.append([])
            above = self.levels[height + 1]
            done = 2 * len(above)  # children already paired into a parent
            if done + 1 >= len(below):
                return
            above.extend(node_hash(below[i], below[i + 1]) for i in range(done, len(below) - 1, 2))
            height += 1

    def leaf(self, index: int) -> bytes:
        return self.levels[0][index]

    def _hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); ``start`` is always aligned to the subtree it opens."""
        size = end - start
        if size == 0:
            return empty_root()
        if size & (size - 1) == 0:
            height = size.bit_length() - 1
            return self.levels[height][start >> height]
        k = _split(size)
        return node_hash(self._hash(start, start + k), self._hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = len(self) if size is None else size
        self._check_size(size)
        return self._hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1)."""
        size = len(self) if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise ProofError(f"leaf {index} is not in a tree of {size}")
        return self._path(index, 0, size)

    def _path(self, index: int, start: int, end: int) -> list[bytes]:
        size = end - start
        if size == 1:
            return []
        k = _split(size)
        if index < k:
            return [*self._path(index, start, start + k), self._hash(start + k, end)]
        return [*self._path(index - k, start + k, end), self._hash(start, start + k)]

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1)."""
        second = len(self) if second is None else second
        self._check_size(second)
        if not 0 < first <= second:
            raise ProofError(f"no consistency proof from {first} to {second}")
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        size = end - start
        if m == size:
            return [] if complete else [self._hash(start, end)]
        k = _split(size)
        if m <= k:
            return [*self._subproof(m, start, start + k, complete), self._hash(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self._hash(start, start + k)]

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= len(self):
            raise ProofError(f"the tree has {len(self)} leaves, not {size}")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise ProofError unless ``leaf`` is leaf ``index`` of ``root``."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} outside a tree of {size}")
    _check_hashes(leaf, root, *proof)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree is deep")
    if r != root:
        raise ProofError("inclusion proof does not lead to the root")


def verify_consistency(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless the tree of ``first`` leaves is a
    prefix of the tree of ``second`` leaves."""
    _check_hashes(first_root, second_root, *proof)
    if not 0 <= first <= second:
        raise ProofError(f"sizes {first} and {second} are not in order")
    if first == second:
        if proof:
            raise ProofError("equal sizes need an empty proof")
        if first_root != second_root:
            raise ProofError("equal sizes with different roots")
        return
    if first == 0:
        if proof:
            raise ProofError("the empty tree needs an empty proof")
        return
    if not proof:
        raise ProofError("empty consistency proof")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != first_root:
        raise ProofError("consistency proof does not lead to the first root")
    if sr != second_root:
        raise ProofError("consistency proof does not lead to the second root")


def _check_hashes(*hashes: bytes) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ProofError("every hash has 32 bytes")
