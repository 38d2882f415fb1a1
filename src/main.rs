//! The `tenor` command line: a thin layer over the library. Each command is one function here; the work
//! is done by [`tenor::pipeline`], [`tenor::ingest`], [`tenor::aggregate`] and [`tenor::output`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use tenor::aggregate::Aggregates;
use tenor::ingest::{self, InputOptions, InputSource, Record, TextLayout};
use tenor::output::{OutputDir, RateWriter, TargetWriter};
use tenor::pipeline::{ArticleStatus, Engine, EngineBuilder};

/// Exit status when some input records were skipped (the rest were scored and written).
const EXIT_SKIPPED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "tenor",
    version,
    about = "Finds the quotes in news articles, works out who said them and what about, and scores their tone.",
    after_help = "Exit status: 0 all records scored; 3 some records skipped (see articles.csv); \
                  2 usage error; 1 fatal error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract, attribute and score the quotes of a batch of articles, writing quotes.csv, speakers.csv,
    /// speaker_topics.csv and articles.csv.
    #[command(after_help = "Examples:\n  \
        tenor score data --out out\n  \
        tenor score news.jsonl.gz --out out --threads 2\n  \
        cat articles.jsonl | tenor score - --out out\n  \
        tenor score data --out out --lexicon my_words.tsv --topics my_topics.toml --aliases names.csv")]
    Score(ScoreArgs),
    /// Score each record's whole text, with no quote extraction (tweets, headlines, single sentences).
    #[command(after_help = "Examples:\n  \
        tenor rate sentences.txt --out ratings.csv   (one text per line)\n  \
        tenor rate tweets.jsonl --out ratings.csv\n  \
        tenor rate sentences.jsonl --out ratings.csv --targets-out targets.csv")]
    Rate(RateArgs),
    /// Compare speakers' tone: differences with bootstrap intervals, effect sizes and permutation tests.
    #[command(after_help = "Examples:\n  \
        tenor compare out --speaker Lavrov --speaker Johnson\n  \
        tenor compare out --speaker Lavrov --speaker Johnson --topic ukraine --out lavrov_johnson.csv\n  \
        tenor compare data --speaker Volkonov --speaker Ashcombe   (scores the inputs first)")]
    Compare(CompareArgs),
    /// Compare tenor with human annotations: ratings of texts, polarity toward targets, or gold quotes.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Show how a text is scored: each token's contribution and every rule that fired.
    #[command(after_help = "Example:\n  tenor explain \"Our relations are at a low point.\"")]
    Explain {
        /// The text to explain.
        text: String,
        #[arg(long = "lexicon", value_name = "PATH")]
        lexicons: Vec<PathBuf>,
    },
}

#[derive(Args)]
struct CompareArgs {
    /// A `tenor score` output folder, or inputs to score first (as for `tenor score`).
    #[arg(required = true, value_name = "DIR_OR_INPUT")]
    inputs: Vec<String>,
    /// A speaker to compare (repeat; at least two). Matched ignoring case and accents, or by surname.
    #[arg(long = "speaker", value_name = "NAME", required = true)]
    speakers: Vec<String>,
    /// Compare only quotes on this topic.
    #[arg(long)]
    topic: Option<String>,
    /// Also compare within each topic the speakers share.
    #[arg(long)]
    per_topic: bool,
    /// Bootstrap resamples for the intervals.
    #[arg(long, default_value_t = 2000)]
    ci_resamples: usize,
    /// Seed for resampling and permutations; the same seed gives the same table.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the comparison as CSV.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the cosine similarity of the speakers' tone profiles as CSV.
    #[arg(long, value_name = "FILE")]
    similarity: Option<PathBuf>,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Texts with a human mean rating: `id<TAB>rating<TAB>text` (VADER's layout), or CSV/JSONL with `text`
    /// and `rating`. Reports Pearson and Spearman r, 3-class accuracy, macro and weighted F1.
    #[command(
        after_help = "Example:\n  tenor eval ratings tweets_GroundTruth.txt --csv tweets_eval.csv"
    )]
    Ratings {
        file: PathBuf,
        /// Neutral band of tenor's sentiment (-1..1).
        #[arg(long, default_value_t = 0.05)]
        threshold: f64,
        /// Neutral band of the human rating.
        #[arg(long, default_value_t = 0.05)]
        human_threshold: f64,
        #[command(flatten)]
        common: EvalArgs,
    },
    /// NewsMTSC-style JSONL: sentences with targets (from, to, polarity 2/4/6). Reports accuracy and macro
    /// F1 of the polarity toward each target.
    #[command(after_help = "Example:\n  tenor eval targets newsmtsc_train.jsonl")]
    Targets {
        file: PathBuf,
        #[arg(long, default_value_t = 0.05)]
        threshold: f64,
        #[command(flatten)]
        common: EvalArgs,
    },
    /// Gold quotes: PolNeAR-style JSONL (text, attributions with source, cue and content spans) or simple
    /// JSONL (text, quotes with start, end, speaker). Reports precision, recall and F1 at overlap 0.3 and
    /// 0.8, direct and indirect, and speaker accuracy.
    #[command(after_help = "Example:\n  tenor eval quotes polnear_dev.jsonl --speech-cues")]
    Quotes {
        file: PathBuf,
        /// Count only gold attributions whose cue is a speech cue (said, told, according to, ...).
        #[arg(long)]
        speech_cues: bool,
        /// Print up to this many misses and wrong speakers, for error analysis.
        #[arg(long, default_value_t = 0)]
        show_misses: usize,
        #[command(flatten)]
        common: EvalArgs,
    },
}

#[derive(Args)]
struct EvalArgs {
    /// Also write the figures as CSV.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    #[arg(long = "lexicon", value_name = "PATH")]
    lexicons: Vec<PathBuf>,
}

#[derive(Args)]
struct InputArgs {
    /// Files (.txt, .md, .jsonl, .ndjson, .csv, optionally .gz), directories (walked recursively in
    /// sorted order, hidden files skipped) or `-` for JSON Lines on standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Add or override lexicon entries from a file (repeatable): tenor's own TSV formats, VADER's
    /// `token<TAB>mean<TAB>sd<TAB>ratings`, AFINN's `word<TAB>score`, or plain `term<TAB>weight`.
    #[arg(long = "lexicon", value_name = "PATH")]
    lexicons: Vec<PathBuf>,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS). Output is identical for any value.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Skip articles larger than this many bytes, with a reason in articles.csv.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    max_article_bytes: usize,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct ScoreArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output directory, created if missing.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the default topics with this topics.toml.
    #[arg(long, value_name = "FILE")]
    topics: Option<PathBuf>,
    /// CSV of `alias,canonical` names to merge speakers that rules cannot join.
    #[arg(long, value_name = "FILE")]
    aliases: Option<PathBuf>,
    /// Fail (status 1, nothing written) if any record is skipped.
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
struct RateArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output CSV file.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    /// Also write sentiment and stance toward each target of a JSON Lines record's `targets` list
    /// (`{"from": N, "to": M}` in code points, or `{"text": "..."}`), one row per target.
    #[arg(long, value_name = "FILE.csv")]
    targets_out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score(args) => score(args),
        Command::Rate(args) => rate(args),
        Command::Explain { text, lexicons } => explain(&text, lexicons),
        Command::Eval(command) => eval(command),
        Command::Compare(args) => compare(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("tenor: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Counts of what happened to the input, reported on standard error.
#[derive(Default)]
struct Summary {
    read: u64,
    scored: u64,
    skipped: u64,
    quotes: u64,
}

impl Summary {
    fn add(&mut self, status: &ArticleStatus, quotes: usize) {
        self.read += 1;
        match status {
            ArticleStatus::Ok => self.scored += 1,
            ArticleStatus::Skipped { .. } => self.skipped += 1,
        }
        self.quotes += quotes as u64;
    }

    fn report(&self) -> ExitCode {
        eprintln!(
            "tenor: read {}, scored {}, skipped {}; {} quotes",
            self.read, self.scored, self.skipped, self.quotes
        );
        if self.skipped > 0 {
            ExitCode::from(EXIT_SKIPPED)
        } else {
            ExitCode::SUCCESS
        }
    }
}

fn records(input: &InputArgs, layout: TextLayout) -> impl Iterator<Item = Record> + Send + use<> {
    let sources = input
        .inputs
        .iter()
        .map(|a| InputSource::from_arg(a))
        .collect();
    ingest::read(
        sources,
        InputOptions {
            text_layout: layout,
            max_article_bytes: input.max_article_bytes,
        },
    )
}

fn progress(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} articles, {per_sec} [{elapsed}] {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    Some(bar)
}

fn build_engine(
    lexicons: &[PathBuf],
    topics: Option<&PathBuf>,
    aliases: Option<&PathBuf>,
) -> Result<Engine> {
    let mut builder = EngineBuilder::default();
    for path in lexicons {
        builder.lexicon(path);
    }
    if let Some(path) = topics {
        builder.topics(path);
    }
    if let Some(path) = aliases {
        builder.aliases(path);
    }
    builder.build().context("loading lexicons")
}

fn score(args: ScoreArgs) -> Result<ExitCode> {
    let engine = build_engine(
        &args.input.lexicons,
        args.topics.as_ref(),
        args.aliases.as_ref(),
    )?;
    let topic_names = engine.topics().names().to_vec();
    let mut out = OutputDir::create(&args.out)?;
    let mut aggregates = Aggregates::new();
    let mut summary = Summary::default();
    let bar = progress(args.input.quiet);
    engine.run(
        records(&args.input, TextLayout::WholeFile),
        args.input.threads,
        |article| {
            summary.add(&article.status, article.quotes.len());
            if args.strict
                && let ArticleStatus::Skipped { reason } = &article.status
            {
                return Err(tenor::Error::Usage(format!(
                    "--strict: skipped {}: {reason}",
                    article.id
                )));
            }
            for warning in &article.warnings {
                eprintln!("tenor: warning: {}: {warning}", article.id);
            }
            aggregates.add_article(&article);
            out.write_article(&article, &topic_names)?;
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            Ok(())
        },
    )?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    out.finish(&aggregates, &topic_names)?;
    Ok(summary.report())
}

fn rate(args: RateArgs) -> Result<ExitCode> {
    let engine = build_engine(&args.input.lexicons, None, None)?;
    let scorer = engine.scorer();
    let mut writer = RateWriter::create(&args.out)?;
    let mut target_writer = args
        .targets_out
        .as_ref()
        .map(TargetWriter::create)
        .transpose()?;
    let mut summary = Summary::default();
    let mut pending = Vec::new();
    let mut flush =
        |pending: &mut Vec<Record>, writer: &mut RateWriter, summary: &mut Summary| -> Result<()> {
            use rayon::prelude::*;
            let with_targets = target_writer.is_some();
            let results: Vec<_> = pending
                .par_drain(..)
                .map(|r| match r {
                    Record::Article(a) => {
                        let targets = if with_targets && !a.targets.is_empty() {
                            let mut scratch = tenor::scoring::ScratchSpace::default();
                            engine.score_targets(&a.text, &a.targets, &mut scratch)
                        } else {
                            Vec::new()
                        };
                        Ok((a.id, scorer.score(&a.text), targets))
                    }
                    Record::Skipped(s) => Err(s),
                })
                .collect();
            for result in results {
                match result {
                    Ok((id, scored, targets)) => {
                        summary.add(&ArticleStatus::Ok, 0);
                        writer.write(&id, &scored)?;
                        if let Some(target_writer) = &mut target_writer {
                            target_writer.write(&id, &targets)?;
                        }
                    }
                    Err(skipped) => {
                        eprintln!("tenor: skipped {}: {}", skipped.id, skipped.reason);
                        summary.add(
                            &ArticleStatus::Skipped {
                                reason: skipped.reason,
                            },
                            0,
                        );
                    }
                }
            }
            Ok(())
        };
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.input.threads {
            b = b.num_threads(n);
        }
        b.build().context("starting threads")?
    };
    pool.install(|| -> Result<()> {
        for record in records(&args.input, TextLayout::LinePerRecord) {
            pending.push(record);
            if pending.len() == 4096 {
                flush(&mut pending, &mut writer, &mut summary)?;
            }
        }
        flush(&mut pending, &mut writer, &mut summary)
    })?;
    writer.finish()?;
    if let Some(target_writer) = target_writer {
        target_writer.finish()?;
    }
    Ok(summary.report())
}

fn explain(text: &str, lexicons: Vec<PathBuf>) -> Result<ExitCode> {
    let engine = build_engine(&lexicons, None, None)?;
    print!("{}", engine.scorer().explain(text));
    Ok(ExitCode::SUCCESS)
}

fn compare(args: CompareArgs) -> Result<ExitCode> {
    use tenor::compare::{CompareOptions, QuoteTable, compare, similarity};
    let folder = PathBuf::from(&args.inputs[0]);
    let mut _scratch: Option<ScratchDir> = None;
    let table_path = if args.inputs.len() == 1 && folder.join("quotes.csv").is_file() {
        folder
    } else {
        // Score the inputs into a scratch folder first; it is removed when done.
        let scratch = std::env::temp_dir().join(format!("tenor-compare-{}", std::process::id()));
        let engine = build_engine(&[], None, None)?;
        let topic_names = engine.topics().names().to_vec();
        let mut out = OutputDir::create(&scratch)?;
        let mut aggregates = Aggregates::new();
        let sources = args
            .inputs
            .iter()
            .map(|a| InputSource::from_arg(a))
            .collect();
        engine.run(
            ingest::read(sources, InputOptions::default()),
            None,
            |article| {
                aggregates.add_article(&article);
                out.write_article(&article, &topic_names)
            },
        )?;
        out.finish(&aggregates, &topic_names)?;
        _scratch = Some(ScratchDir(scratch.clone()));
        scratch
    };
    let table = QuoteTable::from_path(&table_path)?;
    let options = CompareOptions {
        per_topic: args.per_topic,
        resamples: args.ci_resamples,
        seed: args.seed,
        ..CompareOptions::default()
    };
    let comparison = compare(&table.rows, &args.speakers, args.topic.as_deref(), &options)?;
    print!("{comparison}");
    if let Some(path) = &args.out {
        comparison.save_csv(path)?;
    }
    if let Some(path) = &args.similarity {
        let pairs = similarity(&table.rows, &args.speakers, options.min_quotes)?;
        let mut writer =
            csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
        writer.write_record(["speaker_a", "speaker_b", "cosine", "topics_shared"])?;
        for p in pairs {
            writer.write_record([
                p.speaker_a,
                p.speaker_b,
                p.cosine.map(|c| format!("{c:.4}")).unwrap_or_default(),
                p.topics_shared.to_string(),
            ])?;
        }
        writer
            .flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A scratch folder removed when dropped.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn eval(command: EvalCommand) -> Result<ExitCode> {
    use tenor::eval::{quotes, ratings};
    let mut rows: Vec<Vec<String>> = Vec::new();
    let f = |x: f64| format!("{x:.4}");
    match command {
        EvalCommand::Ratings {
            file,
            threshold,
            human_threshold,
            common,
        } => {
            let engine = build_engine(&common.lexicons, None, None)?;
            let items = ratings::read_ratings(&file)?;
            let r = ratings::evaluate_ratings(
                &items,
                |t| f64::from(engine.scorer().score(t).scores.sentiment),
                human_threshold,
                threshold,
            );
            println!("{}: n {}", file.display(), r.n);
            println!(
                "pearson {:.3}  spearman {:.3}  accuracy {:.3}  macro F1 {:.3}  weighted F1 {:.3}",
                r.pearson,
                r.spearman,
                r.classes.accuracy,
                r.classes.macro_f1,
                r.classes.weighted_f1
            );
            rows.push(vec![
                "file".into(),
                "n".into(),
                "pearson".into(),
                "spearman".into(),
                "accuracy".into(),
                "macro_f1".into(),
                "weighted_f1".into(),
            ]);
            rows.push(vec![
                file.display().to_string(),
                r.n.to_string(),
                f(r.pearson),
                f(r.spearman),
                f(r.classes.accuracy),
                f(r.classes.macro_f1),
                f(r.classes.weighted_f1),
            ]);
            write_eval_csv(common.csv.as_ref(), &rows)?;
        }
        EvalCommand::Targets {
            file,
            threshold,
            common,
        } => {
            let engine = build_engine(&common.lexicons, None, None)?;
            let items = ratings::read_targets(&file)?;
            let r = ratings::evaluate_targets(
                &items,
                |sentence, from, to| engine.target_sentiment(sentence, from, to),
                threshold,
            );
            println!("{}: {} targets", file.display(), r.n);
            println!(
                "accuracy {:.3}  macro F1 {:.3}  weighted F1 {:.3}",
                r.accuracy, r.macro_f1, r.weighted_f1
            );
            for (class, c) in tenor::eval::Polarity::ALL.iter().zip(&r.per_class) {
                println!(
                    "  {:8} precision {:.3} recall {:.3} F1 {:.3} support {}",
                    class.as_str(),
                    c.precision,
                    c.recall,
                    c.f1,
                    c.support
                );
            }
            rows.push(vec![
                "file".into(),
                "n".into(),
                "accuracy".into(),
                "macro_f1".into(),
                "weighted_f1".into(),
            ]);
            rows.push(vec![
                file.display().to_string(),
                r.n.to_string(),
                f(r.accuracy),
                f(r.macro_f1),
                f(r.weighted_f1),
            ]);
            write_eval_csv(common.csv.as_ref(), &rows)?;
        }
        EvalCommand::Quotes {
            file,
            speech_cues,
            show_misses,
            common,
        } => {
            let engine = build_engine(&common.lexicons, None, None)?;
            let gold = quotes::read_gold(&file)?;
            let extractor = engine.quote_extractor();
            let filter = |g: &quotes::GoldQuote| !speech_cues || quotes::is_speech_cue(&g.cue);
            let thresholds = [0.3, 0.8];
            let (reports, misses) = quotes::evaluate(extractor, &gold, &thresholds, &filter);
            println!(
                "{}: {} articles{}",
                file.display(),
                gold.len(),
                if speech_cues {
                    ", speech cues only"
                } else {
                    ""
                }
            );
            println!("overlap  slice     gold  pred  precision  recall     F1  speaker");
            rows.push(
                [
                    "overlap",
                    "slice",
                    "gold",
                    "predicted",
                    "precision",
                    "recall",
                    "f1",
                    "speaker_accuracy",
                ]
                .map(String::from)
                .to_vec(),
            );
            for (t, r) in thresholds.iter().zip(&reports) {
                for (name, s) in [
                    ("direct", r.direct),
                    ("indirect", r.indirect),
                    ("all", r.all),
                ] {
                    println!(
                        "{t:7}  {name:8} {:5} {:5}      {:.3}   {:.3}  {:.3}    {:.3}",
                        s.gold,
                        s.predicted,
                        s.precision(),
                        s.recall(),
                        s.f1(),
                        s.speaker_accuracy()
                    );
                    rows.push(vec![
                        t.to_string(),
                        name.into(),
                        s.gold.to_string(),
                        s.predicted.to_string(),
                        f(s.precision()),
                        f(s.recall()),
                        f(s.f1()),
                        f(s.speaker_accuracy()),
                    ]);
                }
            }
            for m in misses.iter().take(show_misses) {
                println!(
                    "{}\t{}\tgold speaker: {}\ttenor: {}",
                    m.article,
                    m.gold_text.replace('\n', " "),
                    m.gold_source,
                    m.predicted_speaker.as_deref().unwrap_or("(no quote)")
                );
            }
            write_eval_csv(common.csv.as_ref(), &rows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_eval_csv(path: Option<&PathBuf>, rows: &[Vec<String>]) -> Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let mut writer =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer
        .flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
