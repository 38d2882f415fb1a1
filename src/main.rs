//! The `tenor` command line: a thin layer over the library. Each command is one function here; the work
//! is done by [`tenor::pipeline`], [`tenor::ingest`], [`tenor::aggregate`] and [`tenor::output`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use tenor::aggregate::{self, Aggregates};
use tenor::groups::{GroupBy, GroupField, Groups};
use tenor::ingest::{
    self, Entry, InputOptions, InputSource, LineRun, Record, RunRecord, Skipped, TextLayout,
    Unparsed,
};
use tenor::interrupt::{Signal, Stop};
use tenor::output::{
    ArticleRenderer, OutputDir, QuoteStream, RateWriter, RenderedArticle, TableFormat,
    TargetWriter, join_evidence,
};
use tenor::pipeline::{
    self, AnalysedArticle, ArticleStatus, Engine, EngineBuilder, Shard, Workspace,
};
use tenor::resume::{self, JOURNAL, Journal, JournalLine};
use tenor::scoring::{Scored, ScratchSpace};

// Workers allocate each article's tokens, quotes and rows and the writer thread frees them: glibc's
// malloc pays for that hand-over in locks and cache traffic, mimalloc's per-thread free lists do not
// (measured in the commit that added it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status when some input records were skipped (the rest were scored and written).
const EXIT_SKIPPED: u8 = 3;
/// Exit status of a usage error, whether clap or the library found it.
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "tenor",
    version,
    about = "Finds the quotes in news articles, works out who said them and what about, and scores their tone.",
    after_help = "Exit status: 0 all records scored; 3 some records skipped (see articles.csv); \
                  2 usage error; 1 fatal error; 130 or 143 stopped by Ctrl-C or SIGTERM (no table \
                  written, earlier tables left as they were)."
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
        tenor score data --out out --lexicon my_words.tsv --topics my_topics.toml --aliases names.csv\n  \
        tenor score data --out out --format xlsx   (one workbook, out/tenor.xlsx)\n  \
        tenor score data --out out --excel --delimiter ';' --decimal-comma\n  \
        tenor score - --emit quotes --format jsonl < articles.jsonl > quotes.jsonl")]
    Score(ScoreArgs),
    /// Score each record's whole text, with no quote extraction (tweets, headlines, single sentences).
    #[command(after_help = "Examples:\n  \
        tenor rate sentences.txt --out ratings.csv   (one text per line)\n  \
        tenor rate tweets.jsonl --out ratings.csv\n  \
        tenor rate tweets.jsonl --out ratings.xlsx   (format from the extension)\n  \
        tenor rate sentences.jsonl --out ratings.csv --targets-out targets.csv")]
    Rate(RateArgs),
    /// Merge the partials of shards (`tenor score --emit partials`) into speakers.csv and
    /// speaker_topics.csv, exactly as one run over all the shards would have written them.
    #[command(after_help = "Examples:\n  \
        tenor score news.jsonl --shard 1/2 --emit partials > p1.jsonl\n  \
        tenor score news.jsonl --shard 2/2 --emit partials > p2.jsonl\n  \
        tenor merge p1.jsonl p2.jsonl --out out --ci-resamples 2000\n  \
        tenor merge spark_output_dir --out out   (every part file in the directory)")]
    Merge(MergeArgs),
    /// Compare speakers' tone: differences with bootstrap intervals, effect sizes and permutation tests.
    #[command(after_help = "Examples:\n  \
        tenor compare out --speaker Lavrov --speaker Johnson\n  \
        tenor compare out --speaker Lavrov --speaker Johnson --topic ukraine --out lavrov_johnson.csv\n  \
        tenor compare out --speaker Lavrov --speaker Johnson --out lavrov_johnson.xlsx --similarity\n  \
        tenor compare out --speaker Lavrov --speaker Johnson --out diff.csv --excel --delimiter ';' --decimal-comma\n  \
        tenor compare out --speaker Lavrov --speaker Johnson --by date --period month\n  \
        tenor compare data --speaker Volkonov --speaker Ashcombe   (scores the inputs first)")]
    Compare(CompareArgs),
    /// Write one self-contained HTML report (inline SVG charts, no network) from a `tenor score`
    /// output directory of CSV or TSV tables.
    #[command(
        after_help = "Example:\n  tenor score data --out out && tenor report out --out report.html"
    )]
    Report {
        /// The output directory of `tenor score`.
        dir: PathBuf,
        /// The HTML file to write.
        #[arg(long, value_name = "FILE.html")]
        out: PathBuf,
        /// Show this many speakers (and outlets), the most quoted first.
        #[arg(long, value_name = "N", default_value_t = 30)]
        top: usize,
        /// Page title.
        #[arg(long)]
        title: Option<String>,
    },
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
    /// A `tenor score` output folder written as csv, tsv or jsonl (not xlsx), or inputs to score
    /// first (as for `tenor score`).
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
    /// Compare within each value of this article field: source, date (see --period) or, when comparing
    /// from inputs, any JSONL key or CSV column. Adds a `group` column; Holm's adjustment (more than
    /// two speakers) is within each group.
    #[arg(long = "by", value_name = "FIELD")]
    by: Option<String>,
    /// How --by date groups ISO dates; unreadable dates go to the group `unknown`.
    #[arg(long, value_enum, default_value_t = PeriodName::Month, requires = "by")]
    period: PeriodName,
    /// Bootstrap resamples for the intervals.
    #[arg(long, default_value_t = 2000)]
    ci_resamples: usize,
    /// Seed for resampling and permutations; the same seed gives the same table.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the comparison to FILE; its extension (.csv, .tsv, .xlsx, .jsonl) chooses the format
    /// unless --format does. An xlsx workbook has a `compare` sheet and a README sheet.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the cosine similarity of the speakers' tone profiles to FILE (format as for --out).
    /// Without FILE, it is a `similarity` sheet of the --out workbook.
    #[arg(long, value_name = "FILE")]
    similarity: Option<Option<PathBuf>>,
    #[command(flatten)]
    format: FormatArgs,
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

#[derive(Clone, Copy, ValueEnum)]
enum FormatName {
    Csv,
    Tsv,
    Xlsx,
    Jsonl,
}

#[derive(Args)]
struct FormatArgs {
    /// Table format: csv, tsv, xlsx (one workbook with a sheet per table and a README sheet) or
    /// jsonl (one JSON object per row). Default: csv, or for `rate` and `compare` the extension of
    /// --out.
    #[arg(long, value_enum)]
    format: Option<FormatName>,
    /// Field delimiter of csv (e.g. ';' where spreadsheets use a decimal comma).
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<char>,
    /// csv/tsv for spreadsheets: UTF-8 byte order mark and CRLF line ends.
    #[arg(long)]
    excel: bool,
    /// Write scores with a decimal comma (needs --delimiter other than ',').
    #[arg(long)]
    decimal_comma: bool,
    /// No header row in csv/tsv (for appending streamed rows).
    #[arg(long)]
    no_header: bool,
}

impl FormatArgs {
    fn table_format(&self, default: TableFormat) -> Result<TableFormat> {
        let mut format = match self.format {
            Some(FormatName::Csv) => TableFormat::csv(),
            Some(FormatName::Tsv) => TableFormat::tsv(),
            Some(FormatName::Xlsx) => TableFormat::Xlsx,
            Some(FormatName::Jsonl) => TableFormat::Jsonl,
            None => default,
        };
        if let Some(delimiter) = self.delimiter {
            format = format.delimiter(delimiter)?;
        }
        if self.excel {
            format = format.excel()?;
        }
        if self.decimal_comma {
            format = format.decimal_comma()?;
        }
        if self.no_header {
            format = format.no_header()?;
        }
        Ok(format)
    }
}

/// Tables that `tenor score` can stream to standard output instead of writing a directory.
#[derive(Clone, Copy, ValueEnum)]
enum Emit {
    /// One row per quote, each with its article_id, written as each article is analysed.
    Quotes,
    /// Partials: per-speaker and per-topic counts and exact sums, written at the end, that
    /// `tenor merge` combines across shards into the speaker tables of one run.
    Partials,
}

#[derive(Args)]
struct ScoreArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output directory, created if missing.
    #[arg(long, value_name = "DIR", required_unless_present = "emit")]
    out: Option<PathBuf>,
    /// Stream this table to standard output as articles are analysed, instead of writing --out.
    #[arg(long, value_enum, conflicts_with = "out")]
    emit: Option<Emit>,
    #[command(flatten)]
    format: FormatArgs,
    /// Score only the articles whose id hashes to shard K of N (FNV-1a 64 of the id, modulo N, plus 1).
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Replace the default topics with this topics.toml.
    #[arg(long, value_name = "FILE")]
    topics: Option<PathBuf>,
    /// CSV of `alias,canonical` names to merge speakers that rules cannot join.
    #[arg(long, value_name = "FILE")]
    aliases: Option<PathBuf>,
    /// Fail (status 1, nothing written) if any record is skipped.
    #[arg(long)]
    strict: bool,
    /// Bootstrap resamples for the 95% intervals of speakers.csv and speaker_topics.csv
    /// (`<score>_ci_low`, `<score>_ci_high`); 0 leaves those columns empty and saves the memory of
    /// keeping every quote's scores (36 bytes per quote per speaker or speaker-topic row).
    #[arg(long, value_name = "N", default_value_t = tenor::aggregate::DEFAULT_RESAMPLES)]
    ci_resamples: usize,
    /// Also write a groups table (groups.csv, or as --format says: .tsv, .jsonl, a sheet of
    /// tenor.xlsx): speakers (and speaker x topic) within each value of this article field
    /// (repeatable): source, date (see --period) or any JSONL key or CSV column.
    #[arg(long = "by", value_name = "FIELD", conflicts_with = "emit")]
    by: Vec<String>,
    /// How --by date groups ISO dates; unreadable dates go to the group `unknown`.
    #[arg(long, value_enum, default_value_t = PeriodName::Month)]
    period: PeriodName,
    /// Keep a journal in the output directory so that an interrupted run can be resumed: run the same
    /// command again with --resume and it goes on after the last article written, producing the same
    /// tables as an uninterrupted run.
    #[arg(long, requires = "out", conflicts_with = "emit")]
    resume: bool,
    /// Extract and score quotes of articles in any language; by default an article that is not in
    /// English is listed (status ok, language column) but its quotes are left unscored.
    #[arg(long)]
    score_any_language: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum PeriodName {
    Day,
    Week,
    Month,
    Year,
}

impl From<PeriodName> for tenor::groups::Period {
    fn from(name: PeriodName) -> Self {
        use tenor::groups::Period;
        match name {
            PeriodName::Day => Period::Day,
            PeriodName::Week => Period::Week,
            PeriodName::Month => Period::Month,
            PeriodName::Year => Period::Year,
        }
    }
}

#[derive(Args)]
struct MergeArgs {
    /// Partials files, or directories whose files (except hidden ones and `_SUCCESS`-style markers)
    /// are all partials.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    /// Output directory, created if missing; speakers.csv and speaker_topics.csv are replaced.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Bootstrap resamples for the 95% intervals, as in `tenor score`; by default the number the
    /// first part was scored with. 0 leaves the `_ci_` columns empty. Parts scored with
    /// --ci-resamples 0 kept no quote scores, so their rows get no bootstrap interval.
    #[arg(long, value_name = "N")]
    ci_resamples: Option<usize>,
}

#[derive(Args)]
struct RateArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output file; its extension (.csv, .tsv, .xlsx, .jsonl) chooses the format unless --format does.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    #[command(flatten)]
    format: FormatArgs,
    /// Also write sentiment and stance toward each target of a JSON Lines record's `targets` list
    /// (`{"from": N, "to": M}` in code points, or `{"text": "..."}`), one row per target;
    /// its extension chooses the format as for --out.
    #[arg(long, value_name = "FILE")]
    targets_out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score(args) => score(args),
        Command::Rate(args) => rate(args),
        Command::Merge(args) => merge(args),
        Command::Explain { text, lexicons } => explain(&text, lexicons),
        Command::Report {
            dir,
            out,
            top,
            title,
        } => report(&dir, &out, top, title),
        Command::Eval(command) => eval(command),
        Command::Compare(args) => compare(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("tenor: {}", describe(&err));
            match err.downcast_ref::<tenor::Error>() {
                Some(tenor::Error::Usage(_)) => ExitCode::from(EXIT_USAGE),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// Counts of what happened to the input, reported on standard error.
#[derive(Default)]
struct Summary {
    read: u64,
    scored: u64,
    skipped: u64,
    not_english: u64,
    quotes: u64,
}

impl Summary {
    fn add(&mut self, status: &ArticleStatus, quotes: usize) {
        self.read += 1;
        match status {
            ArticleStatus::Ok => self.scored += 1,
            ArticleStatus::NotEnglish => self.not_english += 1,
            ArticleStatus::Skipped { .. } => self.skipped += 1,
        }
        self.quotes += quotes as u64;
    }

    fn report(&self) -> ExitCode {
        let not_english = if self.not_english > 0 {
            format!(", not English (left unscored) {}", self.not_english)
        } else {
            String::new()
        };
        eprintln!(
            "tenor: read {}, scored {}{not_english}, skipped {}; {} quotes",
            self.read, self.scored, self.skipped, self.quotes
        );
        if self.skipped > 0 {
            ExitCode::from(EXIT_SKIPPED)
        } else {
            ExitCode::SUCCESS
        }
    }
}

fn records(input: &InputArgs, layout: TextLayout) -> ingest::Records {
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
    engine_builder(lexicons, topics, aliases)
        .build()
        .context("loading lexicons")
}

fn engine_builder(
    lexicons: &[PathBuf],
    topics: Option<&PathBuf>,
    aliases: Option<&PathBuf>,
) -> EngineBuilder {
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
    builder
}

fn score(args: ScoreArgs) -> Result<ExitCode> {
    // First, so that a signal during the slow start is not lost either.
    let stop = Stop::on_signals()?;
    let stop_after = test_stop_after()?;
    let mut builder = engine_builder(
        &args.input.lexicons,
        args.topics.as_ref(),
        args.aliases.as_ref(),
    );
    builder.score_any_language(args.score_any_language);
    let engine = builder.build().context("loading lexicons")?;
    let topic_names = engine.topics().names().to_vec();
    let format = args.format.table_format(TableFormat::csv())?;
    let mut out = match (&args.emit, &args.out) {
        (Some(Emit::Quotes), _) => Output::Stream(Box::new(QuoteStream::new(
            std::io::stdout().lock(),
            "<stdout>",
            format,
        )?)),
        (Some(Emit::Partials), _) => Output::Partials,
        (None, Some(dir)) => Output::Dir(Box::new(OutputDir::create_with(dir, format)?)),
        (None, None) => anyhow::bail!("give --out DIR, --emit quotes or --emit partials"),
    };
    let mut aggregates = Aggregates::with_resamples(args.ci_resamples);
    let mut groups = (!args.by.is_empty()).then(|| {
        let fields = args.by.iter().map(|f| GroupField::parse(f)).collect();
        Groups::with_resamples(GroupBy::new(fields, args.period.into()), args.ci_resamples)
    });
    let mut summary = Summary::default();
    // Workers render the rows (each its own copy of the renderer) so that this thread only appends
    // bytes; none for xlsx and partials, which are written from the article here.
    let renderer = match &out {
        Output::Dir(dir) => dir.renderer(),
        Output::Stream(stream) => Some(stream.renderer()),
        Output::Partials => None,
    };
    let aggregated = !matches!(out, Output::Stream(_));
    // The writing thread needs the article itself only for what it makes from it there.
    let keep_article = groups.is_some() || (renderer.is_none() && matches!(out, Output::Dir(_)));
    // Everything an article goes to on this thread, whether analysed now or replayed from a resumed
    // run's journal (with no rows rendered: those are written from the article).
    let mut sink = |outcome: &Outcome,
                    article: Option<&AnalysedArticle>,
                    rendered: Option<tenor::Result<RenderedArticle>>,
                    out: &mut Output<std::io::StdoutLock<'static>>,
                    groups: &mut Option<Groups>|
     -> tenor::Result<()> {
        summary.add(&outcome.status, outcome.quotes);
        if args.strict
            && let ArticleStatus::Skipped { reason } = &outcome.status
        {
            return Err(tenor::Error::Strict {
                id: outcome.id.clone(),
                reason: reason.clone(),
            });
        }
        match out {
            Output::Dir(dir) => {
                if let (Some(groups), Some(article)) = (groups.as_mut(), article) {
                    groups.add_article(article, &topic_names);
                }
                match (rendered, article) {
                    (Some(rendered), _) => dir.write_rendered(&rendered?),
                    (None, Some(article)) => dir.write_article(article, &topic_names),
                    (None, None) => Err(tenor::Error::Usage(
                        "an article reached the output with neither its rows nor itself".into(),
                    )),
                }
            }
            Output::Stream(stream) => {
                // No articles table on a stream: say what was skipped here.
                if let ArticleStatus::Skipped { reason } = &outcome.status {
                    eprintln!("tenor: skipped {}: {reason}", outcome.id);
                }
                match (rendered, article) {
                    (Some(rendered), _) => stream.write_rendered(&rendered?),
                    (None, Some(article)) => stream.write_article(article, &topic_names),
                    (None, None) => Err(tenor::Error::Usage(
                        "a quote stream got an article with neither its rows nor itself".into(),
                    )),
                }
            }
            Output::Partials => {
                if let ArticleStatus::Skipped { reason } = &outcome.status {
                    eprintln!("tenor: skipped {}: {reason}", outcome.id);
                }
                Ok(())
            }
        }
    };
    let (mut journal, done) = match (&args.out, args.resume) {
        (Some(dir), true) => {
            let opened = Journal::open(dir, &fingerprint(&args), |article| {
                if aggregated {
                    aggregates.add_article(&article);
                }
                sink(
                    &Outcome::of(&article),
                    Some(&article),
                    None,
                    &mut out,
                    &mut groups,
                )
            })?;
            if let Some(why) = &opened.set_aside {
                eprintln!("tenor: warning: not resuming from {JOURNAL}: {why}; starting afresh");
            } else if opened.done > 0 {
                eprintln!("tenor: resuming after {} records", opened.done);
            }
            (Some(opened.journal), opened.done)
        }
        _ => (None, 0),
    };
    let bar = progress(args.input.quiet);
    let mut analysed_here = 0u64;
    let shard = args.shard;
    let threads = pipeline::thread_count(args.input.threads);
    // The intervals at the end run on rayon's pool, which would otherwise take every core: `--threads`
    // is the number of cores a run uses. Only the first call in a process sets the pool.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let journalled = journal.is_some();
    let records = records(&args.input, TextLayout::WholeFile);
    // JSON Lines are parsed on the workers, which also leave out other shards' articles. Records
    // to pass over for a resume are counted here, in the shard, so those are parsed here.
    let entries: Box<dyn Iterator<Item = Unparsed> + Send> = if done == 0 {
        Box::new(records.unparsed())
    } else {
        Box::new(
            records
                .filter(move |r| shard.is_none_or(|s| s.contains(pipeline::record_id(r))))
                .skip(usize::try_from(done)?)
                .map(Unparsed::Ready),
        )
    };
    let run = pipeline::map_ordered_detached(
        entries,
        threads,
        &stop,
        unparsed_bytes,
        || ScoreWorker {
            workspace: Workspace::default(),
            renderer: renderer.clone(),
            // Each worker spills at its share of the budget, so that all of them hold no more
            // than one would.
            aggregates: aggregated.then(|| {
                Aggregates::with_resamples(args.ci_resamples)
                    .spill_above(aggregate::DEFAULT_SPILL_BYTES / threads.max(1))
            }),
        },
        |worker, entry| {
            let record = entry.parse();
            if shard.is_some_and(|s| !s.contains(pipeline::record_id(&record))) {
                return None;
            }
            let article = engine.analyse_record_with(record, &mut worker.workspace);
            let rendered = worker
                .renderer
                .as_mut()
                .map(|renderer| renderer.render(&article, &topic_names));
            if let Some(aggregates) = &mut worker.aggregates {
                aggregates.add_article(&article);
            }
            Some(Box::new(Analysed {
                outcome: Outcome::of(&article),
                rendered,
                journal: journalled.then(|| resume::journal_line(&article)),
                // Otherwise freed here, on the worker.
                article: keep_article.then_some(article),
            }))
        },
        |analysed| {
            let Some(analysed) = analysed else {
                return Ok(());
            };
            let Analysed {
                outcome,
                rendered,
                journal: line,
                article,
            } = *analysed;
            for warning in &outcome.warnings {
                eprintln!("tenor: warning: {}: {warning}", outcome.id);
            }
            sink(&outcome, article.as_ref(), rendered, &mut out, &mut groups)?;
            if let (Some(journal), Some(line)) = (&mut journal, &line) {
                journal.record_line(line)?;
            }
            analysed_here += 1;
            if stop_after == Some(analysed_here) {
                stop.request(Signal::Interrupt);
            }
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            Ok(())
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let run = run.map(|workers| {
        // Each worker's statistics, and those replayed from a journal, add up exactly to what one
        // pass would give, in any order.
        let mut parts = Vec::with_capacity(workers.len() + 1);
        for worker in workers {
            parts.extend(worker.aggregates);
            // Freeing a worker's buffers, block by block, would be serial work at the end of the
            // run; the process exits soon and the OS takes them back at once.
            exit_without_freeing((worker.workspace, worker.renderer));
        }
        parts.push(std::mem::take(&mut aggregates));
        aggregates = Aggregates::merge_parts(parts, aggregate::DEFAULT_SPILL_BYTES);
    });
    if let Err(error) = run {
        // The journal keeps what was done for --resume; the tables' temporary files go with `out`.
        if let Some(journal) = &mut journal {
            journal.flush()?;
        }
        if let tenor::Error::Interrupted(signal) = error {
            drop(out);
            summary.report();
            let resume = if journal.is_some() {
                "; run the same command again to resume"
            } else {
                ""
            };
            eprintln!(
                "tenor: interrupted by {}: no table written, earlier tables left as they were{resume}",
                signal.name()
            );
            return Ok(ExitCode::from(signal.exit_status()));
        }
        return Err(error.into());
    }
    match out {
        Output::Dir(dir) => match &groups {
            Some(groups) => dir.finish_with_groups(&aggregates, &topic_names, groups)?,
            None => dir.finish(&aggregates, &topic_names)?,
        },
        Output::Stream(stream) => {
            drop(stream.finish()?);
        }
        Output::Partials => {
            let stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            aggregates.write_partials(&topic_names, stdout, "<stdout>".as_ref())?;
        }
    }
    if let Some(journal) = journal {
        journal.finish()?;
    }
    exit_without_freeing((engine, aggregates, groups));
    Ok(summary.report())
}

/// What makes a run's output: inputs and every option but the thread count. A journal is resumed only
/// by a run with the same fingerprint.
fn fingerprint(args: &ScoreArgs) -> String {
    format!(
        "tenor {} score {:?} lexicons {:?} topics {:?} aliases {:?} max-article-bytes {} strict {} \
         score-any-language {} format {:?} {:?} {} {} {} ci-resamples {} by {:?} period {:?} \
         shard {:?}",
        env!("CARGO_PKG_VERSION"),
        args.input.inputs,
        args.input.lexicons,
        args.topics,
        args.aliases,
        args.input.max_article_bytes,
        args.strict,
        args.score_any_language,
        args.format.format.map(|f| f as u8),
        args.format.delimiter,
        args.format.excel,
        args.format.decimal_comma,
        args.format.no_header,
        args.ci_resamples,
        args.by,
        args.period as u8,
        args.shard.map(|s| s.to_string()),
    )
}

/// For tests of interrupted runs: `TENOR_TEST_STOP_AFTER=N` stops the run as Ctrl-C would once N
/// articles are written.
fn test_stop_after() -> Result<Option<u64>> {
    match std::env::var("TENOR_TEST_STOP_AFTER") {
        Ok(n) => Ok(Some(n.parse().context("TENOR_TEST_STOP_AFTER")?)),
        Err(_) => Ok(None),
    }
}

/// What a `tenor score` worker keeps from article to article.
struct ScoreWorker {
    workspace: Workspace,
    renderer: Option<ArticleRenderer>,
    /// The statistics of the articles this worker analysed, merged with the others' at the end;
    /// `None` when the output has no speaker tables.
    aggregates: Option<Aggregates>,
}

/// What a worker hands the writing thread for an article; `None` in its place for a record of
/// another shard.
struct Analysed {
    outcome: Outcome,
    rendered: Option<tenor::Result<RenderedArticle>>,
    journal: Option<JournalLine>,
    /// Only when the writing thread makes something from the article itself (xlsx rows, groups).
    article: Option<AnalysedArticle>,
}

/// What the writing thread reports of every article, kept apart so that the article itself can be
/// freed on the worker.
struct Outcome {
    id: String,
    status: ArticleStatus,
    quotes: usize,
    warnings: Vec<String>,
}

impl Outcome {
    fn of(article: &AnalysedArticle) -> Outcome {
        Outcome {
            id: article.id.clone(),
            status: article.status.clone(),
            quotes: article.quotes.len(),
            warnings: article.warnings.clone(),
        }
    }
}

/// How much work an entry stands for when entries are batched: about its text's length.
fn unparsed_bytes(entry: &Unparsed) -> usize {
    match entry {
        Unparsed::Ready(record) => pipeline::record_bytes(record),
        Unparsed::Json(line) => line.len(),
    }
}

/// Where `tenor score` writes.
enum Output<W: std::io::Write> {
    // Boxed, as both hold buffered tables and the stream its rows' renderer.
    Dir(Box<OutputDir>),
    Stream(Box<QuoteStream<W>>),
    /// Only the aggregates, written as partials at the end.
    Partials,
}

fn report(
    dir: &std::path::Path,
    out: &std::path::Path,
    top: usize,
    title: Option<String>,
) -> Result<ExitCode> {
    let options = tenor::report::ReportOptions {
        top,
        title,
        ..Default::default()
    };
    tenor::report::write_report(dir, out, &options)?;
    eprintln!("tenor: wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn rate(args: RateArgs) -> Result<ExitCode> {
    let stop = Stop::on_signals()?;
    // Only the scorer: rating needs no quote or topic tables, and building them would double start-up.
    let mut builder = EngineBuilder::default();
    for path in &args.input.lexicons {
        builder.lexicon(path);
    }
    let scorer = builder.build_scorer().context("loading lexicons")?;
    let format = args.format.table_format(TableFormat::for_path(&args.out))?;
    let mut writer = RateWriter::create_with(&args.out, format)?;
    let mut target_writer = match &args.targets_out {
        Some(path) => Some(TargetWriter::create_with(
            path,
            args.format.table_format(TableFormat::for_path(path))?,
        )?),
        None => None,
    };
    let with_targets = target_writer.is_some();
    // Workers render the rows (each its own copy) so that this thread only appends bytes; none for
    // xlsx, whose rows are written here from the scores.
    let renderer = writer.renderer();
    let mut summary = Summary::default();
    // Lines of text files come in runs, rated and rendered a run at a time: no allocation, hand-over
    // or write a line.
    let rated = pipeline::map_ordered(
        records(&args.input, TextLayout::LinePerRecord).runs(),
        pipeline::thread_count(args.input.threads),
        &stop,
        entry_bytes,
        || (RateSpace::default(), renderer.clone()),
        |(space, renderer), entry| match entry {
            Entry::Record(record) => Rated::Record(rate_record(
                &scorer,
                space,
                renderer.as_mut(),
                with_targets,
                record,
            )),
            Entry::Lines(run) => Rated::Run(rate_run(&scorer, space, renderer.as_mut(), &run)),
        },
        |rated| match rated {
            Rated::Record(Ok((id, row, targets))) => {
                summary.add(&ArticleStatus::Ok, 0);
                match row {
                    Row::Rendered(rendered) => writer.write_rendered(&rendered?)?,
                    Row::Scores(scores, evidence) => {
                        writer.write_joined(&id, &scores, &evidence)?
                    }
                }
                match &mut target_writer {
                    Some(target_writer) => target_writer.write(&id, &targets),
                    None => Ok(()),
                }
            }
            Rated::Record(Err(skipped)) => {
                report_skipped(&mut summary, skipped);
                Ok(())
            }
            Rated::Run(run) => {
                for skipped in run.skipped {
                    report_skipped(&mut summary, skipped);
                }
                for _ in 0..run.scored {
                    summary.add(&ArticleStatus::Ok, 0);
                }
                // Lines of text have no targets: they add no rows to the targets table.
                match run.rows {
                    RunRows::Rendered(rendered) => writer.write_rendered(&rendered?),
                    RunRows::Scores(rows) => rows.iter().try_for_each(|(id, scores, evidence)| {
                        writer.write_joined(id, scores, evidence)
                    }),
                }
            }
        },
    );
    if let Err(error) = rated {
        if let tenor::Error::Interrupted(signal) = error {
            // The tables' temporary files go with the writers.
            drop(writer);
            drop(target_writer);
            eprintln!(
                "tenor: interrupted by {}: no table written, an earlier one left as it was",
                signal.name()
            );
            return Ok(ExitCode::from(signal.exit_status()));
        }
        return Err(error.into());
    }
    writer.finish()?;
    if let Some(targets) = target_writer {
        targets.finish()?;
    }
    exit_without_freeing(scorer);
    Ok(summary.report())
}

/// A worker's buffers for `tenor rate`, reused from text to text: the scorer's, the scored
/// evidence, the evidence joined for xlsx, a line's id.
#[derive(Default)]
struct RateSpace {
    scratch: ScratchSpace,
    scored: Scored,
    joined: String,
    id: String,
}

/// What a worker of `tenor rate` hands the writing thread for an entry.
enum Rated {
    Record(std::result::Result<(String, Row, Vec<tenor::pipeline::TargetScore>), Skipped>),
    Run(RatedRun),
}

/// A run of lines, rated.
struct RatedRun {
    rows: RunRows,
    /// The lines that could not be rated, in order.
    skipped: Vec<Skipped>,
    /// How many lines were rated.
    scored: usize,
}

/// The rows of a run of lines.
enum RunRows {
    /// Rendered on the worker, to be appended as they are.
    Rendered(tenor::Result<tenor::output::RenderedRow>),
    /// Each line's id, scores and joined evidence, for a table that takes cells (xlsx).
    Scores(Vec<(String, tenor::scoring::Scores, String)>),
}

/// How much work an entry stands for when entries are grouped into batches: its text's length.
fn entry_bytes(entry: &Entry) -> usize {
    match entry {
        Entry::Record(record) => pipeline::record_bytes(record),
        Entry::Lines(run) => run.len(),
    }
}

/// Rates one record: its row, and its targets' when the targets table is asked for.
fn rate_record(
    scorer: &tenor::scoring::Scorer,
    space: &mut RateSpace,
    renderer: Option<&mut tenor::output::RateRenderer>,
    with_targets: bool,
    record: Record,
) -> std::result::Result<(String, Row, Vec<tenor::pipeline::TargetScore>), Skipped> {
    let article = match record {
        Record::Article(article) => article,
        Record::Skipped(skipped) => return Err(skipped),
    };
    scorer.score_into(&article.text, &mut space.scratch, &mut space.scored);
    let targets = if with_targets && !article.targets.is_empty() {
        pipeline::score_targets(scorer, &article.text, &article.targets, &mut space.scratch)
    } else {
        Vec::new()
    };
    let row = match renderer {
        Some(renderer) => {
            let mut rows = renderer.rows();
            let rendered = renderer.render_onto(&article.id, &space.scored, &mut rows);
            Row::Rendered(rendered.map(|()| rows))
        }
        None => {
            join_evidence(&space.scored.evidence, &mut space.joined);
            Row::Scores(space.scored.scores, space.joined.clone())
        }
    };
    Ok((article.id, row, targets))
}

/// Rates the lines of a run, rendering their rows onto one buffer. Rendering stops at the first
/// error, which the writing thread reports.
fn rate_run(
    scorer: &tenor::scoring::Scorer,
    space: &mut RateSpace,
    renderer: Option<&mut tenor::output::RateRenderer>,
    run: &LineRun,
) -> RatedRun {
    let mut rated = RatedRun {
        rows: match &renderer {
            Some(renderer) => {
                let mut rows = renderer.rows();
                // About as many bytes out as in.
                rows.reserve(run.len());
                RunRows::Rendered(Ok(rows))
            }
            None => RunRows::Scores(Vec::new()),
        },
        skipped: Vec::new(),
        scored: 0,
    };
    let mut renderer = renderer;
    for record in run.records() {
        let (number, text) = match record {
            RunRecord::Text { number, text, .. } => (number, text),
            RunRecord::Skipped(skipped) => {
                rated.skipped.push(skipped);
                continue;
            }
        };
        scorer.score_into(&text, &mut space.scratch, &mut space.scored);
        run.id_into(number, &mut space.id);
        rated.scored += 1;
        match (&mut rated.rows, renderer.as_deref_mut()) {
            (RunRows::Rendered(Ok(rows)), Some(renderer)) => {
                if let Err(error) = renderer.render_onto(&space.id, &space.scored, rows) {
                    rated.rows = RunRows::Rendered(Err(error));
                }
            }
            (RunRows::Scores(rows), _) => {
                join_evidence(&space.scored.evidence, &mut space.joined);
                rows.push((space.id.clone(), space.scored.scores, space.joined.clone()));
            }
            // A row failed to render: the run fails with it.
            (RunRows::Rendered(_), _) => {}
        }
    }
    rated
}

/// Reports a record that could not be rated, on standard error and in the summary.
fn report_skipped(summary: &mut Summary, skipped: Skipped) {
    eprintln!("tenor: skipped {}: {}", skipped.id, skipped.reason);
    summary.add(
        &ArticleStatus::Skipped {
            reason: skipped.reason,
        },
        0,
    );
}

/// A rated record's row of the `tenor rate` table, as a worker hands it to the writing thread.
enum Row {
    /// Rendered on the worker, to be appended as it is.
    Rendered(tenor::Result<tenor::output::RenderedRow>),
    /// The scores and the joined evidence, for a table that takes cells (xlsx).
    Scores(tenor::scoring::Scores, String),
}

/// Freeing lexicon tables entry by entry costs more than a short run's scoring (a tenth of
/// `tenor rate` on one line); the process is about to exit, and the OS takes the memory back at once.
fn exit_without_freeing<T>(tables: T) {
    std::mem::forget(tables);
}

/// `tenor merge`: partials in, the speaker tables out.
fn merge(args: MergeArgs) -> Result<ExitCode> {
    let mut aggregates = Aggregates::new();
    let mut topic_names = Vec::new();
    let mut parts = 0usize;
    for arg in &args.parts {
        for path in partial_files(arg)? {
            let file = std::fs::File::open(&path)
                .with_context(|| format!("opening {}", path.display()))?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            aggregates.read_partials(reader, &path, &mut topic_names)?;
            parts += 1;
        }
    }
    if let Some(resamples) = args.ci_resamples {
        aggregates.set_resamples(resamples);
    }
    write_speaker_tables(&args.out, &aggregates, &topic_names)?;
    let mut speakers = 0;
    aggregates.in_batches(|batch| {
        speakers += batch.len();
        Ok(())
    })?;
    eprintln!("tenor: merged {parts} parts; {speakers} speakers");
    Ok(ExitCode::SUCCESS)
}

/// The files of a `tenor merge` argument: the file itself, or a directory's visible files in name
/// order. Spark's `_SUCCESS` and `.crc` files are markers, not partials.
fn partial_files(arg: &std::path::Path) -> Result<Vec<PathBuf>> {
    if !arg.is_dir() {
        return Ok(vec![arg.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(arg).with_context(|| format!("reading {}", arg.display()))? {
        let entry = entry.with_context(|| format!("reading {}", arg.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name.starts_with('_') || !entry.path().is_file() {
            continue;
        }
        files.push(entry.path());
    }
    files.sort();
    Ok(files)
}

/// Writes speakers.csv and speaker_topics.csv into `dir` and nothing else. The output module writes
/// the four tables of a run together, so the two are written in a scratch folder inside `dir` and
/// moved into place.
fn write_speaker_tables(
    dir: &std::path::Path,
    aggregates: &Aggregates,
    topic_names: &[String],
) -> Result<()> {
    use tenor::output::{SPEAKER_TOPICS_TABLE, SPEAKERS_TABLE};
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let scratch = ScratchDir(dir.join(format!(".tenor-merge-{}", std::process::id())));
    let out = OutputDir::create(&scratch.0)?;
    out.finish(aggregates, topic_names)?;
    for table in [SPEAKERS_TABLE, SPEAKER_TOPICS_TABLE] {
        let (from, to) = (scratch.0.join(table), dir.join(table));
        std::fs::rename(&from, &to)
            .with_context(|| format!("moving {} into place", to.display()))?;
    }
    Ok(())
}

fn explain(text: &str, lexicons: Vec<PathBuf>) -> Result<ExitCode> {
    let engine = build_engine(&lexicons, None, None)?;
    print!("{}", engine.scorer().explain(text));
    Ok(ExitCode::SUCCESS)
}

fn compare(args: CompareArgs) -> Result<ExitCode> {
    use tenor::compare::{
        ArticleGroups, CompareOptions, Comparison, QuoteTable, Similarity, compare,
        compare_grouped, similarity,
    };
    use tenor::output::TableWriter;
    // Options are checked before any scoring, so that a mistake costs nothing.
    let out_format = match &args.out {
        Some(path) => Some(args.format.table_format(TableFormat::for_path(path))?),
        None => None,
    };
    let out_is_workbook = out_format == Some(TableFormat::Xlsx);
    // The similarity table is a sheet of the --out workbook when --similarity names no other file.
    let similarity_sheet = match &args.similarity {
        Some(None) => {
            if !out_is_workbook {
                return Err(tenor::Error::Usage(
                    "--similarity without a FILE puts the table in the --out workbook: give \
                     --out FILE.xlsx, or --similarity FILE"
                        .to_string(),
                )
                .into());
            }
            true
        }
        Some(Some(path)) => out_is_workbook && args.out.as_deref() == Some(path.as_path()),
        None => false,
    };
    let similarity_file = match args.similarity.clone().flatten() {
        Some(path) if !similarity_sheet => {
            let format = args.format.table_format(TableFormat::for_path(&path))?;
            Some((path, format))
        }
        _ => None,
    };
    let period = tenor::groups::Period::from(args.period);
    let group_field = args.by.as_deref().map(GroupField::parse);
    let group_by = group_field
        .clone()
        .map(|field| GroupBy::new(vec![field], period));
    let folder = PathBuf::from(&args.inputs[0]);
    let mut _scratch_guard: Option<ScratchDir> = None;
    // From inputs, each article's group is taken from its record as it is scored.
    let mut groups_from_inputs: Vec<(String, String)> = Vec::new();
    let quote_table = match args.inputs.as_slice() {
        [_] if folder.is_dir() => QuoteTable::find_in(&folder)?,
        _ => None,
    };
    let from_folder = quote_table.is_some();
    let table_path = if let Some(path) = quote_table {
        path
    } else {
        // Score the inputs into a scratch folder first; it is removed when done.
        let scratch = std::env::temp_dir().join(format!("tenor-compare-{}", std::process::id()));
        let engine = build_engine(&[], None, None)?;
        let topic_names = engine.topics().names().to_vec();
        let mut out = OutputDir::create(&scratch)?;
        _scratch_guard = Some(ScratchDir(scratch.clone()));
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
                if let Some(by) = &group_by {
                    // One field, so one value.
                    let value = by
                        .values_of(&article)
                        .into_iter()
                        .next()
                        .unwrap_or_default();
                    groups_from_inputs.push((article.id.clone(), value));
                }
                aggregates.add_article(&article);
                out.write_article(&article, &topic_names)
            },
        )?;
        out.finish(&aggregates, &topic_names)?;
        scratch
    };
    let table = QuoteTable::from_path(&table_path)?;
    let options = CompareOptions {
        per_topic: args.per_topic,
        resamples: args.ci_resamples,
        seed: args.seed,
        ..CompareOptions::default()
    };
    let comparison = match &group_field {
        None => compare(&table.rows, &args.speakers, args.topic.as_deref(), &options)?,
        Some(field) => {
            let groups = if from_folder {
                ArticleGroups::from_output(&table, field, period)?
            } else {
                let label = ArticleGroups::label_for(field, period);
                ArticleGroups::new(label, groups_from_inputs)
            };
            let speakers = &args.speakers;
            compare_grouped(
                &table.rows,
                &groups,
                speakers,
                args.topic.as_deref(),
                &options,
            )?
        }
    };
    print!("{comparison}");
    let pairs = match &args.similarity {
        Some(_) => Some(similarity(&table.rows, &args.speakers, options.min_quotes)?),
        None => None,
    };
    if let Some(path) = &args.out {
        let mut writer = TableWriter::create(
            path,
            out_format.unwrap_or_default(),
            Comparison::SHEET,
            comparison.column_docs(),
        )?;
        comparison.write_table(&mut writer)?;
        if let (Some(pairs), true) = (&pairs, similarity_sheet) {
            let sheet = writer.add_sheet(Similarity::SHEET, Similarity::column_docs())?;
            Similarity::write_table(pairs, &mut writer, sheet)?;
        }
        writer.finish()?;
    }
    if let (Some(pairs), Some((path, format))) = (&pairs, similarity_file) {
        let mut writer =
            TableWriter::create(path, format, Similarity::SHEET, Similarity::column_docs())?;
        Similarity::write_table(pairs, &mut writer, 0)?;
        writer.finish()?;
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
            rows = table(
                &[
                    "file",
                    "n",
                    "pearson",
                    "spearman",
                    "accuracy",
                    "macro_f1",
                    "weighted_f1",
                ],
                vec![
                    file.display().to_string(),
                    r.n.to_string(),
                    f(r.pearson),
                    f(r.spearman),
                    f(r.classes.accuracy),
                    f(r.classes.macro_f1),
                    f(r.classes.weighted_f1),
                ],
            );
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
            rows = table(
                &["file", "n", "accuracy", "macro_f1", "weighted_f1"],
                vec![
                    file.display().to_string(),
                    r.n.to_string(),
                    f(r.accuracy),
                    f(r.macro_f1),
                    f(r.weighted_f1),
                ],
            );
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

/// A header row and one row of values.
fn table(header: &[&str], values: Vec<String>) -> Vec<Vec<String>> {
    vec![header.iter().map(ToString::to_string).collect(), values]
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

/// The error and its causes, `: `-separated, without a cause the message before already ends with
/// (tenor's I/O errors name their cause in their own message).
fn describe(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.ends_with(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
