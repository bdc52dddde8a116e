"""tensorstark: prove that an ML model ran correctly, from Python.

Compile an ONNX model (a file, or the bytes torch.onnx.export wrote), prove an inference and
verify the proof, with numpy arrays in and out:

    import tensorstark as ts
    model = ts.compile("model.onnx", calibration=samples)      # samples: arrays of inputs
    proof = model.prove(x)                                      # x: the model's input array
    statement = ts.verify(model.verifying_model, proof)         # raises VerificationError
    statement.outputs                                           # what the proof states

Proofs made with profile="recursive" compress into one proof, the final one Starknet's verifier
reads with profile="onchain":

    compressed = ts.compress([(model, model.prove(x, profile="recursive"))], profile="onchain")
    stated = ts.verify([model.verifying_model], compressed)    # a CompressedStatement
    calldata = compressed.calldata([model.verifying_model])    # for the verifier contract

It is the library the `tensorstark` command runs, not a wrapper around it: the same checks and
the same one-line error messages, raised as InputError (a bad model, input or option) or
VerificationError (an invalid proof). Proving, compressing and verifying release the GIL.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, Union

import numpy as np

from . import _tensorstark
from ._tensorstark import Error, InputError

__all__ = [
    "Error",
    "InputError",
    "VerificationError",
    "Model",
    "Proof",
    "Statement",
    "StatedTensor",
    "CompressedStatement",
    "StarknetFact",
    "check_tree_top",
    "compile",
    "compress",
    "join_slices",
    "load",
    "tree_final",
    "tree_leaf",
    "tree_leaves",
    "tree_node",
    "verify",
]

Progress = Optional[Callable[[str], None]]


class VerificationError(Error):
    """The proof is invalid; the message says why, as `tensorstark verify` does."""


def _warn(message: str) -> None:
    """A warning of the library's (a coarse input, a key cache not used) as a RuntimeWarning, shown
    at the caller of the function that met it (the native code between adds no frame)."""
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _arrays(inputs, n_inputs: int) -> list:
    """A model's inputs as a list of numpy arrays: one array for a model of one input."""
    if isinstance(inputs, np.ndarray) or np.isscalar(inputs):
        inputs = [inputs]
    arrays = [np.asarray(x) for x in inputs]
    if len(arrays) != n_inputs:
        raise InputError(f"the model takes {n_inputs} input(s), {len(arrays)} given")
    return arrays


class Model:
    """A compiled model (`tensorstark compile`'s .tsm), or a verifying model without its weights."""

    def __init__(self, native, accuracy: Sequence[str] = (), commitment: str = "",
                 verifying: Optional["Model"] = None):
        self._native = native
        self.accuracy = list(accuracy)  # compile's report, one line per output
        self.commitment = commitment    # what proofs of the compile profile state, 0x hex
        self._verifying = verifying

    @property
    def inputs(self) -> list:
        """Each input's name, shape and visibility."""
        return self._native.inputs

    @property
    def outputs(self) -> list:
        """Each output's name, shape and visibility."""
        return self._native.outputs

    @property
    def weights(self) -> str:
        """'public' or 'private'."""
        return self._native.weights

    @property
    def is_verifying_model(self) -> bool:
        return self._native.is_verifying_model

    @property
    def slices(self) -> int:
        """How many slices compile cut the model into, each proved on its own (1: not cut)."""
        return self._native.slices

    @property
    def verifying_model(self) -> "Model":
        """What verifiers hold: the model without its weights if they are private, else itself."""
        return self._verifying if self._verifying is not None else self

    def __repr__(self) -> str:
        kind = "verifying model" if self.is_verifying_model else "model"
        shapes = ", ".join(f"{t['name']} {t['shape']} {t['visibility']}" for t in self.inputs)
        return f"<tensorstark {kind} of {self._native.source}: inputs {shapes}; " \
               f"weights {self.weights}>"

    def to_bytes(self) -> bytes:
        return self._native.to_bytes()

    @staticmethod
    def from_bytes(data: bytes, name: str = "model.tsm") -> "Model":
        return Model(_tensorstark.Model.from_bytes(data, name))

    def save(self, path: Union[str, os.PathLike]) -> None:
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    def run(self, inputs, reference: bool = False) -> list:
        """The outputs on `inputs` (an array, or a list of arrays, one per input) as the proof
        computes them, with integer semantics and dequantized; with reference=True, the float
        model's (ONNX semantics), which compile measured the quantization against."""
        return self._native.run(_arrays(inputs, len(self.inputs)), reference)

    def prove(self, inputs, profile: str = "fast", zk: bool = False,
              context: Sequence[Union[int, str]] = (), threads: Optional[int] = None,
              progress: Optional[Callable[[str, float], None]] = None) -> "Proof":
        """A proof that the model produces its outputs on `inputs`. profile: 'fast' (BLAKE2s),
        'onchain' (Poseidon252, for Starknet), 'recursive' or 'test' (not secure). zk: zero
        knowledge (always on for a model with committed or private parts). context: the felts the
        model was compiled to state (compile's context). threads: at most this many worker
        threads (default: all cores). progress(phase, ms) after each phase. An input coarser than
        the calibration's values warns (RuntimeWarning), as `prove` does."""
        felts = [hex(c) if isinstance(c, int) else str(c) for c in context]
        result = self._native.prove(_arrays(inputs, len(self.inputs)), profile, zk, felts,
                                    threads, progress, _warn)
        return Proof(result["proof"], outputs=result["outputs"])

    def new_salts(self) -> bytes:
        """Fresh salts for the cuts of a model in slices: what every slice of one proof proved
        apart (prove_slice) shares, as private as the input (`tensorstark prove --salts` writes
        such a file)."""
        return _tensorstark.new_salts(self._native)

    def prove_slice(self, inputs, k: int, salts: bytes, threads: Optional[int] = None,
                    progress: Optional[Callable[[str, float], None]] = None) -> "Proof":
        """The proof of slice k (from 0) of a model in slices on `inputs`, at the recursive
        profile, with the cuts' salts `salts` (new_salts): one unit of work, as `tensorstark prove
        --slice` makes it; join_slices joins the slices' proofs into the model's proof."""
        return Proof(_tensorstark.prove_slice(self._native, _arrays(inputs, len(self.inputs)), k,
                                              salts, threads, progress, _warn))


def compile(onnx: Union[str, os.PathLike, bytes], calibration, *, input: str = "private",
            output: str = "public", weights: str = "private", layout: str = "narrow",
            profile: str = "fast", context: int = 0, activation_bits: int = 12,
            weight_bits: int = 10, weight_frac_bits: Union[int, str, None] = None,
            force: bool = False, proof_memory: Optional[float] = None,
            progress: Progress = None) -> Model:
    """Compiles an ONNX model (a path or its bytes) with a calibration set, as
    `tensorstark compile` does: quantized with exact integer semantics, its accuracy measured on
    the calibration set (refused if an output loses its precision, unless force), lowered and
    committed to. input and output: 'public', 'committed' or 'private'; weights: 'public' or
    'private' (then model.verifying_model is what verifiers hold). progress(step) as each step
    begins. calibration: a sequence of samples, each an input's array or a list of arrays (one
    per model input), or for a model of one input an array of samples along its first axis (for
    an input of shape [1, ...], [N, ...] stacks N samples). proof_memory: the most GiB one proof
    may take (default 8, compile --proof-memory): a model whose proof would take more is cut into
    slices, each proved on its own (docs/pipeline.md); prove and verify take it as any model."""
    if isinstance(onnx, (str, os.PathLike)):
        source = os.fspath(onnx)
        with open(source, "rb") as f:
            data = f.read()
    else:
        source, data = "model.onnx (bytes)", bytes(onnx)
    if isinstance(calibration, np.ndarray):
        calibration = np.ascontiguousarray(calibration)
    else:
        calibration = [_sample(sample) for sample in calibration]
    options = dict(input=input, output=output, weights=weights, layout=layout, profile=profile,
                   context=context, activation_bits=activation_bits, weight_bits=weight_bits,
                   weight_frac_bits=weight_frac_bits, force=force, proof_memory=proof_memory)
    result = _tensorstark.compile(data, source, calibration, options, progress)
    verifying = result["verifying_model"]
    return Model(result["model"], result["accuracy"], result["commitment"],
                 Model(verifying, result["accuracy"], result["commitment"])
                 if verifying is not None else None)


def _sample(sample) -> list:
    """One calibration sample as a list of arrays, one per model input."""
    if isinstance(sample, np.ndarray) or np.isscalar(sample):
        return [np.asarray(sample)]
    return [np.asarray(x) for x in sample]


def load(path: Union[str, os.PathLike]) -> Model:
    """A model compile wrote (.tsm), or its verifying model (.verifying.tsm)."""
    with open(path, "rb") as f:
        return Model.from_bytes(f.read(), os.fspath(path))


@dataclass
class StatedTensor:
    """What a proof states of a model input or output: its values if public, its Poseidon2 digest
    (0x hex) if committed, nothing if private."""
    name: str
    kind: str  # "input" or "output"
    visibility: str
    values: Optional[np.ndarray] = None
    digest: Optional[str] = None


@dataclass
class Statement:
    """What a valid proof states: the model commitment, the tensors, the context felts."""
    model: str
    tensors: list = field(default_factory=list)
    context: list = field(default_factory=list)
    security_bits: int = 0
    zero_knowledge: bool = False

    @property
    def outputs(self) -> list:
        """The public outputs' values, in the model's order."""
        return [t.values for t in self.tensors if t.kind == "output" and t.values is not None]

    @property
    def inputs(self) -> list:
        """The public inputs' values, in the model's order."""
        return [t.values for t in self.tensors if t.kind == "input" and t.values is not None]


class Proof:
    """A proof's bytes (what `tensorstark prove` writes), with the outputs the prover computed."""

    def __init__(self, data: bytes, outputs: Optional[list] = None):
        self._data = bytes(data)
        self.outputs = outputs  # the prover's; a verifier reads the statement's instead

    def to_bytes(self) -> bytes:
        return self._data

    @staticmethod
    def from_bytes(data: bytes) -> "Proof":
        return Proof(data)

    def save(self, path: Union[str, os.PathLike]) -> None:
        with open(path, "wb") as f:
            f.write(self._data)

    @property
    def kind(self) -> str:
        """'proof' (from Model.prove, in slices or not), 'compressed' (from compress), 'final'
        (from compress with profile='onchain', the proof Starknet's verifier reads), 'tree' (a
        step of the aggregation tree, from `tensorstark tree leaf` or `tree node`) or 'unknown'
        (not a proof)."""
        return _tensorstark.proof_kind(self._data)

    def calldata(self, models=None) -> list:
        """The felts (0x hex) the Starknet verifier reads: of an 'onchain' (Poseidon252) proof, or
        of a final proof given the (verifying) models it is of, in the order compress took them
        (its calldata starts with how its statement splits into theirs)."""
        return _tensorstark.calldata(self._data, [m._native for m in _models(models)])

    def __len__(self) -> int:
        return len(self._data)


@dataclass
class StarknetFact:
    """What Starknet's fact registry records when its verifier accepts a final proof, for one inner
    proof: the hashes of the statement's inputs and outputs and, given the verifier's class hash,
    the fact itself (0x hex)."""
    inputs_hash: str
    outputs_hash: str
    fact: Optional[str] = None


@dataclass
class CompressedStatement:
    """What a valid compressed or final proof states: each inner proof's Statement, in the order
    compress took them; for each, the index of its model among those verify was given and its
    model id (what a Starknet contract pins); the circuit id; for a final proof, the facts
    Starknet's registry records."""
    statements: list
    models: list
    model_ids: list
    circuit_id: str
    final: bool
    security_bits: int
    starknet: list = field(default_factory=list)  # a StarknetFact per inner proof, if final


def _models(models) -> list:
    """A Model, or a sequence of them, as a list (None: none)."""
    if models is None:
        return []
    return [models] if isinstance(models, Model) else list(models)


def _statement(stated: dict, security_bits: int, zero_knowledge: bool) -> Statement:
    return Statement(stated["model"], [StatedTensor(**t) for t in stated["tensors"]],
                     stated["context"], security_bits, zero_knowledge)


def _indexed(proofs) -> tuple:
    """The models of (model, proof) pairs, in the order they first appear, and the pairs as
    (model index, proof bytes)."""
    models, pairs = [], []
    for model, proof in proofs:
        index = next((i for i, m in enumerate(models) if m is model), None)
        if index is None:
            models.append(model)
            index = len(models) - 1
        pairs.append((index, _bytes(proof)))
    if not pairs:
        raise InputError("compress and the tree take one proof at least")
    return [m._native for m in models], pairs


def _bytes(proof) -> bytes:
    return proof.to_bytes() if isinstance(proof, Proof) else bytes(proof)


def compress(proofs, profile: str = "fast", fit: bool = False, threads: Optional[int] = None,
             progress: Optional[Callable[[str, float], None]] = None) -> Proof:
    """One proof that the verifier accepts each of `proofs`, (model, proof) pairs whose proofs
    were made with profile='recursive', as `tensorstark compress` makes it; several (at most 8,
    4 with profile='onchain') give one aggregated proof. The models, in the order they first
    appear in `proofs`, are those verify and calldata take it with. profile: the compressed proof's, 'fast' (default), 'test',
    'recursive', or 'onchain': the final proof Starknet's verifier reads (about 2.5 minutes and
    12 GB on 2 cores). fit: size it to its circuit instead of the standard size class (smaller
    and faster, but its shape then depends on the models). progress(phase, ms) after each
    phase."""
    models, pairs = _indexed(proofs)
    return Proof(_tensorstark.compress(models, pairs, profile, fit, threads, progress, _warn))


# The aggregation tree's steps one at a time (docs/pipeline.md), as the `tensorstark tree` command
# takes them: what compress(..., profile="onchain") does in one call for a model in slices or for
# more than 4 proofs, each step from and to bytes another process or machine can take up. The
# tree over (model, proof) pairs (proofs made with profile="recursive") has a leaf per proof, and
# per slice of a model in slices, numbered from 0 in order; nodes join consecutive tree proofs two
# by two, level by level (an odd one out joins the next level), until one is left: the top.

def join_slices(model: Model, slices: Sequence[Union[Proof, bytes]]) -> Proof:
    """The proof of a model in slices from its slices' proofs (Model.prove_slice), in order."""
    return Proof(_tensorstark.join_slices(model._native, [_bytes(s) for s in slices]))


def tree_leaves(proofs) -> int:
    """How many leaves the tree over (model, proof) pairs has."""
    return _tensorstark.tree_leaf_count(*_indexed(proofs))


def tree_leaf(proofs, j: int, threads: Optional[int] = None,
              progress: Optional[Callable[[str, float], None]] = None) -> Proof:
    """Leaf j (from 0) of the tree over (model, proof) pairs: verifies that proof (or slice) and
    proves it in its leaf circuit; the proofs before it give the facts they state."""
    return Proof(_tensorstark.tree_leaf(*_indexed(proofs), j, threads, progress, _warn))


def tree_node(left: Union[Proof, bytes], right: Union[Proof, bytes], threads: Optional[int] = None,
              progress: Optional[Callable[[str, float], None]] = None) -> Proof:
    """The node joining two consecutive tree proofs (leaves or nodes)."""
    return Proof(_tensorstark.tree_node(_bytes(left), _bytes(right), threads, progress, _warn))


def check_tree_top(proofs, top: Union[Proof, bytes]) -> None:
    """Checks natively, without a final proof, that `top` is the top of the tree over (model,
    proof) pairs (its proof, and that it holds exactly their leaves and statements); raises
    VerificationError saying why not."""
    rejection = _tensorstark.check_tree_top(*_indexed(proofs), _bytes(top))
    if rejection is not None:
        raise VerificationError(rejection)


def tree_final(proofs, top: Union[Proof, bytes], threads: Optional[int] = None,
               progress: Optional[Callable[[str, float], None]] = None) -> Proof:
    """The final proof of the tree over (model, proof) pairs whose top is `top`, as compress with
    profile="onchain" makes it."""
    return Proof(_tensorstark.tree_final(*_indexed(proofs), _bytes(top), threads, progress,
                                         _warn))


def verify(model, proof: Union[Proof, bytes], min_security_bits: int = 96,
           class_hash: Optional[str] = None, progress: Progress = None, cache: bool = True):
    """Checks that `proof` shows `model` (the model, or its verifying model) producing the outputs
    it states; returns what it states (a Statement), or raises VerificationError saying why it is
    invalid. A compressed or final proof is checked against the models its inner proofs are of, a
    list in the order compress took them, and gives a CompressedStatement, whose security_bits
    are the least of its own and its inner and outer proofs'; with a final proof, class_hash (the
    verifier contract's class hash) gives the facts Starknet records. Keys come from the key
    cache (as for `tensorstark verify`; a folder others can write to is not used, and warns with
    a RuntimeWarning) unless cache=False: then every key is derived, nothing read or written."""
    data = proof.to_bytes() if isinstance(proof, Proof) else bytes(proof)
    models = _models(model)
    kind = _tensorstark.proof_kind(data)
    if class_hash is not None and kind != "final":
        raise InputError("class_hash: Starknet's fact registry records the facts of final proofs "
                         "only (compress with profile='onchain' makes one)")
    if kind in ("compressed", "final"):
        result = _tensorstark.verify_compressed([m._native for m in models], data,
                                                min_security_bits, cache, class_hash, progress,
                                                _warn)
        if not result["valid"]:
            raise VerificationError(result["reason"])
        stated = result["statement"]
        bits = stated["security_bits"]
        inner = stated["proofs"]
        return CompressedStatement(
            [_statement(p["statement"], bits, p["zero_knowledge"]) for p in inner],
            [p["model"] for p in inner], [p["model_id"] for p in inner], stated["circuit_id"],
            stated["final"], bits, [StarknetFact(**p["starknet"]) for p in inner
                                    if "starknet" in p])
    if len(models) != 1:
        raise InputError("several models are given with a compressed proof of several only")
    result = models[0]._native.verify(data, min_security_bits, cache, progress, _warn)
    if not result["valid"]:
        raise VerificationError(result["reason"])
    return _statement(result["statement"], result["security_bits"], result["zero_knowledge"])
