"""The Python module (python/tensorstark) with Debian's python3: every function round trip, real
proofs verified, a tampered and a truncated proof raising VerificationError, bad inputs and
options raising InputError with the command line's messages, numpy dtype and shape errors named,
progress reported, the GIL released while proving, the calldata the command line writes, a
model of two inputs (built with onnx's helpers) against numpy; compressed and aggregated proofs
made and checked both ways against the command line, tampered ones rejected; a final proof (the
repository's fixture) verified with its Starknet facts and calldata equal to the command line's;
the key cache: two builds of the module under one interpreter file their keys apart, a folder
others can write to is not used (a RuntimeWarning), cache=False neither reads nor writes it.

Usage: /usr/bin/python3 tensorstark_test.py BUILD_DIR/python TENSORSTARK_CLI EXAMPLES_DIR
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import numpy as np

sys.path.insert(0, sys.argv[1])
CLI, EXAMPLES = sys.argv[2], sys.argv[3]
del sys.argv[1:4]

import tensorstark as ts  # noqa: E402


def example(name):
    """The example's ONNX path, its calibration samples (an array over samples) and input."""
    folder = os.path.join(EXAMPLES, name)
    with open(os.path.join(folder, "calibration.json")) as f:
        calibration = np.array(json.load(f)["input_data"][0], dtype=np.float32)
    with open(os.path.join(folder, "input.json")) as f:
        x = np.array(json.load(f)["input_data"][0], dtype=np.float32).reshape(1, -1)
    return os.path.join(folder, "model.onnx"), calibration.reshape(-1, *x.shape), x


TINY, TINY_CALIBRATION, TINY_X = example("tiny_mlp")


class CompileAndProve(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # compile's defaults: private input and weights, public output.
        cls.model = ts.compile(TINY, TINY_CALIBRATION)
        cls.public = ts.compile(TINY, TINY_CALIBRATION, input="public", weights="public")

    def test_compile_reports_and_round_trips(self):
        model = self.model
        self.assertEqual(model.weights, "private")
        self.assertTrue(model.verifying_model.is_verifying_model)
        self.assertFalse(model.is_verifying_model)
        self.assertTrue(model.commitment.startswith("0x"))
        self.assertTrue(any("argmax" in line or "error" in line for line in model.accuracy))
        self.assertEqual(model.inputs[0]["shape"], TINY_X.shape)
        self.assertEqual(model.inputs[0]["visibility"], "private")
        # Saved and loaded, to the same bytes; the command line runs the file to the same outputs.
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "tiny.tsm")
            model.save(path)
            loaded = ts.load(path)
            self.assertEqual(loaded.to_bytes(), model.to_bytes())
            input_path, output_path = (os.path.join(folder, f) for f in ("in.json", "out.json"))
            with open(input_path, "w") as f:
                json.dump({"input_data": [TINY_X.reshape(-1).tolist()]}, f)
            subprocess.run([CLI, "run", path, "--input", input_path, "--output", output_path],
                           check=True, capture_output=True)
            with open(output_path) as f:
                cli_outputs = json.load(f)["output_data"][0]
        np.testing.assert_array_equal(np.array(cli_outputs), model.run(TINY_X)[0].reshape(-1))
        again = ts.Model.from_bytes(model.to_bytes())
        np.testing.assert_array_equal(again.run(TINY_X)[0], model.run(TINY_X)[0])

    def test_compile_from_bytes_as_from_the_file(self):
        with open(TINY, "rb") as f:
            data = f.read()
        from_bytes = ts.compile(data, TINY_CALIBRATION, input="public", weights="public")
        self.assertEqual(from_bytes.commitment, self.public.commitment)
        # The samples stacked along the input's batch axis of one, or listed: the same model.
        stacked = TINY_CALIBRATION.reshape(-1, TINY_X.shape[1])
        listed = list(TINY_CALIBRATION)
        for calibration in (stacked, listed):
            again = ts.compile(TINY, calibration, input="public", weights="public")
            self.assertEqual(again.to_bytes(), self.public.to_bytes())

    def test_run_against_the_float_model(self):
        quantized = self.public.run(TINY_X)[0]
        reference = self.public.run(TINY_X, reference=True)[0]
        self.assertEqual(quantized.shape, reference.shape)
        self.assertLess(np.max(np.abs(quantized - reference)), 0.25)

    def test_prove_and_verify_with_the_verifying_model(self):
        phases = []
        proof = self.model.prove(TINY_X, progress=lambda phase, ms: phases.append(phase))
        self.assertIn("run model", phases)
        self.assertIn("witness", phases)
        statement = ts.verify(self.model.verifying_model, proof)
        self.assertTrue(statement.zero_knowledge)  # private parts: always zero knowledge
        self.assertGreaterEqual(statement.security_bits, 96)
        np.testing.assert_array_equal(statement.outputs[0], proof.outputs[0])
        np.testing.assert_array_equal(statement.outputs[0], self.model.run(TINY_X)[0])
        self.assertEqual(statement.inputs, [])  # the input is private
        self.assertEqual([t.visibility for t in statement.tensors], ["private", "public"])
        self.assertEqual(statement.model, self.model.commitment)
        # The bytes round trip, and the command line verifies them.
        again = ts.Proof.from_bytes(proof.to_bytes())
        self.assertEqual(ts.verify(self.model.verifying_model, again).model, statement.model)
        with tempfile.TemporaryDirectory() as folder:
            model_path = os.path.join(folder, "tiny.verifying.tsm")
            proof_path = os.path.join(folder, "proof.bin")
            self.model.verifying_model.save(model_path)
            proof.save(proof_path)
            out = subprocess.run([CLI, "verify", model_path, proof_path], capture_output=True,
                                 text=True)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertTrue(out.stdout.startswith("valid"))

    def test_a_model_in_slices_proves_and_verifies_as_one(self):
        onnx, calibration, x = example("fashion_lenet")
        image = (1, 1, 28, 28)
        calibration, x = calibration.reshape(-1, *image), x.reshape(image)
        model = ts.compile(onnx, calibration, proof_memory=0.5)
        self.assertEqual(model.slices, 2)
        self.assertEqual(model.verifying_model.slices, 2)
        proof = model.prove(x)
        self.assertEqual(proof.kind, "proof")
        statement = ts.verify(model.verifying_model, proof)
        np.testing.assert_array_equal(statement.outputs[0], model.run(x)[0])
        self.assertEqual(statement.model, model.commitment)
        with tempfile.TemporaryDirectory() as folder:
            model_path = os.path.join(folder, "lenet.verifying.tsm")
            proof_path = os.path.join(folder, "proof.bin")
            model.verifying_model.save(model_path)
            proof.save(proof_path)
            out = subprocess.run([CLI, "verify", model_path, proof_path], capture_output=True,
                                 text=True)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        with self.assertRaisesRegex(ts.InputError, "proof_memory"):
            ts.compile(onnx, calibration, proof_memory=0)

    def test_a_tampered_or_truncated_proof_is_rejected(self):
        proof = self.public.prove(TINY_X).to_bytes()
        self.assertEqual(ts.verify(self.public, proof).inputs[0].shape, TINY_X.shape)
        tampered = bytearray(proof)
        tampered[len(tampered) // 2] ^= 1
        with self.assertRaises(ts.VerificationError):
            ts.verify(self.public, bytes(tampered))
        with self.assertRaisesRegex(ts.VerificationError, "does not parse"):
            ts.verify(self.public, proof[: len(proof) // 3])
        # Another model's proof.
        with self.assertRaises(ts.VerificationError):
            ts.verify(self.model.verifying_model, proof)

    def test_committed_input_states_its_digest(self):
        model = ts.compile(TINY, TINY_CALIBRATION, input="committed", weights="public")
        statement = ts.verify(model, model.prove(TINY_X))
        stated = statement.tensors[0]
        self.assertEqual((stated.kind, stated.visibility), ("input", "committed"))
        self.assertTrue(stated.digest.startswith("0x") and stated.values is None)

    def test_calldata_is_the_command_lines(self):
        proof = self.public.prove(TINY_X, profile="test")
        with self.assertRaisesRegex(ts.InputError, "the Starknet verifier reads poseidon252"):
            proof.calldata()
        onchain = self.public.prove(TINY_X, profile="onchain")
        felts = onchain.calldata()
        self.assertTrue(all(f.startswith("0x") for f in felts))
        with tempfile.TemporaryDirectory() as folder:
            proof_path, out_path = os.path.join(folder, "p.bin"), os.path.join(folder, "c.json")
            onchain.save(proof_path)
            subprocess.run([CLI, "calldata", proof_path, "-o", out_path], check=True,
                           capture_output=True)
            with open(out_path) as f:
                cli_felts = json.load(f)
        self.assertEqual([int(f, 16) for f in felts], [int(f, 16) for f in cli_felts])

    def test_the_gil_is_released_while_proving(self):
        # A Python thread notes the time while another proves: it runs well inside the proof only
        # if the GIL is released (held, it would get it back between bytecodes of the proving
        # thread, at most one switch interval after the proof's start or before its end).
        times, done = [], threading.Event()

        def note():
            while not done.is_set():
                times.append(time.perf_counter())
                time.sleep(0.0005)

        margin = 2 * sys.getswitchinterval()
        noter = threading.Thread(target=note)
        noter.start()
        start = time.perf_counter()
        self.model.prove(TINY_X)
        end = time.perf_counter()
        done.set()
        noter.join()
        self.assertGreater(end - start, 2 * margin + 0.01)
        inside = [t for t in times if start + margin < t < end - margin]
        self.assertGreater(len(inside), 5)

    def test_threads_and_a_coarse_input_warning(self):
        one_thread = self.public.prove(TINY_X, threads=1)
        self.assertEqual(one_thread.to_bytes(), self.public.prove(TINY_X).to_bytes())
        with self.assertRaisesRegex(ts.InputError, "threads must be at least 1"):
            self.public.prove(TINY_X, threads=0)
        # Far smaller than the calibration's values: the prover warns, as `prove` does.
        with self.assertWarnsRegex(RuntimeWarning, "significant bits"):
            self.public.prove(TINY_X * 1e-3)
        self.assertIn("tensorstark model of", repr(self.public))
        self.assertIn("verifying model", repr(self.model.verifying_model))

    def test_a_progress_callback_that_raises_stops_the_proof(self):
        def stop(phase, ms):
            raise KeyboardInterrupt("stopped at " + phase)

        with self.assertRaisesRegex(KeyboardInterrupt, "stopped at run model"):
            self.model.prove(TINY_X, progress=stop)


class BadInputs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = ts.compile(TINY, TINY_CALIBRATION, input="public", weights="public")

    def test_shape_dtype_and_count_are_named(self):
        with self.assertRaisesRegex(ts.InputError, r"input 0 \('.*', float \[1, \d+\]\): an "
                                    r"array of shape \[\d+\] given"):
            self.model.prove(TINY_X.reshape(-1))
        with self.assertRaisesRegex(ts.InputError, "dtype <U1 given, not numbers"):
            self.model.run(np.full(TINY_X.shape, "a"))
        with self.assertRaisesRegex(ts.InputError, "the model takes 1 input"):
            self.model.run([TINY_X, TINY_X])
        nan = TINY_X.copy()
        nan[0, 0] = np.nan
        with self.assertRaisesRegex(ts.InputError, "value 0 is not finite"):
            self.model.run(nan)
        self.assertTrue(issubclass(ts.InputError, ts.Error))

    def test_options_are_refused_with_the_command_lines_words(self):
        with self.assertRaisesRegex(ts.InputError, "input must be public, committed or private, "
                                    "not 'secret'"):
            ts.compile(TINY, TINY_CALIBRATION, input="secret")
        with self.assertRaisesRegex(ts.InputError, "weights must be public or private, not "
                                    "'committed'"):
            ts.compile(TINY, TINY_CALIBRATION, weights="committed")
        with self.assertRaisesRegex(ts.InputError, "activation_bits must be in"):
            ts.compile(TINY, TINY_CALIBRATION, activation_bits=30)
        with self.assertRaisesRegex(ts.InputError, "profile must be"):
            self.model.prove(TINY_X, profile="slow")
        with self.assertRaisesRegex(ts.InputError, "context felt"):
            self.model.prove(TINY_X, context=[1])
        with self.assertRaisesRegex(ts.InputError, "no sample"):
            ts.compile(TINY, [])
        with self.assertRaisesRegex(ts.InputError, "not valid ONNX|parse"):
            ts.compile(b"not a model", TINY_CALIBRATION)

    def test_a_verifying_model_cannot_prove(self):
        model = ts.compile(TINY, TINY_CALIBRATION)
        with self.assertRaisesRegex(ts.InputError, "verifying model"):
            model.verifying_model.prove(TINY_X)


def run_cli(*args):
    """The command line's stdout; it must succeed."""
    out = subprocess.run([CLI, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"tensorstark {' '.join(args)}: {out.stdout}{out.stderr}")
    return out.stdout


class Compression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = ts.compile(TINY, TINY_CALIBRATION)  # private input and weights
        cls.public = ts.compile(TINY, TINY_CALIBRATION, input="public", weights="public")
        cls.inner = cls.model.prove(TINY_X, profile="recursive")
        cls.public_inner = cls.public.prove(TINY_X * 0.5, profile="recursive")

    def test_compressed_states_what_the_inner_proof_does(self):
        phases = []
        compressed = ts.compress([(self.model, self.inner)],
                                 progress=lambda phase, ms: phases.append(phase))
        self.assertEqual(compressed.kind, "compressed")
        self.assertEqual(self.inner.kind, "proof")
        self.assertIn("keys and verifier circuit", phases)
        self.assertIn("verify inner proofs", phases)
        stated = ts.verify([self.model.verifying_model], compressed)
        self.assertFalse(stated.final)
        self.assertEqual(stated.models, [0])
        inner_stated = ts.verify(self.model.verifying_model, self.inner)
        self.assertEqual(stated.statements[0].model, inner_stated.model)
        self.assertTrue(stated.statements[0].zero_knowledge)
        np.testing.assert_array_equal(stated.statements[0].outputs[0], inner_stated.outputs[0])
        # One model: given alone, as for a plain proof.
        self.assertEqual(ts.verify(self.model.verifying_model, compressed).circuit_id,
                         stated.circuit_id)
        # The command line verifies it to the same circuit id, model id and outputs.
        with tempfile.TemporaryDirectory() as folder:
            model_path, proof_path = (os.path.join(folder, f) for f in ("m.tsm", "c.bin"))
            self.model.verifying_model.save(model_path)
            compressed.save(proof_path)
            cli = json.loads(run_cli("verify", model_path, proof_path, "--json"))
        self.assertTrue(cli["compressed"])
        self.assertEqual(int(cli["identity"]["circuit_id"], 16), int(stated.circuit_id, 16))
        self.assertEqual([int(m, 16) for m in cli["identity"]["model_ids"]],
                         [int(m, 16) for m in stated.model_ids])
        cli_output = [t for t in cli["public"]["tensors"] if t["kind"] == "output"][0]["values"]
        np.testing.assert_allclose(np.array(cli_output).reshape(-1),
                                   stated.statements[0].outputs[0].reshape(-1))
        # Tampered: rejected. An outer proof has no Starknet calldata, a class hash no facts.
        tampered = bytearray(compressed.to_bytes())
        tampered[len(tampered) - 200] ^= 1
        with self.assertRaises(ts.VerificationError):
            ts.verify([self.model.verifying_model], bytes(tampered))
        with self.assertRaisesRegex(ts.InputError, "is an outer proof"):
            compressed.calldata([self.model.verifying_model])
        with self.assertRaisesRegex(ts.InputError, "final proofs only"):
            ts.verify([self.model.verifying_model], compressed, class_hash="0x1")

    def test_aggregated_in_the_order_the_models_first_appear(self):
        again = self.model.prove(TINY_X * 0.25, profile="recursive")
        aggregated = ts.compress([(self.model, self.inner), (self.public, self.public_inner),
                                  (self.model, again)], profile="test", fit=True)
        stated = ts.verify([self.model.verifying_model, self.public], aggregated,
                           min_security_bits=0)  # the test profile's
        self.assertEqual(stated.models, [0, 1, 0])
        self.assertEqual(len(set(stated.model_ids)), 2)
        np.testing.assert_array_equal(stated.statements[1].inputs[0],
                                      ts.verify(self.public, self.public_inner).inputs[0])
        np.testing.assert_allclose(stated.statements[1].inputs[0], TINY_X * 0.5, atol=0.01)
        np.testing.assert_array_equal(stated.statements[2].outputs[0],
                                      ts.verify(self.model.verifying_model, again).outputs[0])
        # The models in another order, or one missing: rejected with the reason.
        with self.assertRaises(ts.VerificationError):
            ts.verify([self.public, self.model.verifying_model], aggregated, min_security_bits=0)
        with self.assertRaisesRegex(ts.VerificationError, "2 models or more, 1 given"):
            ts.verify([self.model.verifying_model], aggregated, min_security_bits=0)

    def test_a_command_line_compressed_proof_verifies_here(self):
        with tempfile.TemporaryDirectory() as folder:
            model_path, inner_path, out_path = (os.path.join(folder, f) for f in
                                                ("tiny.tsm", "inner.bin", "compressed.bin"))
            self.model.save(model_path)
            self.inner.save(inner_path)
            run_cli("compress", model_path, inner_path, "-o", out_path, "--profile", "test")
            with open(out_path, "rb") as f:
                compressed = f.read()
        stated = ts.verify([self.model.verifying_model], compressed, min_security_bits=0)
        self.assertEqual(stated.statements[0].model,
                         ts.verify(self.model.verifying_model, self.inner).model)

    def test_what_compress_refuses(self):
        fast = self.public.prove(TINY_X)
        with self.assertRaisesRegex(ts.InputError, "proof 1 is a blake2s proof; compress takes "
                                    "proofs made with --profile recursive"):
            ts.compress([(self.public, fast)])
        with self.assertRaisesRegex(ts.InputError, "one proof at least"):
            ts.compress([])
        with self.assertRaisesRegex(ts.InputError, "profile must be"):
            ts.compress([(self.model, self.inner)], profile="slow")
        # A proof of another model: refused before any circuit is built.
        with self.assertRaisesRegex(ts.InputError, "the inner proof cannot be compressed: the "
                                    "proof states 10 public inputs, the key 18"):
            ts.compress([(self.public, self.inner)], profile="test")


FINAL_PROOFS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "final-proofs")


class TreeSteps(unittest.TestCase):
    """The aggregation tree's steps one at a time, as `tensorstark tree` and `prove --slice` take
    them (model_commands makes the final proof of such a top through the same library code)."""

    def test_slices_proved_apart_join_and_their_leaves_make_the_top(self):
        # pinn in two slices (its Tanh lookup alone needs about 1.2 GiB by the estimate, the whole 1.4).
        onnx, calibration, x = example("pinn")
        model = ts.compile(onnx, calibration, proof_memory=1.3)
        self.assertEqual(model.slices, 2)
        salts = model.new_salts()
        slices = [model.prove_slice(x, k, salts) for k in range(2)]
        joined = ts.join_slices(model, slices)
        self.assertEqual(joined.kind, "proof")
        np.testing.assert_array_equal(ts.verify(model.verifying_model, joined).outputs[0],
                                      model.run(x)[0])
        # Slices of one proof share its salts: a slice proved under others does not join.
        other = model.prove_slice(x, 1, model.new_salts())
        with self.assertRaises(ts.VerificationError):
            ts.verify(model.verifying_model, ts.join_slices(model, [slices[0], other]))
        with self.assertRaisesRegex(ts.InputError, "slice"):
            model.prove_slice(x, 2, salts)

        pairs = [(model.verifying_model, joined)]
        self.assertEqual(ts.tree_leaves(pairs), 2)
        leaves = [ts.tree_leaf(pairs, j) for j in range(2)]
        self.assertEqual(leaves[0].kind, "tree")
        with self.assertRaises(ts.VerificationError):
            ts.check_tree_top(pairs, leaves[1])  # a leaf is not the top of two
        with self.assertRaises(ts.InputError):
            ts.tree_node(leaves[1], leaves[0])  # the second slice's leaf before the first's
        top = ts.tree_node(leaves[0], leaves[1])
        self.assertEqual(top.kind, "tree")
        ts.check_tree_top(pairs, top)


class FinalProof(unittest.TestCase):
    """The repository's final proof of fashion_mlp (scripts/gen_final_proof_fixtures.sh): making one
    takes minutes, and compress_commands makes one through the same library code."""

    def test_facts_and_calldata_are_the_command_lines(self):
        folder = os.path.join(FINAL_PROOFS, "fashion_mlp")
        model_path, proof_path = (os.path.join(folder, f) for f in ("model.verifying.tsm",
                                                                   "final.bin"))
        model = ts.load(model_path)
        with open(proof_path, "rb") as f:
            proof = ts.Proof(f.read())
        self.assertEqual(proof.kind, "final")
        class_hash = "0x1234"
        stated = ts.verify([model], proof, class_hash=class_hash)
        self.assertTrue(stated.final)
        cli = json.loads(run_cli("verify", model_path, proof_path, "--json", "--class-hash",
                                 class_hash))
        self.assertEqual(int(cli["identity"]["circuit_id"], 16), int(stated.circuit_id, 16))
        self.assertEqual(len(stated.starknet), 1)
        for ours, theirs in zip(stated.starknet, cli["starknet"]):
            self.assertEqual(int(ours.fact, 16), int(theirs["fact"], 16))
            self.assertEqual(int(ours.inputs_hash, 16), int(theirs["inputs_hash"], 16))
            self.assertEqual(int(ours.outputs_hash, 16), int(theirs["outputs_hash"], 16))
        self.assertIsNone(ts.verify([model], proof).starknet[0].fact)
        with tempfile.TemporaryDirectory() as out:
            calldata_path = os.path.join(out, "c.json")
            run_cli("calldata", model_path, proof_path, "-o", calldata_path)
            with open(calldata_path) as f:
                cli_felts = json.load(f)
        felts = proof.calldata([model])
        self.assertEqual([int(f, 16) for f in felts], [int(f, 16) for f in cli_felts])
        with self.assertRaisesRegex(ts.InputError, "give the verifying models it is of"):
            proof.calldata()
        tampered = bytearray(proof.to_bytes())
        tampered[len(tampered) - 300] ^= 1
        with self.assertRaises(ts.VerificationError):
            ts.verify([model], bytes(tampered))


def two_input_model():
    """An ONNX model of two inputs, y = (a + b)·w, built with onnx's helpers."""
    from onnx import TensorProto, helper, numpy_helper
    w = np.array([[0.5, -0.25], [0.125, 0.75], [-0.5, 0.25], [1.0, -1.0]], dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["c"]), helper.make_node("MatMul", ["c", "w"], ["y"])],
        "two_inputs",
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 4]) for name in "ab"],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    return model.SerializeToString(), w


class TwoInputs(unittest.TestCase):
    def test_samples_and_inputs_as_lists(self):
        onnx, w = two_input_model()
        rng = np.random.default_rng(1)
        calibration = [[rng.uniform(-1, 1, (1, 4)).astype(np.float32) for _ in "ab"]
                       for _ in range(64)]
        model = ts.compile(onnx, calibration, input="public", weights="public")
        self.assertEqual([spec["name"] for spec in model.inputs], ["a", "b"])
        a, b = calibration[0]
        y = model.run([a, b])[0]
        np.testing.assert_allclose(y, (a + b) @ w, atol=0.02)  # numpy's, not the frontend's
        statement = ts.verify(model, model.prove([a, b]))
        np.testing.assert_array_equal(statement.outputs[0], y)
        self.assertEqual(len(statement.inputs), 2)
        np.testing.assert_allclose(statement.inputs[1], b, atol=0.01)
        with self.assertRaisesRegex(ts.InputError, "the model takes 2 input"):
            model.run(a)
        with self.assertRaisesRegex(ts.InputError, "give the calibration as a list of samples"):
            ts.compile(onnx, np.zeros((8, 1, 4), dtype=np.float32))


def with_build_id(library, build_id):
    """The shared library's bytes with its GNU build id (20 bytes, in the one note named GNU)
    replaced: another build of it, as far as anything reading the id can tell."""
    with open(library, "rb") as f:
        data = f.read()
    header = (4).to_bytes(4, "little") + (20).to_bytes(4, "little") + (3).to_bytes(4, "little")
    at = data.index(header + b"GNU\0")
    assert data.count(header + b"GNU\0") == 1
    at += len(header) + 4
    return data[:at] + build_id + data[at + 20:]


class KeyCache(unittest.TestCase):
    def test_two_builds_of_the_module_do_not_share_cached_keys(self):
        # The same interpreter loads two builds of the module (the second's build id changed):
        # each derives and files the model's key under its own build, and reads back only its own.
        module = os.path.dirname(ts.__file__)
        library = next(f for f in os.listdir(module) if f.startswith("_tensorstark"))
        model = ts.compile(TINY, TINY_CALIBRATION)
        with tempfile.TemporaryDirectory() as folder:
            model.verifying_model.save(os.path.join(folder, "tiny.verifying.tsm"))
            model.prove(TINY_X).save(os.path.join(folder, "proof.bin"))
            for build, build_id in (("a", None), ("b", bytes(range(20)))):
                copy = os.path.join(folder, build, "tensorstark")
                os.makedirs(copy)
                for name in os.listdir(module):
                    if name.endswith(".py") or name == library:
                        with open(os.path.join(module, name), "rb") as f:
                            data = f.read()
                        if name == library and build_id:
                            data = with_build_id(os.path.join(module, name), build_id)
                        with open(os.path.join(copy, name), "wb") as f:
                            f.write(data)
            cache = os.path.join(folder, "cache")

            def verify_with(build):
                script = ("import sys, tensorstark as ts; ts.verify(ts.load(sys.argv[1]), "
                          "ts.Proof.from_bytes(open(sys.argv[2], 'rb').read()))")
                env = dict(os.environ, PYTHONPATH=os.path.join(folder, build),
                           TENSORSTARK_CACHE_DIR=cache)
                subprocess.run([sys.executable, "-c", script,
                                os.path.join(folder, "tiny.verifying.tsm"),
                                os.path.join(folder, "proof.bin")], env=env, check=True)
                return sorted(os.listdir(cache))

            first = verify_with("a")
            self.assertTrue(first)
            both = verify_with("b")
            self.assertEqual(len(both), 2 * len(first), "the second build read the first's keys")
            self.assertEqual(verify_with("a"), both)  # each reads its own back
            self.assertEqual(verify_with("b"), both)
            self.assertEqual(os.stat(cache).st_mode & 0o777, 0o700)

    def test_a_folder_others_can_write_to_is_not_used_and_warns(self):
        model = ts.compile(TINY, TINY_CALIBRATION)
        proof = model.prove(TINY_X)
        with tempfile.TemporaryDirectory() as folder:
            cache = os.path.join(folder, "cache")
            os.mkdir(cache)
            os.chmod(cache, 0o777)
            before = os.environ.get("TENSORSTARK_CACHE_DIR")
            os.environ["TENSORSTARK_CACHE_DIR"] = cache
            try:
                with self.assertWarnsRegex(RuntimeWarning, "others can write to it"):
                    ts.verify(model.verifying_model, proof)
                self.assertEqual(os.listdir(cache), [])
                os.chmod(cache, 0o700)
                ts.verify(model.verifying_model, proof, cache=False)
                self.assertEqual(os.listdir(cache), [], "cache=False wrote to the cache")
                ts.verify(model.verifying_model, proof)
                self.assertNotEqual(os.listdir(cache), [])
            finally:
                if before is None:
                    del os.environ["TENSORSTARK_CACHE_DIR"]
                else:
                    os.environ["TENSORSTARK_CACHE_DIR"] = before


if __name__ == "__main__":
    unittest.main(verbosity=2)
