#!/bin/sh
# Benchmarks the release build on the example and on generated projects of
# 40, 200 and 1000 pages; see tests/bench/README.md. Arguments go to bench.py,
# e.g. `tests/bench/run.sh --runs 3 --sizes 200 --serve 0`.
set -eu
cd "$(dirname "$0")/../.."
cargo build --release --quiet
exec python3 tests/bench/bench.py "$@"
