#!/usr/bin/env bash
# Whole-process throughput of `tenor rate` against its peers on the same sentences, one core.
#
# Peers: Python vaderSentiment (pip, in a virtual environment), the Rust crates vader-parity
# and vader-sentimental (crates.io), and a physical yardstick (a Rust program that only reads
# the file, splits it into words and writes one count a line). Each tool reads the same
# sentence file and writes one number (or CSV row) a line to a file. Each is timed as a whole
# process pinned to one CPU with taskset: median of at least 5 runs after one warm-up, with
# hyperfine when installed, else a bash loop. Peak RSS comes from one run under /usr/bin/time -v.
#
# Everything the peers need is built in a scratch folder outside the repository
# (${TMPDIR:-/tmp}/tenor-peers); none of their code is committed. The sentences come from
# ../shared/corpus/news.jsonl.gz; without ../shared the script says so and exits 0.
# Accuracy is left to the evaluation scripts: this measures speed and memory only.
#
# Knobs (environment):
#   TENOR_SHARED      the shared folder (default: ../shared next to the repository, or next
#                     to the main checkout when run from a git worktree)
#   TENOR_PEERS_DIR   scratch folder (default ${TMPDIR:-/tmp}/tenor-peers)
#   TENOR_PEERS_N     sentences (default 100000)
#   TENOR_PEERS_RUNS  timed runs per tool (default 5; fewer is allowed for a smoke test, with a warning)
#   TENOR_PEERS_CPU   the CPU to pin to (default 0)
#   TENOR_BIN         a tenor binary to measure instead of building this checkout
#   TENOR_PEERS_SKIP  space-separated tools to leave out: python parity sentimental words tenor
#   TENOR_PEERS_TIMER `loop` to use the bash loop even when hyperfine is installed

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${TENOR_PEERS_DIR:-${TMPDIR:-/tmp}/tenor-peers}
N=${TENOR_PEERS_N:-100000}
RUNS=${TENOR_PEERS_RUNS:-5}
CPU=${TENOR_PEERS_CPU:-0}
SKIP=" ${TENOR_PEERS_SKIP:-} "
HYPERFINE=0
[[ ${TENOR_PEERS_TIMER:-} != loop ]] && command -v hyperfine >/dev/null && HYPERFINE=1

# Pinned so that numbers from different days compare.
PY_VADER_VERSION=3.3.2
VADER_PARITY_VERSION=0.1.0
VADER_SENTIMENTAL_VERSION=0.1.3

say() { printf '%s\n' "$*" >&2; }
die() { say "peers.sh: $*"; exit 1; }

find_shared() {
    if [[ -n ${TENOR_SHARED:-} ]]; then
        printf '%s\n' "$TENOR_SHARED"
        return
    fi
    if [[ -d $ROOT/../shared ]]; then
        (cd "$ROOT/../shared" && pwd)
        return
    fi
    # In a git worktree, ../shared sits next to the main checkout rather than this one.
    local common
    if common=$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) \
        && [[ -d $common/../../shared ]]; then
        (cd "$common/../../shared" && pwd)
    fi
}

SHARED=$(find_shared)
CORPUS=${SHARED:+$SHARED/corpus/news.jsonl.gz}
if [[ -z $SHARED || ! -f $CORPUS ]]; then
    say "peers.sh: the shared corpus (../shared/corpus/news.jsonl.gz) is not here;"
    say "          set TENOR_SHARED to the shared folder to run this benchmark. Nothing measured."
    exit 0
fi

command -v python3 >/dev/null || die "python3 is needed (sentence file, vaderSentiment, JSON)"
command -v cargo >/dev/null || die "cargo is needed"
command -v taskset >/dev/null || die "taskset (util-linux) is needed to pin to one core"
if ((RUNS < 5)); then
    say "peers.sh: warning: TENOR_PEERS_RUNS=$RUNS is below the 5 runs this benchmark reports on"
fi

mkdir -p "$SCRATCH/out" "$SCRATCH/timing" || die "cannot create $SCRATCH"
SENTENCES=$SCRATCH/sentences.txt
OUT=$SCRATCH/out
TIMING=$SCRATCH/timing

skipped() { [[ $SKIP == *" $1 "* ]]; }

# ---------------------------------------------------------------- sentences
if [[ ! -f $SENTENCES || $(wc -l <"$SENTENCES") -ne $N || $CORPUS -nt $SENTENCES ]]; then
    say "== writing $N sentences from $CORPUS"
    python3 "$ROOT/benches/make_sentences.py" --count "$N" "$CORPUS" "$SENTENCES" \
        || die "could not write $SENTENCES"
fi
WORDS=$(wc -w <"$SENTENCES")
BYTES=$(wc -c <"$SENTENCES")

# ---------------------------------------------------------------- Python vaderSentiment
PYTHON_OK=0
if ! skipped python; then
    say "== Python vaderSentiment $PY_VADER_VERSION in $SCRATCH/venv"
    VENV=$SCRATCH/venv
    if [[ ! -x $VENV/bin/python ]]; then
        python3 -m venv "$VENV" || say "   could not create the venv"
    fi
    if [[ -x $VENV/bin/python ]] \
        && { "$VENV/bin/python" -c "import vaderSentiment" 2>/dev/null \
            || "$VENV/bin/pip" install --quiet "vaderSentiment==$PY_VADER_VERSION"; }; then
        cat >"$SCRATCH/vader_rate.py" <<'PY'
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

analyzer = SentimentIntensityAnalyzer()
with open(sys.argv[1], encoding="utf-8") as sentences, open(sys.argv[2], "w") as out:
    for line in sentences:
        line = line.rstrip("\n")
        if line:
            out.write(f"{analyzer.polarity_scores(line)['compound']}\n")
PY
        PYTHON_OK=1
    else
        say "   vaderSentiment is not available; leaving it out"
    fi
fi

# ---------------------------------------------------------------- Rust peers and yardstick
RUST_OK=0
RUST_PEERS=$SCRATCH/rust-peers
if ! (skipped parity && skipped sentimental && skipped words); then
    say "== Rust peers (vader-parity $VADER_PARITY_VERSION, vader-sentimental $VADER_SENTIMENTAL_VERSION) in $RUST_PEERS"
    mkdir -p "$RUST_PEERS/src/bin"
    cat >"$RUST_PEERS/Cargo.toml" <<TOML
[package]
name = "tenor-peers"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
vader-parity = "=$VADER_PARITY_VERSION"
vader-sentimental = { version = "=$VADER_SENTIMENTAL_VERSION", default-features = false }

# The same release profile as tenor's, so the compiler is not what differs.
[profile.release]
lto = "thin"
codegen-units = 4
TOML
    cat >"$RUST_PEERS/src/lib.rs" <<'RS'
//! Shared driver: reads a sentence file, writes one number a line.

use std::io::{BufWriter, Write};

pub fn rate_lines(score: impl Fn(&str) -> f64) -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: {} SENTENCES OUT", args[0]);
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(input)?;
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    for line in text.lines().filter(|line| !line.is_empty()) {
        writeln!(out, "{}", score(line))?;
    }
    out.flush()
}
RS
    cat >"$RUST_PEERS/src/bin/vader_parity_rate.rs" <<'RS'
fn main() -> std::io::Result<()> {
    let analyzer = vader_parity::SentimentIntensityAnalyzer::new();
    tenor_peers::rate_lines(|line| analyzer.polarity_scores(line).compound)
}
RS
    cat >"$RUST_PEERS/src/bin/vader_sentimental_rate.rs" <<'RS'
fn main() -> std::io::Result<()> {
    let analyzer = vader_sentimental::SentimentIntensityAnalyzer::new();
    tenor_peers::rate_lines(|line| analyzer.polarity_scores(line).compound)
}
RS
    # The floor for any tool that reads the file and tokenises it: split into words, count.
    cat >"$RUST_PEERS/src/bin/words_yardstick.rs" <<'RS'
fn main() -> std::io::Result<()> {
    tenor_peers::rate_lines(|line| line.split_whitespace().count() as f64)
}
RS
    if (cd "$RUST_PEERS" && cargo build --release --quiet); then
        RUST_OK=1
    else
        say "   the Rust peers did not build; leaving them out"
    fi
fi

# ---------------------------------------------------------------- tenor
TENOR_OK=0
TENOR_NOTE=""
if skipped tenor; then
    TENOR_NOTE="tenor left out (TENOR_PEERS_SKIP)"
else
    if [[ -n ${TENOR_BIN:-} ]]; then
        TENOR=$TENOR_BIN
    else
        say "== cargo build --release (tenor, $ROOT)"
        TENOR_TARGET=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps 2>/dev/null \
            | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
        TENOR=${TENOR_TARGET:-$ROOT/target}/release/tenor
        if ! (cd "$ROOT" && cargo build --release --quiet --bin tenor); then
            TENOR_NOTE="tenor did not build (cargo build --release failed); peers measured without it"
            TENOR=""
        fi
    fi
    if [[ -n $TENOR ]]; then
        # A build that succeeds is not enough: `rate` must exist and write one row a sentence.
        printf 'The talks went well, she said.\nHe warned of a serious crisis.\n' >"$SCRATCH/smoke.txt"
        rm -f "$OUT/smoke.csv"
        "$TENOR" rate "$SCRATCH/smoke.txt" --out "$OUT/smoke.csv" --threads 1 >/dev/null 2>"$SCRATCH/smoke.err"
        status=$?
        if ((status == 0)) && [[ -s $OUT/smoke.csv ]]; then
            TENOR_OK=1
        else
            TENOR_NOTE="$TENOR built, but \`tenor rate\` on a 2-line file exited $status"
            TENOR_NOTE+=" and wrote $( [[ -s $OUT/smoke.csv ]] && echo output || echo 'no output')"
            [[ -s $SCRATCH/smoke.err ]] && TENOR_NOTE+=" ($(head -c 200 "$SCRATCH/smoke.err" | tr '\n' ' '))"
            TENOR_NOTE+="; peers measured without it"
        fi
    fi
    [[ -n $TENOR_NOTE ]] && say "   $TENOR_NOTE"
fi

# ---------------------------------------------------------------- timing
# Each row: name, version, output file, command words.
NAMES=() VERSIONS=() OUTPUTS=() COMMANDS=()
add() {
    NAMES+=("$1") VERSIONS+=("$2") OUTPUTS+=("$3")
    local words
    printf -v words '%q ' "${@:4}"
    COMMANDS+=("$words")
}
if [[ -n ${TENOR_BIN:-} ]]; then
    TENOR_VERSION="TENOR_BIN"
else
    TENOR_VERSION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
fi
((TENOR_OK)) && add tenor "$TENOR_VERSION" \
    "$OUT/tenor.csv" "$TENOR" rate "$SENTENCES" --out "$OUT/tenor.csv" --threads 1
((PYTHON_OK)) && add "vaderSentiment (Python)" "$PY_VADER_VERSION" \
    "$OUT/python.txt" "$SCRATCH/venv/bin/python" "$SCRATCH/vader_rate.py" "$SENTENCES" "$OUT/python.txt"
if ((RUST_OK)); then
    skipped parity || add "vader-parity (Rust)" "$VADER_PARITY_VERSION" \
        "$OUT/parity.txt" "$RUST_PEERS/target/release/vader_parity_rate" "$SENTENCES" "$OUT/parity.txt"
    skipped sentimental || add "vader-sentimental (Rust)" "$VADER_SENTIMENTAL_VERSION" \
        "$OUT/sentimental.txt" "$RUST_PEERS/target/release/vader_sentimental_rate" "$SENTENCES" "$OUT/sentimental.txt"
    skipped words || add "yardstick: split words" "-" \
        "$OUT/words.txt" "$RUST_PEERS/target/release/words_yardstick" "$SENTENCES" "$OUT/words.txt"
fi
((${#NAMES[@]})) || die "nothing to measure"

# Prints "median min max cpu" in seconds for one command, pinned to $CPU; cpu is the mean user
# plus system time, which moves less than wall time when other work shares the core.
time_command() {
    local key=$1 command=$2
    if ((HYPERFINE)); then
        hyperfine -N --style basic --warmup 1 --runs "$RUNS" \
            --export-json "$TIMING/$key.json" "taskset -c $CPU $command" >&2 || return 1
        python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["median"], r["min"], r["max"], r["user"] + r["system"])' "$TIMING/$key.json"
    else
        local i start end
        # shellcheck disable=SC2086 # the command is a list of %q-quoted words
        eval "taskset -c $CPU $command" >/dev/null || return 1
        : >"$TIMING/$key.times"
        for ((i = 0; i < RUNS; i++)); do
            start=$(date +%s.%N)
            eval "taskset -c $CPU $command" >/dev/null || return 1
            end=$(date +%s.%N)
            awk -v start="$start" -v end="$end" 'BEGIN { print end - start }' >>"$TIMING/$key.times"
        done
        python3 -c 'import statistics, sys
t = [float(x) for x in open(sys.argv[1])]
print(statistics.median(t), min(t), max(t), "-")' "$TIMING/$key.times"
    fi
}

# Prints the peak resident set size in MB of one run.
peak_rss() {
    local key=$1 command=$2
    [[ -x /usr/bin/time ]] || { echo "-"; return; }
    eval "/usr/bin/time -v -o $(printf '%q' "$TIMING/$key.rss") taskset -c $CPU $command" >/dev/null 2>&1 \
        || { echo "-"; return; }
    awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$TIMING/$key.rss"
}

say "== timing: $N sentences, $WORDS words, $BYTES bytes; CPU $CPU; $RUNS runs each (+1 warm-up)"
TIMES=() RSS=() LINES=()
for i in "${!NAMES[@]}"; do
    key=$i
    say "-- ${NAMES[i]}: taskset -c $CPU ${COMMANDS[i]}"
    if result=$(time_command "$key" "${COMMANDS[i]}"); then
        TIMES+=("$result")
        RSS+=("$(peak_rss "$key" "${COMMANDS[i]}")")
        LINES+=("$(wc -l <"${OUTPUTS[i]}")")
    else
        say "   failed; no time recorded"
        TIMES+=("") RSS+=("-") LINES+=("-")
    fi
done

# ---------------------------------------------------------------- report
{
    echo "tenor peers benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
        "$(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "timer: $( ((HYPERFINE)) && hyperfine --version || echo 'bash loop (date +%s.%N)');" \
        "taskset -c $CPU; median of $RUNS runs after 1 warm-up; whole process"
    echo "input: $SENTENCES ($N sentences, $WORDS words, $BYTES bytes)"
    [[ -n $TENOR_NOTE ]] && echo "note: $TENOR_NOTE"
    echo
    python3 - "$N" "${#NAMES[@]}" "${NAMES[@]}" "${VERSIONS[@]}" "${TIMES[@]/#/t:}" \
        "${RSS[@]}" "${LINES[@]}" "${OUTPUTS[@]}" <<'PY'
import sys

n, count = int(sys.argv[1]), int(sys.argv[2])
rest = sys.argv[3:]
names, versions, times, rss, lines, outputs = (rest[i * count:(i + 1) * count] for i in range(6))
times = [t[2:].split() if t[2:] else None for t in times]
median = {name: float(t[0]) for name, t in zip(names, times) if t}
cpus = {name: float(t[3]) for name, t in zip(names, times) if t and t[3] != "-"}
tenor, tenor_cpu = median.get("tenor"), cpus.get("tenor")
yardstick = median.get("yardstick: split words")

# On a busy machine a pinned process waits for its core, so wall time grows with the load while
# CPU time hardly moves: the cpu columns are the ones to compare across sessions.
header = ("tool", "version", "median s", "min s", "max s", "cpu s", "sentences/s",
          "sentences/cpu s", "peak RSS MB", "lines out", "tenor speed x (wall / cpu)",
          "x yardstick time")
rows = []
for name, version, t, mb, out in zip(names, versions, times, rss, lines):
    if t is None:
        rows.append((name, version, "failed", "-", "-", "-", "-", "-", mb, out, "-", "-"))
        continue
    med, lo, hi = (float(x) for x in t[:3])
    cpu = cpus.get(name)
    speed = "-"
    if tenor and name != "tenor":
        speed = f"{med / tenor:.2f}" + (f" / {cpu / tenor_cpu:.2f}" if cpu and tenor_cpu else "")
    rows.append((
        name, version, f"{med:.3f}", f"{lo:.3f}", f"{hi:.3f}",
        f"{cpu:.3f}" if cpu else "-", f"{n / med:,.0f}", f"{n / cpu:,.0f}" if cpu else "-", mb, out,
        speed, f"{med / yardstick:.1f}" if yardstick else "-",
    ))
widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
for row in [header] + rows:
    print("  ".join(str(cell).ljust(w) if i < 2 else str(cell).rjust(w)
                    for i, (cell, w) in enumerate(zip(row, widths))))
print()
print("cpu s = mean user + system time of the timed runs (hyperfine only);")
print("tenor speed x = peer median / tenor median, and the same for cpu s (above 1: tenor is faster);")
print("x yardstick time = tool median / yardstick median (the cost above reading and splitting).")
if tenor is None:
    print("tenor was not measured: see the note above.")

# The VADER ports should reproduce Python's compound (which it rounds to 4 decimals); a port
# that does less work than Python is not a fair peer, so say how far each one agrees.
def compounds(path):
    with open(path) as f:
        return [float(line) for line in f]

python = dict(zip(names, outputs)).get("vaderSentiment (Python)")
if python and times[names.index("vaderSentiment (Python)")]:
    reference = compounds(python)
    for name, path, t in zip(names, outputs, times):
        if t and "(Rust)" in name:
            ours = compounds(path)
            same = sum(abs(a - b) <= 0.00051 for a, b in zip(reference, ours))
            print(f"{name}: compound within 0.0005 of Python vaderSentiment on "
                  f"{same:,} of {len(reference):,} sentences ({100 * same / len(reference):.1f}%)")
PY
} | tee "$SCRATCH/results.txt"
say "(results also in $SCRATCH/results.txt)"
