#!/usr/bin/env bash
# Runs score_corpus.py in PySpark local mode on the news corpus and checks that the merged
# speakers.csv and speaker_topics.csv equal a single-machine `tenor score` byte for byte.
#
# Not part of CI: it needs Java 17 and installs PySpark (pip, in a venv in the scratch folder),
# and takes a few minutes on 2 cores.
#
#   examples/spark/run_local.sh [CORPUS.jsonl[.gz]]
#
# Knobs: TENOR_SPARK_DIR (scratch folder, default ${TMPDIR:-/tmp}/tenor-spark), TENOR_BIN (a
# tenor binary instead of building this checkout), TENOR_SPARK_PARTITIONS (default 4),
# TENOR_SHARED (the shared folder holding corpus/news.jsonl.gz).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=${TENOR_SPARK_DIR:-${TMPDIR:-/tmp}/tenor-spark}
PARTITIONS=${TENOR_SPARK_PARTITIONS:-4}
PYSPARK_VERSION=4.3.0

say() { printf 'run_local.sh: %s\n' "$*" >&2; }

corpus=${1:-}
if [[ -z $corpus ]]; then
    shared=${TENOR_SHARED:-}
    if [[ -z $shared ]]; then
        # ../shared next to the checkout, or next to the main checkout from a git worktree.
        common=$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
        for candidate in "$ROOT/../shared" "${common:+$common/../../shared}"; do
            [[ -n $candidate && -d $candidate ]] && shared=$candidate && break
        done
    fi
    corpus=${shared:+$shared/corpus/news.jsonl.gz}
fi
if [[ -z $corpus || ! -f $corpus ]]; then
    say "no corpus: pass a JSON Lines file or set TENOR_SHARED. Nothing run."
    exit 0
fi
command -v java >/dev/null || { say "java (17 or later) is needed"; exit 1; }

tenor=${TENOR_BIN:-}
if [[ -z $tenor ]]; then
    (cd "$ROOT" && cargo build --release --quiet)
    tenor=$ROOT/target/release/tenor
fi
tenor=$(cd "$(dirname "$tenor")" && pwd)/$(basename "$tenor")

mkdir -p "$SCRATCH"
if [[ ! -x $SCRATCH/venv/bin/python ]] || ! "$SCRATCH/venv/bin/python" -c 'import pyspark' 2>/dev/null; then
    say "installing pyspark $PYSPARK_VERSION in $SCRATCH/venv"
    python3 -m venv "$SCRATCH/venv"
    "$SCRATCH/venv/bin/pip" install --quiet "pyspark==$PYSPARK_VERSION"
fi

rm -rf "$SCRATCH/spark" "$SCRATCH/single"
say "Spark local[2], $PARTITIONS partitions: $corpus"
"$SCRATCH/venv/bin/python" "$ROOT/examples/spark/score_corpus.py" "$corpus" "$SCRATCH/spark" \
    --tenor "$tenor" --partitions "$PARTITIONS" --master 'local[2]'
say "one machine: tenor score"
"$tenor" score "$corpus" --out "$SCRATCH/single" --quiet || [[ $? == 3 ]]

status=0
for table in speakers.csv speaker_topics.csv; do
    if cmp -s "$SCRATCH/spark/$table" "$SCRATCH/single/$table"; then
        say "$table: identical ($(wc -l < "$SCRATCH/single/$table") lines)"
    else
        say "$table: DIFFERS from the single-machine run"
        status=1
    fi
done
exit $status
