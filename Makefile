# Wraps CMake. `make demo` and `make test` work on a fresh Debian 12 machine: both install what
# is missing first (scripts/setup.sh).
BUILD ?= build
SIMD ?= auto
JOBS ?= $(shell nproc)
# The Python the tensorstark module is built for (make python).
PYTHON ?= /usr/bin/python3

.PHONY: all setup configure build cli python test test-simd simd-levels cairo-test cairo-build bench demo \
  prove verify verify-cairo deploy verify-onchain clean fuzz large-examples

all: build

setup:
	@scripts/setup.sh

configure: setup
	@mkdir -p $(BUILD)
	@cmake -S . -B $(BUILD) -DTENSORSTARK_SIMD=$(SIMD) -DPython_EXECUTABLE=$(PYTHON) \
	  > $(BUILD)/configure.log 2>&1 \
	  || { cat $(BUILD)/configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The command line alone ($(BUILD)/tensorstark), without the tests and benchmarks.
cli: configure
	@cmake --build $(BUILD) -j $(JOBS) --target tensorstark

# The Python module alone, for $(PYTHON): import tensorstark with PYTHONPATH=$(BUILD)/python.
python: configure
	@grep -q "Python module: not built" $(BUILD)/configure.log && \
	  { echo "make python: $(PYTHON) has no pybind11 or Python headers (Debian: apt-get install pybind11-dev python3-dev)"; exit 1; } || true
	@cmake --build $(BUILD) -j $(JOBS) --target python
	@echo "built $(BUILD)/python/tensorstark: PYTHONPATH=$(BUILD)/python $(PYTHON) -c 'import tensorstark'"

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# The Cairo verifier's tests alone (also part of `make test`): its generated tests current, then
# the package's tests through npm wasm-cairo.
cairo-test: build
	@node scripts/cairo/gen_vector_tests.mjs --check
	@node scripts/cairo/gen_proof_fixtures.mjs $(BUILD)/tensorstark --check
	@node scripts/cairo/gen_final_air.mjs $(BUILD)/tensorstark --check
	@node scripts/cairo/test.mjs

# The Starknet contract classes (the fact registry, the final verifier every model shares, the
# lending example) as Sierra, with their class hashes: $(BUILD)/cairo/*.contract_class.json and
# $(BUILD)/cairo/classes.json.
cairo-build: build
	@node scripts/cairo/gen_final_air.mjs $(BUILD)/tensorstark --check
	@node scripts/cairo/build.mjs --out $(BUILD)/cairo

# The code that depends on the SIMD level (the field, circle, hash, FRI and AIR layers' tests and
# the soundness suite: CTest label "simd", CMake target simd_tests) built and tested again at the
# other levels, so every kernel's fallback stays tested; the CLI, the frontend, the benchmarks and
# the Cairo tests do not depend on it and run at the build machine's level only (make test).
# By default the levels below AVX-512 that $(BUILD) (make build) is not already at: on an AVX2
# machine, portable alone.
BUILD_SIMD_LEVEL = $(shell sed -n 's/.*tensorstark SIMD level: //p' $(BUILD)/configure.log 2>/dev/null)
SIMD_LEVELS ?= $(filter-out $(BUILD_SIMD_LEVEL),avx2 portable)
test-simd: setup
	@for level in $(SIMD_LEVELS); do \
	  echo "== SIMD level $$level"; \
	  $(MAKE) --no-print-directory SIMD=$$level BUILD=$(BUILD)-$$level configure || exit 1; \
	  cmake --build $(BUILD)-$$level -j $(JOBS) --target simd_tests || exit 1; \
	  (cd $(BUILD)-$$level && ctest --output-on-failure -j $(JOBS) -L simd) || exit 1; \
	done

# The levels test-simd tests by default, one a line (.ci/run times each on its own).
simd-levels:
	@printf '%s\n' $(SIMD_LEVELS)

bench: build
	@scripts/run_benchmarks.sh $(BUILD)
	@scripts/bench_prover.sh $(BUILD)
	@scripts/bench_models.sh $(BUILD)
	@scripts/bench_zk.sh $(BUILD)
	@scripts/bench_private_weights.sh $(BUILD)
	@scripts/bench_recursive.sh $(BUILD)
	@scripts/bench_compress.sh $(BUILD)
	@scripts/bench_credit.sh $(BUILD)
	@scripts/bench_memory.sh $(BUILD)
	@scripts/bench_slices.sh $(BUILD)
	@scripts/bench_tree.sh $(BUILD)
	@scripts/bench_batch.sh $(BUILD)

# A model to prove: MODEL names an example directory (model.onnx, calibration.json, input.json);
# prove writes OUT/<model>/ with the compiled model, the proof (PROOF.bin) and the outputs.
MODEL ?= examples/fashion_mlp
OUT ?= out
PROFILE ?= fast
# Empty: the profile's hash (prove --hash): poseidon252 for onchain, poseidon2 for recursive,
# blake2s otherwise.
HASH ?=
PROOF ?= proof
# ZK=1: a zero-knowledge proof (prove --zk, docs/zero-knowledge.md).
ZK ?=
# What proofs state of the inputs and outputs and whether the weights are private (compile
# --visibility). Empty, compile's defaults: private inputs and weights, public outputs; proofs of
# such a model are zero-knowledge. PUBLIC (input=public,weights=public) states everything and
# gives the fastest proofs.
VISIBILITY ?=
PUBLIC = input=public,weights=public
# More compile options, e.g. "--weight-frac-bits 10" or "--proof-memory 4".
COMPILE_OPTIONS ?=
MODEL_OUT = $(OUT)/$(notdir $(MODEL))
# What verifiers read: with private weights, the model without them that compile writes.
VERIFYING_MODEL = $(MODEL_OUT)/$(if $(findstring weights=public,$(VISIBILITY)),model.tsm,model.verifying.tsm)

# COMPRESS=1: prove makes the inner proof with the recursive profile and compresses it
# (tensorstark compress, outer profile OUTER_PROFILE) into OUT/<model>/PROOF.compressed.bin, which
# verify then checks.
COMPRESS ?=
OUTER_PROFILE ?= fast
INNER_PROFILE = $(if $(filter 1,$(COMPRESS)),recursive,$(PROFILE))

prove: build
	@mkdir -p $(MODEL_OUT)
	@$(BUILD)/tensorstark compile $(MODEL)/model.onnx -o $(MODEL_OUT)/model.tsm \
	  --calibration $(MODEL)/calibration.json $(if $(VISIBILITY),--visibility $(VISIBILITY)) \
	  --profile $(INNER_PROFILE) $(if $(HASH),--hash $(HASH)) $(COMPILE_OPTIONS)
	@$(BUILD)/tensorstark prove $(MODEL_OUT)/model.tsm --input $(MODEL)/input.json \
	  -o $(MODEL_OUT)/$(PROOF).bin --outputs $(MODEL_OUT)/outputs.json --profile $(INNER_PROFILE) \
	  $(if $(HASH),--hash $(HASH)) $(if $(filter 1,$(ZK)),--zk)
	@$(if $(filter 1,$(COMPRESS)),$(BUILD)/tensorstark compress $(MODEL_OUT)/model.tsm \
	  $(MODEL_OUT)/$(PROOF).bin -o $(MODEL_OUT)/$(PROOF).compressed.bin --profile $(OUTER_PROFILE))

verify: build
	@$(BUILD)/tensorstark verify $(VERIFYING_MODEL) \
	  $(MODEL_OUT)/$(PROOF)$(if $(filter 1,$(COMPRESS)),.compressed).bin

# The two large models for the benchmarks (scripts/bench_slices.sh LARGE=1), with random weights:
# torchvision's ResNet-18 at 224x224 (11.7M parameters) and a GPT-2-architecture decoder of 33.6M
# parameters, each written to OUT/examples/ (model.onnx, calibration.json, input.json) for `make
# prove MODEL=$(OUT)/examples/...`; the GPT's N(0, 0.02) weights want COMPILE_OPTIONS=
# "--weight-frac-bits 11". Neither fits the default --proof-memory yet; the GPT compiles with
# "--proof-memory 14 --visibility output=committed" (169 slices; docs/pipeline.md).
large-examples: setup
	@$(PYTHON) scripts/export_resnet18.py $(OUT)/examples/resnet18_224 --size 224
	@$(PYTHON) scripts/export_gpt.py $(OUT)/examples/gpt_33m

# MODEL's final proof (the inner proof compressed with compress --profile onchain: OUT/<model>/
# proof_final.compressed.bin, about 2.5 minutes and 12 GB for tiny_mlp), verified by the Cairo
# final verifier every model shares (scripts/cairo/verify_final.mjs) on npm wasm-cairo's test
# runner, as Starknet would run it: no Cairo generated for the model. A few minutes more.
# SIERRA_GAS=1 also measures the verification's Sierra gas.
verify-cairo: build
	@$(MAKE) --no-print-directory prove COMPRESS=1 OUTER_PROFILE=onchain PROOF=proof_final
	@node scripts/cairo/verify_final.mjs $(BUILD)/tensorstark $(VERIFYING_MODEL) \
	  $(MODEL_OUT)/proof_final.compressed.bin $(if $(filter 1,$(SIERRA_GAS)),--sierra-gas)

# Deploys the fact registry and the final verifier (every model's) to NETWORK (sepolia, mainnet or devnet) with
# scripts/deploy.mjs (--help): the account and node from STARKNET_ACCOUNT_ADDRESS,
# STARKNET_PRIVATE_KEY and STARKNET_RPC_URL; the classes from `make cairo-build`, or from Scarb's
# ARTIFACTS (e.g. verifier-cairo/target/release), whose CASM declaring needs. Records the deployment
# in deployments/NETWORK.json. DRY_RUN=1 prints the transactions and sends nothing; DEPLOY_ARGS
# passes more options (e.g. --salt).
NETWORK ?= sepolia
DEPLOY_FLAGS = --network $(NETWORK) $(if $(ARTIFACTS),--artifacts $(ARTIFACTS),--classes $(BUILD)/cairo) \
  $(if $(filter 1,$(DRY_RUN)),--dry-run) $(DEPLOY_ARGS)

deploy: setup
	@node scripts/deploy.mjs deploy $(DEPLOY_FLAGS)

# MODEL's final proof (as verify-cairo makes it, with compile's defaults or VISIBILITY) sent to
# NETWORK's fact registry (from `make deploy`) in one transaction: the final verifier every model
# shares checks it, and the registry records a fact under the model's id (identity.json, from
# tensorstark verify --json). No Cairo build per model. DRY_RUN=1 prints the transaction and
# sends nothing.
verify-onchain: build
	@$(MAKE) --no-print-directory prove COMPRESS=1 OUTER_PROFILE=onchain PROOF=proof_final
	@$(BUILD)/tensorstark calldata $(VERIFYING_MODEL) $(MODEL_OUT)/proof_final.compressed.bin \
	  -o $(MODEL_OUT)/calldata.json
	@$(BUILD)/tensorstark inspect $(MODEL_OUT)/proof_final.compressed.bin > $(MODEL_OUT)/proof_final.json
	@$(BUILD)/tensorstark verify $(VERIFYING_MODEL) $(MODEL_OUT)/proof_final.compressed.bin --json \
	  > $(MODEL_OUT)/identity.json
	@node scripts/deploy.mjs verify $(DEPLOY_FLAGS) --calldata $(MODEL_OUT)/calldata.json \
	  --inspect $(MODEL_OUT)/proof_final.json --identity $(MODEL_OUT)/identity.json

# The main job from a fresh checkout (scripts/demo.sh): builds only the command line, then the
# self-check; fashion_mlp compiled, proved and verified natively with everything public and with
# compile's defaults (private input and weights: a zero-knowledge proof); a scoring model compiled
# with a context, its final proof verified by the Cairo final verifier, its fact recorded and the
# lending example approving the applicant. One header per step with its time; files in out/demo.
demo: configure
	@scripts/demo.sh $(BUILD) $(JOBS)

# Fuzzes the proof parser and the model-file parser (fuzz/): clang++-14 with libFuzzer, ASan and
# UBSan in its own build dir, for FUZZ_SECONDS each on FUZZ_CORPUS and FUZZ_MODEL_CORPUS (which
# keep what they find). The proofs' seeds are valid proofs; the models' are every example's model
# and verifying model, compiled by $(BUILD)/tensorstark. Crash inputs land in FUZZ_BUILD; a single
# allocation over 64 MB (a proof) or 512 MB (a model file of 1 MB at most) counts as a crash (a
# forged count).
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CORPUS ?= $(FUZZ_BUILD)/corpus
FUZZ_MODEL_CORPUS ?= $(FUZZ_BUILD)/model-corpus

fuzz: cli
	@command -v clang++-14 >/dev/null || { echo "make fuzz needs clang++-14: apt-get install clang-14"; exit 1; }
	@mkdir -p $(FUZZ_BUILD) $(FUZZ_CORPUS) $(FUZZ_MODEL_CORPUS)
	@cmake -S fuzz -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++-14 > $(FUZZ_BUILD)/configure.log 2>&1 \
	  || { cat $(FUZZ_BUILD)/configure.log; exit 1; }
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@$(FUZZ_BUILD)/make_seed_corpus $(FUZZ_CORPUS)
	@$(FUZZ_BUILD)/proof_parse_fuzzer -max_total_time=$(FUZZ_SECONDS) -malloc_limit_mb=64 \
	  -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_CORPUS)
	@for example in examples/*/; do \
	  [ -f $$example/model.onnx ] && [ -f $$example/calibration.json ] || continue; \
	  $(BUILD)/tensorstark compile $$example/model.onnx --calibration $$example/calibration.json \
	    -o $(FUZZ_MODEL_CORPUS)/seed-$$(basename $$example).tsm >/dev/null || exit 1; \
	done
	@$(FUZZ_BUILD)/model_parse_fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=1048576 \
	  -malloc_limit_mb=512 -rss_limit_mb=4096 -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_MODEL_CORPUS)

clean:
	rm -rf $(BUILD) $(BUILD)-avx2 $(BUILD)-portable
