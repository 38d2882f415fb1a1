#!/usr/bin/env bash
# Evaluation against human annotations the team did not write (../shared/eval), and the check of the seed
# article (../shared/seed). Reads ../shared only when it is there; says so and exits 0 when it is not.
#
#   benches/eval.sh            # everything
#   benches/eval.sh ratings    # VADER's human-rated sentences
#   benches/eval.sh targets    # NewsMTSC sentiment toward named people
#   benches/eval.sh quotes     # PolNeAR gold attributions (dev set; TRAIN=1 for the train set)
#   benches/eval.sh seed       # the seed article's required quotes, speakers and tones
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
if [ ! -d "$shared/eval" ]; then
    echo "eval: $shared/eval is not here; nothing to measure (the evaluation sets are not part of the project)."
    exit 0
fi
cargo build --release --quiet
tenor=target/release/tenor
what=${1:-all}

if [ "$what" = all ] || [ "$what" = ratings ]; then
    echo "== Human-rated sentences (VADER ground truth). VADER 3.3.2 here: tweets r 0.872, movie 0.427, amazon 0.590"
    for set in tweets movieReviewSnippets amazonReviewSnippets; do
        $tenor eval ratings "$shared/eval/vader/${set}_GroundTruth.txt"
    done
fi

if [ "$what" = all ] || [ "$what" = targets ]; then
    echo "== NewsMTSC train: polarity toward a named person. VADER's sentence compound: macro F1 about 0.51"
    $tenor eval targets "$shared/eval/newsmtsc/train.jsonl"
fi

if [ "$what" = all ] || [ "$what" = quotes ]; then
    set_name=${TRAIN:+train}
    set_name=${set_name:-dev}
    echo "== PolNeAR $set_name: quotes whose gold content opens with a quotation mark are the 'direct' slice"
    $tenor eval quotes "$shared/eval/polnear/polnear_${set_name}.jsonl" --speech-cues
fi

if [ "$what" = all ] || [ "$what" = seed ]; then
    echo "== Seed article"
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    $tenor score "$shared/seed" --out "$out" --quiet
    python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
quotes = list(csv.DictReader(open(f"{out}/quotes.csv", encoding="utf-8")))
speakers = {r["speaker"]: r for r in csv.DictReader(open(f"{out}/speakers.csv", encoding="utf-8"))}
def find(fragment):
    rows = [q for q in quotes if fragment in q["text"]]
    return rows[0] if rows else None
checks = []
def check(name, ok):
    checks.append(ok)
    print(("ok   " if ok else "FAIL ") + name)
low = find("at a low point")
check("'at a low point' (partial) is Lavrov's, negative and frosty",
      low is not None and low["kind"] == "partial" and "Lavrov" in low["speaker"]
      and float(low["sentiment"]) < 0 and float(low["warmth"]) < 0)
secret = find("no secret")
check("'It is no secret ... low point' is Lavrov's, negative and frosty",
      secret is not None and "Lavrov" in secret["speaker"] and float(secret["sentiment"]) < 0 and float(secret["warmth"]) < 0)
bentley = find("Bentleys")
check("the Bentley quote is Johnson's, positive, with irony",
      bentley is not None and "Johnson" in bentley["speaker"] and float(bentley["sentiment"]) > 0 and float(bentley["irony"]) > 0.3)
jibe = next((q for q in quotes if q["kind"] == "partial" and "joking" in q["cue"].lower()), None)
check("the partial jibe is Johnson's with irony", jibe is not None and "Johnson" in jibe["speaker"] and float(jibe["irony"]) > 0.3)
respond = find("prepared and able to respond")
check("'He told reporters' is Johnson, and the quote carries threat",
      respond is not None and "Johnson" in respond["speaker"] and float(respond["threat"]) > 0.3)
added = [q for q in quotes if q["cue"].strip().lower().endswith("added") and q["kind"] == "direct"]
check("'he added' after a sentence naming Johnson continues Lavrov", len(added) == 1 and "Lavrov" in added[0]["speaker"])
cont = [q for q in quotes if "rightly say" in q["text"]]
check("the five-paragraph quote is one quote by Johnson, not Lavrov (the addressee)",
      len(cont) == 1 and "Johnson" in cont[0]["speaker"] and "Syria" in cont[0]["text"])
lavrovs = [s for s in speakers if "Lavrov" in s]
check("Sergey and Sergei Lavrov are one speaker", len(lavrovs) == 1)
if lavrovs and any("Johnson" in s for s in speakers):
    johnson = next(s for s in speakers if "Johnson" in s)
    check("Lavrov's mean warmth is below Johnson's",
          float(speakers[lavrovs[0]]["warmth_mean"]) < float(speakers[johnson]["warmth_mean"]))
print(f"{sum(checks)} of {len(checks)} seed checks pass")
sys.exit(0 if all(checks) else 1)
PY
fi
