#!/usr/bin/env python3
"""Writes the benchmark's sentence file: one news sentence a line, taken in corpus order.

Reads a gzipped JSON Lines corpus (one article a line with a `text` field), splits each
article into sentences with a deliberately simple rule (end punctuation followed by space
and a capital, digit or opening quote; known abbreviations do not end a sentence), keeps the
non-trivial ones and stops after `--count` of them. The split only has to be reasonable and
deterministic: every tool in the benchmark reads the same file, so its quality does not
favour anyone. Nothing here judges sentiment; that is left to the tools being measured.
"""

import argparse
import gzip
import json
import os
import re
import sys

# Titles and other short forms after which a full stop does not end a sentence in news text.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "cmdr",
    "gov", "sen", "rep", "prof", "rev", "inc", "ltd", "co", "corp", "plc", "vs", "no", "nos",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "etc", "approx", "est", "dept", "fig",
}

# A candidate boundary: end punctuation, optional closing quote or bracket, whitespace, then
# something that can open a sentence.
BOUNDARY = re.compile(r"(?<=[.!?])([\"'\u201d\u2019)\]]?)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
WHITESPACE = re.compile(r"\s+")

MIN_WORDS = 6
MIN_CHARS = 30
MAX_CHARS = 600


def sentences(text):
    """Yields the sentences of one article, whitespace collapsed."""
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = WHITESPACE.sub(" ", paragraph).strip()
        if not paragraph:
            continue
        start = 0
        for boundary in BOUNDARY.finditer(paragraph):
            head = paragraph[start:boundary.start()]
            last = LAST_WORD.search(head)
            if last and last.group(1).lower() in ABBREVIATIONS:
                continue
            # A single capital before the stop is an initial ("George W. Bush").
            if last and len(last.group(1)) == 1 and last.group(1).isupper():
                continue
            yield paragraph[start:boundary.end(1)].strip()
            start = boundary.end()
        tail = paragraph[start:].strip()
        if tail:
            yield tail


def is_trivial(sentence):
    if len(sentence) < MIN_CHARS or len(sentence) > MAX_CHARS:
        return True
    words = sentence.split(" ")
    if len(words) < MIN_WORDS:
        return True
    letters = sum(ch.isalpha() for ch in sentence)
    if letters < len(sentence) // 2:
        return True
    # Headlines, datelines and wire boilerplate are often all capitals.
    return sentence.upper() == sentence


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="news.jsonl.gz: one JSON article a line with a `text` field")
    parser.add_argument("out", help="sentence file to write, one sentence a line")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()

    written = words = articles = 0
    partial = args.out + ".partial"
    with gzip.open(args.corpus, "rt", encoding="utf-8") as corpus, \
            open(partial, "w", encoding="utf-8", newline="\n") as out:
        for line_number, line in enumerate(corpus, start=1):
            try:
                text = json.loads(line).get("text") or ""
            except json.JSONDecodeError as err:
                sys.exit(f"{args.corpus}:{line_number}: not JSON: {err}")
            articles += 1
            for sentence in sentences(text):
                if is_trivial(sentence):
                    continue
                out.write(sentence + "\n")
                written += 1
                words += sentence.count(" ") + 1
                if written == args.count:
                    break
            if written == args.count:
                break
    if written < args.count:
        os.remove(partial)
        sys.exit(f"{args.corpus}: only {written} non-trivial sentences, {args.count} wanted")
    os.replace(partial, args.out)
    print(f"{written} sentences, {words} words, from the first {articles} articles -> {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
