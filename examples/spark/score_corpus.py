"""Score a JSON Lines corpus with tenor on Spark and merge the shards into tenor's speaker tables.

Each partition of the corpus is piped through `tenor score - --emit partials`, which reads JSON Lines
on standard input and writes partials (counts and exact sums per speaker and topic) on standard
output. The partials are saved as text, and `tenor merge` turns them into speakers.csv and
speaker_topics.csv: byte for byte what one `tenor score` over the whole corpus writes, because the
sums are exact and do not depend on how the articles were split or in what order they came.

Usage (local mode needs only `pip install pyspark` and Java 17):

    python examples/spark/score_corpus.py CORPUS.jsonl[.gz] OUT_DIR \
        [--tenor target/release/tenor] [--partitions 8] [--master local[2]]

OUT_DIR/partials/ holds the partials (one part file per partition); OUT_DIR/speakers.csv and
OUT_DIR/speaker_topics.csv the merged tables. Every article needs an `id` field: without one, tenor
names a record by its line number in its own input, which differs from shard to shard.
"""

import argparse
import os
import shlex
import subprocess
import sys

from pyspark.sql import SparkSession

HEADER_PREFIX = '{"record":"header"'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="JSON Lines file(s), optionally .gz; any path Spark reads")
    parser.add_argument("out", help="output folder (created; its partials/ must not exist)")
    parser.add_argument("--tenor", default="tenor",
                        help="the tenor binary as the executors see it (default: tenor on PATH)")
    parser.add_argument("--partitions", type=int, default=8,
                        help="number of shards (gzip input is read as one partition first)")
    parser.add_argument("--master", default=None,
                        help="Spark master, e.g. local[2]; default: as spark-submit sets it")
    parser.add_argument("--topics", default=None, help="a topics.toml for every shard")
    args = parser.parse_args()

    builder = SparkSession.builder.appName("tenor-score")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext

    command = [args.tenor, "score", "-", "--emit", "partials", "--threads", "1", "--quiet"]
    if args.topics:
        command += ["--topics", args.topics]

    articles = (
        sc.textFile(args.corpus)
        .filter(lambda line: line.strip() != "")
        .repartition(args.partitions)
    )
    # One tenor process per partition, one thread each: Spark runs as many tasks as there are cores.
    # tenor exits 3 when it skipped some records (they are reported on its standard error), which
    # is not a failure here; a shard that failed outright is caught below by its missing header.
    partials = articles.pipe(
        " ".join(shlex.quote(part) for part in command),
        env={"RAYON_NUM_THREADS": "1"},
        checkCode=False,
    ).cache()

    headers = partials.filter(lambda line: line.startswith(HEADER_PREFIX)).count()
    shards = partials.getNumPartitions()
    if headers != shards:
        print(f"score_corpus: {shards - headers} of {shards} shards wrote no partials; "
              "see the executors' standard error", file=sys.stderr)
        return 1

    partials_dir = os.path.join(args.out, "partials")
    partials.saveAsTextFile(partials_dir)
    spark.stop()

    # The merge is small (one line per speaker per shard): it runs on the driver.
    merge = subprocess.run([args.tenor, "merge", partials_dir, "--out", args.out])
    return merge.returncode


if __name__ == "__main__":
    sys.exit(main())
