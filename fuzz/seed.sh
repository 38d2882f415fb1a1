#!/usr/bin/env bash
# Seeds every fuzz target's corpus with the sample articles in data/, then runs the targets, each for
# the given number of seconds (default 600): `fuzz/seed.sh 600`. Needs a nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
for target in ingest quotes scoring pipeline; do
    mkdir -p "corpus/$target"
    cp ../data/*.txt ../data/*.csv ../data/*.jsonl "corpus/$target/"
done
for target in ingest quotes scoring pipeline; do
    cargo +nightly fuzz run -O "$target" -- -max_total_time="$seconds" -max_len=65536 -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1
done
