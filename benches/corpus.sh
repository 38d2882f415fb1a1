#!/usr/bin/env bash
# Whole-process throughput of `tenor score` on the news corpus, on one core and on two, next to the
# physical yardstick: a program that only reads the same JSON Lines, takes each article's text and
# splits it into words. Also start-up (`tenor rate` on a one-line file) and peak memory on a large
# input made by repeating the corpus.
#
# Every run writes everything it would in use: `tenor score` its four tables, the yardstick one
# word count per article. Timing: hyperfine, median of $RUNS runs after a warm-up; one-core runs
# are pinned with taskset. The scratch folder holds the decompressed corpus, the yardstick's cargo
# project and the outputs; nothing of it is committed.
#
# On a shared machine wall time says more about the neighbours than about tenor, so the table also
# gives the CPU time (user + system) and the text MB per CPU second, which move much less.
#
# Knobs (environment):
#   TENOR_SHARED        the shared folder (default: ../shared next to the repository or the main
#                       checkout of a worktree)
#   TENOR_CORPUS_DIR    scratch folder (default ${TMPDIR:-/tmp}/tenor-corpus)
#   TENOR_CORPUS_RUNS   timed runs per command (default 5)
#   TENOR_BIN           a tenor binary to measure instead of building this checkout
#   TENOR_CORPUS_BIG_MB size of the memory test's largest input in MB (default 1024; 0 leaves the
#                       memory test out). The test also runs on the corpus itself and on a tenth of
#                       the largest input, to show whether peak memory grows with the input.
#   TENOR_CORPUS_MEM_CI the --ci-resamples values the memory test runs with (default "2000 0":
#                       intervals keep every quote's scores, so memory with them grows with the input)

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${TENOR_CORPUS_DIR:-${TMPDIR:-/tmp}/tenor-corpus}
RUNS=${TENOR_CORPUS_RUNS:-5}
BIG_MB=${TENOR_CORPUS_BIG_MB:-1024}
MEM_CI=${TENOR_CORPUS_MEM_CI:-2000 0}

say() { printf '%s\n' "$*" >&2; }
die() { say "corpus.sh: $*"; exit 1; }

shared=${TENOR_SHARED:-}
if [[ -z $shared ]]; then
    common=$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
    for candidate in "$ROOT/../shared" "${common:+$common/../../shared}"; do
        [[ -n $candidate && -d $candidate ]] && shared=$(cd "$candidate" && pwd) && break
    done
fi
CORPUS=${shared:+$shared/corpus/news.jsonl.gz}
if [[ -z $CORPUS || ! -f $CORPUS ]]; then
    say "corpus.sh: the shared corpus (../shared/corpus/news.jsonl.gz) is not here;"
    say "           set TENOR_SHARED to run this benchmark. Nothing measured."
    exit 0
fi
command -v hyperfine >/dev/null || die "hyperfine is needed"
command -v taskset >/dev/null || die "taskset (util-linux) is needed"

mkdir -p "$SCRATCH/out" || die "cannot create $SCRATCH"
NEWS=$SCRATCH/news.jsonl
if [[ ! -f $NEWS || $CORPUS -nt $NEWS ]]; then
    gzip -dc "$CORPUS" >"$NEWS" || die "cannot decompress $CORPUS"
fi
read -r ARTICLES TEXT_BYTES < <(python3 -c 'import json, sys
n = b = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        n += 1
        b += len(json.loads(line)["text"].encode("utf-8"))
print(n, b)' "$NEWS")

# ---------------------------------------------------------------- yardstick
YARD=$SCRATCH/yardstick
mkdir -p "$YARD/src"
cat >"$YARD/Cargo.toml" <<'TOML'
[package]
name = "corpus-yardstick"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"

# tenor's release profile, so the compiler is not what differs.
[profile.release]
lto = "thin"
codegen-units = 4
TOML
cat >"$YARD/src/main.rs" <<'RS'
//! The floor for any tool that reads a JSON Lines corpus and tokenises it: parse each line, take
//! the text, split it into words, write one count per article.

use std::io::{BufRead, BufReader, BufWriter, Write};

#[derive(serde::Deserialize)]
struct Article<'a> {
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: {} CORPUS.jsonl OUT", args[0]);
        std::process::exit(2);
    };
    let reader = BufReader::with_capacity(1 << 18, std::fs::File::open(input)?);
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let article: Article = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        writeln!(out, "{}", article.text.split_whitespace().count())?;
    }
    out.flush()
}
RS
(cd "$YARD" && cargo build --release --quiet) || die "the yardstick did not build"
YARDSTICK=$YARD/target/release/corpus-yardstick

# ---------------------------------------------------------------- tenor
if [[ -n ${TENOR_BIN:-} ]]; then
    TENOR=$TENOR_BIN
    VERSION=TENOR_BIN
else
    (cd "$ROOT" && cargo build --release --quiet --bin tenor) || die "tenor did not build"
    TENOR=$ROOT/target/release/tenor
    VERSION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
fi
printf 'The talks were constructive and useful.\n' >"$SCRATCH/one.txt"
head -n 1 "$NEWS" >"$SCRATCH/one.jsonl"

# ---------------------------------------------------------------- timing
# name|command, one per line; commands are run by hyperfine without a shell.
COMMANDS=(
    "yardstick: read and split (1 core)|taskset -c 0 $YARDSTICK $NEWS $SCRATCH/out/words.txt"
    "tenor score --threads 1 (1 core)|taskset -c 0 $TENOR score $NEWS --out $SCRATCH/out/t1 --threads 1 --quiet"
    "tenor score --threads 1 (2 cores)|$TENOR score $NEWS --out $SCRATCH/out/t1b --threads 1 --quiet"
    "tenor score --threads 2 (2 cores)|$TENOR score $NEWS --out $SCRATCH/out/t2 --threads 2 --quiet"
    "tenor score --threads 1 --ci-resamples 0 (2 cores)|$TENOR score $NEWS --out $SCRATCH/out/t1n --threads 1 --quiet --ci-resamples 0"
    "tenor score --threads 2 --ci-resamples 0 (2 cores)|$TENOR score $NEWS --out $SCRATCH/out/t2n --threads 2 --quiet --ci-resamples 0"
    "tenor rate, 1 line (start-up)|$TENOR rate $SCRATCH/one.txt --out $SCRATCH/out/one.csv --threads 1"
    "tenor score, 1 article (start-up)|$TENOR score $SCRATCH/one.jsonl --out $SCRATCH/out/one --threads 1 --quiet"
)
RESULTS=()
for entry in "${COMMANDS[@]}"; do
    name=${entry%%|*} command=${entry#*|}
    say "-- $name: $command"
    key=$(printf '%s' "$name" | tr -c 'a-z0-9' '_')
    runs=$RUNS
    [[ $name == *start-up* ]] && runs=$((RUNS * 4))
    load=$(cut -d' ' -f1 /proc/loadavg)
    # tenor exits 3 when it skipped records; that is a result, not a failure.
    hyperfine -N --style basic --warmup 1 --runs "$runs" -i --export-json "$SCRATCH/$key.json" \
        "$command" >&2 || { RESULTS+=("$name|failed"); continue; }
    # shellcheck disable=SC2086 # the command is a list of words
    /usr/bin/time -f '%M' -o "$SCRATCH/$key.rss" $command >/dev/null 2>&1
    peak=$(tail -1 "$SCRATCH/$key.rss")
    RESULTS+=("$name|$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["median"], r["min"], r["max"], r["user"] + r["system"])' "$SCRATCH/$key.json") $peak $load")
done

# ---------------------------------------------------------------- memory on a large input
BIG_NOTE=""
if ((BIG_MB > 0)); then
    BIG=$SCRATCH/big.jsonl
    want=$((BIG_MB * 1024 * 1024))
    if [[ ! -f $BIG || $(stat -c %s "$BIG") -lt $want ]]; then
        # The corpus repeated with fresh ids, so that every article is a new one.
        python3 - "$NEWS" "$BIG" "$want" <<'PY'
import json, sys
source, target, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [json.loads(l) for l in open(source, encoding="utf-8") if l.strip()]
written = copy = 0
with open(target, "w", encoding="utf-8") as out:
    while written < want:
        copy += 1
        for article in lines:
            article = dict(article, id=f"{article.get('id', '')}#{copy}")
            line = json.dumps(article, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
PY
    fi
    TENTH=$SCRATCH/big-tenth.jsonl
    [[ -f $TENTH ]] || head -c $((want / 10)) "$BIG" | sed '$d' >"$TENTH"
    for input in "$NEWS" "$TENTH" "$BIG"; do
        for ci in $MEM_CI; do
            say "-- memory: tenor score --threads 2 --ci-resamples $ci on $(du -m "$input" | cut -f1) MB"
            /usr/bin/time -f '%e %U %S %M' -o "$SCRATCH/mem.time" "$TENOR" score "$input" \
                --out "$SCRATCH/out/mem" --threads 2 --quiet --ci-resamples "$ci"
            BIG_NOTE+="$(du -m "$input" | cut -f1) MB, --ci-resamples $ci: $(awk '{printf "peak RSS %.0f MB (%.0f s wall, %.0f s CPU)", $4 / 1024, $1, $2 + $3}' "$SCRATCH/mem.time")"$'\n'
        done
    done
fi

# ---------------------------------------------------------------- report
{
    echo "tenor corpus benchmark, $(date -u +%Y-%m-%dT%H:%MZ), tenor $VERSION"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
        "load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "input: $NEWS ($ARTICLES articles, $TEXT_BYTES bytes of text, $(stat -c %s "$NEWS") bytes of JSON)"
    echo "timer: $(hyperfine --version); median of $RUNS runs after 1 warm-up (start-up: $((RUNS * 4)))"
    echo
    python3 - "$TEXT_BYTES" "${RESULTS[@]}" <<'PY'
import sys
text = int(sys.argv[1])
rows, floor, floor_cpu, medians = [], None, None, {}
for entry in sys.argv[2:]:
    name, _, rest = entry.partition("|")
    if rest == "failed":
        rows.append((name, "failed") + ("-",) * 8)
        continue
    med, lo, hi, cpu, peak, load = rest.split()
    med, cpu = float(med), float(cpu)
    medians[name] = med
    startup = "start-up" in name
    if name.startswith("yardstick"):
        floor, floor_cpu = med, cpu
    rows.append((name, f"{med:.3f}", f"{float(lo):.3f}", f"{float(hi):.3f}", f"{cpu:.3f}",
                 "-" if startup else f"{text / med / 1e6:.1f}",
                 "-" if startup else f"{text / cpu / 1e6:.1f}",
                 f"{int(peak) / 1024:.0f}",
                 f"{med / floor:.1f} / {cpu / floor_cpu:.1f}" if floor and not startup else "-",
                 load))
header = ("command", "median s", "min s", "max s", "cpu s", "text MB/s", "MB/cpu s", "peak RSS MB",
          "x yardstick (wall / cpu)", "load")
widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
for r in [header] + rows:
    print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
print()
for suffix in ("", " --ci-resamples 0"):
    one = medians.get(f"tenor score --threads 1{suffix} (2 cores)")
    two = medians.get(f"tenor score --threads 2{suffix} (2 cores)")
    if one and two:
        print(f"scaling, 1 to 2 threads{suffix or ' (default intervals)'}: {one / two:.2f}x (median wall)")
PY
    [[ -n $BIG_NOTE ]] && echo && echo "memory (tenor score --threads 2; JSON size):" && printf '%s' "$BIG_NOTE"
    echo
    echo "cpu s = mean user + system time; text MB/s = bytes of article text / median wall time;"
    echo "MB/cpu s = bytes of article text / cpu s (what one core does, whatever the neighbours do);"
    echo "x yardstick = median / the yardstick's median, and the same for cpu s (the goal is within 4);"
    echo "load = the 1-minute load average when the command's runs began."
} | tee "$SCRATCH/results.txt"
say "(results also in $SCRATCH/results.txt)"
