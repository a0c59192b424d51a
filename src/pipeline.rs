//! The per-document pipeline: normalize → detect → boilerplate → segment →
//! match, with every result expressed in offsets into the original text.

use crate::aliases::AliasTable;
use crate::boilerplate::{self, Detector, MarkedSpan};
use crate::detect::{LangRun, Language, detect, language_runs};
use crate::matching::{Lexicon, find_mentions_in_page};
use std::borrow::Cow;

use crate::normalize::chinese::fold;
use crate::normalize::{Normalized, normalize};
use crate::offsets::{CharSpan, OffsetMap, OffsetUnit};
use crate::segment::{Router, Token, korean, needs_routing};
use crate::terms::{TermWriter, Terms, piece_count};
use std::path::PathBuf;

pub use crate::terms::MAX_TERM_BYTES;

/// canon's core type: the alias table and the segmenters built from it.
///
/// Build one per process and share it between threads: it is `Sync`, and the
/// Chinese dictionary inside is loaded once, on first use.
#[derive(Debug)]
pub struct Canon {
    table: AliasTable,
    router: Router,
    options: AnalyzeOptions,
    /// The boilerplate stage; `None` with [`boilerplate::Mode::Off`].
    boilerplate: Option<Detector>,
}

/// Choices that change the tokens canon emits.
///
/// More choices will come; build it from [`Default`] and set fields
/// (`let mut o = AnalyzeOptions::default(); o.search = true;`) or use
/// [`Canon::builder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnalyzeOptions {
    /// Search mode: after each long Chinese word, also emit the dictionary
    /// words inside it (中国农业发展银行 → 中国, 农业, 发展, 银行, ...), and after
    /// a hyphenated compound its parts, each with its own span; in the manner
    /// of jieba's `cut_for_search`, for index-side recall.
    pub search: bool,
    /// Whether the boilerplate stage runs, and whether the terms and
    /// entities of the furniture it marks are dropped or kept (flagged).
    pub boilerplate: boilerplate::Mode,
    /// Keep each term's span in the original text ([`Terms::spans`]); 8
    /// bytes and a lookup per term, which `canon normalize` skips unless
    /// `--spans` asks for them.
    pub term_spans: bool,
}

impl Default for AnalyzeOptions {
    fn default() -> AnalyzeOptions {
        AnalyzeOptions {
            search: false,
            boilerplate: boilerplate::Mode::default(),
            term_spans: true,
        }
    }
}

/// An entity mention, in the output contract's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntityMention {
    /// The entity's canonical id.
    pub id: String,
    /// The entity's display name.
    pub name: String,
    /// The entity's Wikidata item id (`Q42`), when its table gives one.
    pub wikidata: Option<String>,
    /// The mention as written in the original text.
    pub surface: String,
    /// The mention's code points in the original text.
    pub span: CharSpan,
    /// The ids of the entity's ancestors, parent first (DeepSeek-V3 →
    /// `deepseek`): each is also emitted as a term after the entity's id.
    pub parents: Vec<String>,
    /// The mention is inside page furniture (only with
    /// [`boilerplate::Mode::Keep`]; otherwise such mentions are left out).
    pub boilerplate: bool,
}

/// A stretch of the document marked as page furniture by the boilerplate stage.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BoilerplateSpan {
    /// Byte range in the normalized text.
    pub normalized_bytes: std::ops::Range<usize>,
    /// The span's code points in the original text (the output's `start`,
    /// `end`).
    pub original_chars: CharSpan,
    /// Why it is furniture.
    pub reason: boilerplate::Reason,
}

/// A stretch of the original text in one language (see
/// [`crate::detect::language_runs`]), in the output contract's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LangSpan {
    /// The run's code points in the original text.
    pub span: CharSpan,
    /// The run's language code, as in [`Language::code`].
    pub lang: &'static str,
}

/// Everything canon derives from one document.
///
/// [`crate::write::write_analysis`] writes it as the output contract's JSON
/// (what `canon normalize` writes after the input's fields).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Analysis {
    /// The detected language.
    pub lang: Language,
    /// The normalized text.
    pub normalized: Normalized,
    /// The index terms with their positions (and spans), in position order.
    pub terms: Terms,
    /// Entity mentions in text order.
    pub entities: Vec<EntityMention>,
    /// The document's language runs in text order, tiling the original
    /// text, when it has more than one; empty when it is in one language
    /// throughout (`lang`).
    pub lang_spans: Vec<LangSpan>,
    /// How many terms were longer than [`MAX_TERM_BYTES`] and written as
    /// pieces instead.
    pub split_terms: usize,
    /// Page furniture, in text order; `None` when the stage is off.
    pub boilerplate: Option<Vec<BoilerplateSpan>>,
}

impl Analysis {
    /// The index terms' texts, in position order: each word, then what is
    /// stacked on it (search-mode parts), then the ids of the entity
    /// mentions that start at it (see [`crate::terms`]).
    pub fn terms(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.terms.texts()
    }

    /// The terms' spans in the original text, in code points, parallel to
    /// [`Self::terms`]; empty when [`AnalyzeOptions::term_spans`] was off.
    pub fn token_spans(&self) -> &[CharSpan] {
        self.terms.spans().unwrap_or_default()
    }

    /// The distinct ids of the document's entities, each mention's id then
    /// its ancestors' ids (parent first), in order of first mention: the
    /// output's `entity_ids`.
    pub fn entity_ids(&self) -> Vec<&str> {
        distinct(
            self.entities
                .iter()
                .flat_map(|m| std::iter::once(&m.id).chain(&m.parents))
                .map(String::as_str),
        )
    }
}

/// Up to this many distinct entity ids are deduplicated by looking through
/// the list: a document names a handful of entities, and a hash set per
/// document cost more than the comparisons.
const LINEAR_DISTINCT: usize = 16;

/// The distinct strings of `all`, in order of first appearance.
fn distinct<'a>(all: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut seen: Option<rustc_hash::FxHashSet<&str>> = None;
    for id in all {
        let new = match &mut seen {
            Some(seen) => seen.insert(id),
            None => !out.contains(&id),
        };
        if new {
            out.push(id);
            if seen.is_none() && out.len() > LINEAR_DISTINCT {
                seen = Some(out.iter().copied().collect());
            }
        }
    }
    out
}

impl Canon {
    /// Starts building a pipeline: the default alias table, search mode off,
    /// the boilerplate stage on, as `canon normalize` runs without options.
    ///
    /// ```
    /// use canon::{Canon, boilerplate::Mode};
    ///
    /// # let folder = tempfile::tempdir()?;
    /// let table = folder.path().join("mine.toml");
    /// std::fs::write(&table, r#"
    /// [[entity]]
    /// id = "acme-robotics"
    /// name = "Acme Robotics"
    /// kind = "org"
    /// aliases.en = ["Acme Robotics"]
    /// "#)?;
    /// let canon = Canon::builder()
    ///     .aliases([&table])
    ///     .search(true)
    ///     .boilerplate(Mode::Keep)
    ///     .build()?;
    /// let analysis = canon.analyze("Acme Robotics opened a lab in 中华人民共和国.");
    /// let terms: Vec<&str> = analysis.terms().collect();
    /// assert_eq!(terms[..3], ["acme", "acme-robotics", "robotics"]);
    /// assert!(terms.contains(&"共和国")); // search mode: the words inside
    ///
    /// // A broken table is an error naming file and line.
    /// std::fs::write(&table, "[[entity]]\nid = \"Bad Id\"\n")?;
    /// let error = Canon::builder().aliases([&table]).build().unwrap_err();
    /// assert!(error.to_string().starts_with(&format!("{}:", table.display())));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> CanonBuilder {
        CanonBuilder::default()
    }

    /// A pipeline matching against `table`.
    pub fn new(table: AliasTable) -> Canon {
        Self::with_options(table, AnalyzeOptions::default())
    }

    /// A pipeline matching against `table`, with `options`.
    pub fn with_options(table: AliasTable, options: AnalyzeOptions) -> Canon {
        let router = Router::with_table(&table);
        let boilerplate = (options.boilerplate != boilerplate::Mode::Off).then(Detector::new);
        Canon {
            table,
            router,
            options,
            boilerplate,
        }
    }

    /// The same pipeline with `furniture` (lines learned by `canon
    /// boilerplate learn`) as the boilerplate stage's repetition signal.
    pub fn with_furniture(mut self, furniture: boilerplate::furniture::Furniture) -> Canon {
        self.boilerplate = self.boilerplate.map(|d| d.with_furniture(furniture));
        self
    }

    /// The alias table in use.
    pub fn table(&self) -> &AliasTable {
        &self.table
    }

    /// The options it analyzes with.
    pub fn options(&self) -> AnalyzeOptions {
        self.options
    }

    /// Runs the whole pipeline on `original`: normalization, language
    /// detection, boilerplate, segmentation and entity matching, every
    /// offset in code points of `original`.
    ///
    /// ```
    /// let canon = canon::Canon::builder().build()?;
    /// let analysis = canon.analyze("ＤｅｅｐＳｅｅｋ’s model");
    /// assert_eq!(analysis.lang.code, "en");
    /// assert_eq!(analysis.normalized.text(), "DeepSeek's model");
    /// assert_eq!(analysis.terms().collect::<Vec<_>>(), ["deepseek", "model"]);
    /// let mention = &analysis.entities[0];
    /// assert_eq!((mention.id.as_str(), mention.span.start, mention.span.end), ("deepseek", 0, 8));
    /// # Ok::<(), canon::Error>(())
    /// ```
    pub fn analyze(&self, original: &str) -> Analysis {
        self.analyze_with(original, self.options)
    }

    /// Runs the whole pipeline on `original` with `options` instead of the
    /// pipeline's own: a query is analyzed like the documents it searches
    /// but without search-mode parts or the boilerplate stage (a short query
    /// is not a page). The boilerplate stage runs only when the pipeline
    /// was built with it (`options.boilerplate` cannot switch it on).
    pub fn analyze_with(&self, original: &str, options: AnalyzeOptions) -> Analysis {
        let normalized = normalize(original);
        let mut lang = detect(normalized.text());
        let found = language_runs(normalized.text(), lang);
        // Every sentence that could tell was in one other language than the
        // detector's sample said: that is the document's language.
        if let [only] = found.as_slice() {
            lang = only.lang;
        }
        let whole = [LangRun {
            start_byte: 0,
            end_byte: normalized.text().len(),
            lang,
        }];
        let runs: &[LangRun] = if found.is_empty() { &whole } else { &found };
        // Segmentation and matching read the folded text (simplified Chinese);
        // it has the same byte offsets as the normalized text. Japanese kanji
        // are not traditional Chinese: what goes to the Japanese segmenter
        // stays as it is.
        let text = fold_except(
            normalized.text(),
            &Router::japanese_ranges(normalized.text(), runs),
        );
        let detector = self
            .boilerplate
            .as_ref()
            .filter(|_| options.boilerplate != boilerplate::Mode::Off);
        let marked: Vec<MarkedSpan> = match detector {
            Some(detector) => detector.mark(&text, lang.code),
            None => Vec::new(),
        };
        // Terms and mentions in furniture are left out unless kept.
        let drop =
            |byte: usize| options.boilerplate == boilerplate::Mode::On && in_marked(&marked, byte);
        let lower = lowercase_ascii(&text);
        // Text that needs no routing (English, with no CJK character) holds
        // no Hangul syllable: none of its words is asked for a Korean stem.
        let routed = needs_routing(&text);
        let tokens = self.router.segment_runs_routed(&text, &lower, runs, routed);
        let lexicon = Lexicon {
            is_word: &|word| self.router.is_dictionary_word(word),
            is_common_word: &|word| self.router.is_common_word(word),
            word_frequency: &|word| self.router.word_frequency(word),
        };
        let mentions =
            find_mentions_in_page(&self.table, &text, &tokens, &lexicon, lang.code, &|byte| {
                in_marked(&marked, byte)
            });
        // A mention that reaches into furniture goes too, so that every
        // mention kept starts and ends on a kept token.
        let mut mentions = mentions;
        mentions.retain(|m| {
            !drop(m.start)
                && !drop(tokens[m.first_token].start)
                && !drop(tokens[m.last_token].start)
        });

        let ranges = options.term_spans.then(|| normalized.original_ranges());
        let mut terms = TermWriter::new(
            tokens.len() + mentions.len(),
            text.len() + mentions.len() * 16,
            ranges,
        );
        let mut parts = Vec::new();
        // The first mention whose ids are not written yet.
        let mut next_mention = 0;
        for (index, token) in tokens.iter().enumerate() {
            if drop(token.start) {
                terms.skip_word(&token.term);
                continue;
            }
            let position = terms.push_word(&token.term, &text, token.start, token.end);
            if options.search {
                parts.clear();
                self.router.search_parts(token, &mut parts);
                for part in &parts {
                    terms.push_stacked(&part.term, &text, part.start, part.end, position);
                }
            }
            // A Korean word ending in a particle: its stem as a term at the
            // word's position, with the stem's span (삼성전자는 → 삼성전자).
            // Only text that needs routing can hold Hangul.
            if routed {
                let alias_stem = mentions
                    .get(next_mention)
                    .filter(|m| m.last_token == index)
                    .map(|m| m.end);
                if let Some(stem_end) = korean_stem_end(&text, token, alias_stem) {
                    let stem = &token.term[..stem_end - token.start];
                    terms.push_stacked(stem, &text, token.start, stem_end, position);
                }
            }
            // The mentions that start in this token: the entity's id, then
            // its ancestors' ids, at the token's position, spanning the
            // positions of the mention's tokens, with the mention's span.
            while let Some(mention) = mentions
                .get(next_mention)
                .filter(|m| m.first_token <= index)
            {
                next_mention += 1;
                let id = self.table.entity_id(mention.entity);
                let length: u32 = tokens[mention.first_token..=mention.last_token]
                    .iter()
                    .map(|t| piece_count(&t.term))
                    .sum();
                let whole_token = mention.last_token == index
                    && (mention.start, mention.end) == (token.start, token.end);
                // In search mode a part of a compound may already be the
                // id, with the mention's span (alibaba in alibaba-backed):
                // the same term twice at one position adds nothing.
                let stacked_part = options.search
                    && mention.last_token == index
                    && parts.iter().any(|part| {
                        part.term == *id && (part.start, part.end) == (mention.start, mention.end)
                    });
                let already_there = (whole_token && token.term == *id) || stacked_part;
                if !already_there {
                    terms.push_spanning(id, mention.start, mention.end, position, length);
                }
                for &ancestor in self.table.ancestors(mention.entity) {
                    let ancestor = self.table.entity_id(ancestor);
                    terms.push_spanning(ancestor, mention.start, mention.end, position, length);
                }
            }
        }
        let terms = terms.finish();

        let mut ranges = normalized.original_ranges();
        let mut entities: Vec<EntityMention> = mentions
            .iter()
            .map(|m| {
                let (start, end) = ranges.range(m.start, m.end);
                EntityMention {
                    id: self.table.entity_id(m.entity).to_string(),
                    name: self.table.entity_name(m.entity).to_string(),
                    wikidata: self.table.entity_wikidata(m.entity).map(str::to_string),
                    surface: String::new(),
                    span: CharSpan::new(start, end),
                    parents: self
                        .table
                        .ancestors(m.entity)
                        .iter()
                        .map(|&a| self.table.entity_id(a).to_string())
                        .collect(),
                    boilerplate: in_marked(&marked, m.start),
                }
            })
            .collect();
        fill_surfaces(original, &mut entities);
        let boilerplate = detector.map(|_| {
            marked
                .into_iter()
                .map(|m| {
                    let (start, end) = normalized.original_range(m.bytes.start, m.bytes.end);
                    BoilerplateSpan {
                        normalized_bytes: m.bytes,
                        original_chars: CharSpan::new(start, end),
                        reason: m.reason,
                    }
                })
                .collect()
        });
        let lang_spans = lang_spans(original, &normalized, runs);

        Analysis {
            lang,
            normalized,
            split_terms: terms.split_count(),
            terms,
            entities,
            lang_spans,
            boilerplate,
        }
    }
}

/// Where the stem of `token` ends (a byte offset of `text`) when the token is
/// a Korean word ending in a particle: after a mention that ends inside the
/// token at `alias_stem` before a particle, or by the stem-term rule
/// (`segment::korean`). `None` for every other token.
fn korean_stem_end(text: &str, token: &Token<'_>, alias_stem: Option<usize>) -> Option<usize> {
    let term = token.term.as_ref();
    // Stems are cut from the term by the surface's offsets: both must be
    // the same text but for ASCII case (Hangul has no case).
    if !korean::may_end_in_particle(term) || term.len() != token.end - token.start {
        return None;
    }
    if let Some(end) = alias_stem
        && end > token.start
        && end < token.end
        && let Some(previous) = text[..end].chars().next_back()
        && korean::is_particle_after(previous, &text[end..token.end])
    {
        return Some(end);
    }
    korean::stem_term_end(term).map(|stem| token.start + stem)
}

/// `text` folded to simplified Chinese (see [`fold`]) except for the byte
/// `ranges` (sorted, not overlapping), which keep their characters. Folding
/// keeps byte lengths, so the kept ranges are copied back in place.
fn fold_except<'a>(text: &'a str, ranges: &[(usize, usize)]) -> Cow<'a, str> {
    if ranges == [(0, text.len())] {
        return Cow::Borrowed(text);
    }
    match (fold(text), ranges) {
        (Cow::Owned(mut folded), [_, ..]) => {
            for &(start, end) in ranges {
                folded.replace_range(start..end, &text[start..end]);
            }
            Cow::Owned(folded)
        }
        (folded, _) => folded,
    }
}

/// The output form of language `runs` (bytes of the normalized text):
/// code-point spans of the original text, or nothing for a document of one
/// run. The one place where runs change units.
fn lang_spans(original: &str, normalized: &Normalized, runs: &[LangRun]) -> Vec<LangSpan> {
    if runs.len() <= 1 {
        return Vec::new();
    }
    let mut ranges = normalized.original_ranges();
    let mut spans: Vec<LangSpan> = runs
        .iter()
        .map(|run| {
            let (start, end) = ranges.range(run.start_byte, run.end_byte);
            LangSpan {
                span: CharSpan::new(start, end),
                lang: run.lang.code,
            }
        })
        .collect();
    // Runs tile the normalized text; in the original, removed characters
    // between two runs (a zero-width space) belong to the run before.
    for k in 1..spans.len() {
        spans[k].span.start = spans[k - 1].span.end;
    }
    if let Some(first) = spans.first_mut() {
        first.span.start = 0;
    }
    if let Some(last) = spans.last_mut() {
        last.span.end = original.chars().count() as u32;
    }
    spans
}

/// Builds a [`Canon`] from the options `canon normalize` takes: alias
/// tables by path, search mode, the boilerplate mode and learned furniture.
/// Made by [`Canon::builder`]; [`Self::build`] loads everything once.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct CanonBuilder {
    aliases: Vec<PathBuf>,
    default_table: crate::aliases::DefaultTable,
    furniture: Vec<PathBuf>,
    options: AnalyzeOptions,
}

impl CanonBuilder {
    /// Adds alias tables (`--aliases FILE`), in order: each adds entities or
    /// replaces earlier entities with the same id. Any table the library
    /// loads is accepted (see [`AliasTable::load_files`]).
    pub fn aliases<I, P>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<PathBuf>,
    {
        self.aliases.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Whether the built-in table is under the tables of [`Self::aliases`]
    /// (the default) or left out (`--no-default-table`), for a table of
    /// one's own alone: see [`crate::aliases::DefaultTable`]. A compiled
    /// table decided that when it was compiled; one that holds the built-in
    /// table is refused with [`crate::aliases::DefaultTable::Excluded`]
    /// ([`crate::Error::CompiledWithDefaultTable`]).
    ///
    /// ```
    /// use canon::Canon;
    /// use canon::aliases::DefaultTable;
    ///
    /// // No table at all: normalization, language and terms, no entities.
    /// let canon = Canon::builder().default_table(DefaultTable::Excluded).build()?;
    /// let analysis = canon.analyze("Google opened an office in Beijing.");
    /// assert!(analysis.entities.is_empty());
    /// assert!(analysis.terms().any(|term| term == "google"));
    /// # Ok::<(), canon::Error>(())
    /// ```
    pub fn default_table(mut self, default: crate::aliases::DefaultTable) -> Self {
        self.default_table = default;
        self
    }

    /// Search mode (`--search`): see [`AnalyzeOptions::search`].
    pub fn search(mut self, search: bool) -> Self {
        self.options.search = search;
        self
    }

    /// The boilerplate stage (`--boilerplate on|keep|off`).
    pub fn boilerplate(mut self, mode: boilerplate::Mode) -> Self {
        self.options.boilerplate = mode;
        self
    }

    /// Adds files of lines learned by `canon boilerplate learn`
    /// (`--boilerplate-from FILE`), the boilerplate stage's repetition signal.
    pub fn boilerplate_from<I, P>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<PathBuf>,
    {
        self.furniture.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Replaces every analysis option at once.
    pub fn options(mut self, options: AnalyzeOptions) -> Self {
        self.options = options;
        self
    }

    /// Loads the alias tables and furniture files and builds the pipeline.
    ///
    /// Errors: [`crate::Error::Io`] for a file that cannot be read,
    /// [`crate::Error::AliasTable`] with every problem of the tables as
    /// `file:line: message`, [`crate::Error::CompiledTable`] for a compiled
    /// table that does not load, [`crate::Error::CompiledWithOthers`] and
    /// [`crate::Error::CompiledWithDefaultTable`] for a compiled table given
    /// with other tables or, holding the built-in table, with it left out,
    /// [`crate::Error::Furniture`] for a bad furniture file. Problems that do not stop matching are kept as
    /// warnings ([`AliasTable::warnings`] of [`Canon::table`]).
    pub fn build(self) -> crate::Result<Canon> {
        let table = AliasTable::load_files_with(&self.aliases, self.default_table)?;
        let furniture = boilerplate::furniture::Furniture::load_all(&self.furniture)?;
        Ok(Canon::with_options(table, self.options).with_furniture(furniture))
    }
}

/// `text` with ASCII letters lowercased, for the segmenters' terms to
/// borrow from; the text itself when it has no ASCII capital (most Chinese
/// text), which saves a copy of the document.
fn lowercase_ascii(text: &str) -> Cow<'_, str> {
    if has_ascii_capital(text.as_bytes()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether `bytes` hold an ASCII capital letter. English has one in its
/// first bytes, found byte by byte; Chinese text has none and is read to
/// its end, after those, a block of bytes at a time without a branch per
/// byte (so the compiler vectorizes each block).
fn has_ascii_capital(bytes: &[u8]) -> bool {
    let (head, rest) = bytes.split_at(bytes.len().min(64));
    head.iter().any(u8::is_ascii_uppercase)
        || rest.chunks(64).any(|block| {
            block
                .iter()
                .fold(false, |any, b| any | b.is_ascii_uppercase())
        })
}

/// Whether normalized byte `byte` lies in one of `spans` (sorted, disjoint).
fn in_marked(spans: &[MarkedSpan], byte: usize) -> bool {
    if spans.is_empty() {
        return false;
    }
    let after = spans.partition_point(|s| s.bytes.start <= byte);
    after > 0 && byte < spans[after - 1].bytes.end
}

/// Sets each mention's surface from its code-point span.
fn fill_surfaces(original: &str, mentions: &mut [EntityMention]) {
    if mentions.is_empty() {
        return;
    }
    let mut offsets = OffsetMap::new(original, OffsetUnit::Bytes);
    for mention in mentions.iter_mut() {
        let start = offsets.byte_offset(mention.span.start);
        let end = offsets.byte_offset(mention.span.end);
        mention.surface = original[start..end].to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon() -> Canon {
        Canon::new(AliasTable::load(&[]).expect("default table loads"))
    }

    #[test]
    fn surfaces_are_slices_of_the_original_by_code_points() {
        let original = "“ＤｅｅｐＳｅｅｋ” and 月之暗面\u{200B}’s model";
        let analysis = canon().analyze(original);
        let chars: Vec<char> = original.chars().collect();
        assert!(!analysis.entities.is_empty());
        for mention in &analysis.entities {
            let slice: String = chars[mention.span.start as usize..mention.span.end as usize]
                .iter()
                .collect();
            assert_eq!(slice, mention.surface);
        }
        assert_eq!(analysis.entities[0].surface, "ＤｅｅｐＳｅｅｋ");
    }

    /// `(term, position, position length)` of every term.
    fn graph(analysis: &Analysis) -> Vec<(&str, u32, u32)> {
        analysis
            .terms
            .iter()
            .map(|t| (t.text, t.position, t.position_length))
            .collect()
    }

    fn span(start: u32, end: u32) -> CharSpan {
        CharSpan { start, end }
    }

    #[test]
    fn an_entity_id_spans_the_positions_of_its_mention() {
        let analysis = canon().analyze("Dark Side of the Moon released a model.");
        assert_eq!(
            graph(&analysis),
            [
                ("dark", 0, 1),
                ("moonshot-ai", 0, 5),
                ("side", 1, 1),
                ("of", 2, 1),
                ("the", 3, 1),
                ("moon", 4, 1),
                ("released", 5, 1),
                ("a", 6, 1),
                ("model", 7, 1)
            ]
        );
        assert_eq!(analysis.token_spans()[1], span(0, 21));
        assert_eq!(analysis.token_spans().len(), analysis.terms().len());
        assert_eq!(analysis.terms.position_lengths(), [(1, 5)]);
    }

    #[test]
    fn the_phrase_after_a_mention_keeps_its_positions() {
        // The issue's example: a positional index must still match "ai bets".
        let analysis = canon().analyze("Moonshot AI bets on agents");
        assert_eq!(
            graph(&analysis)[..4],
            [
                ("moonshot", 0, 1),
                ("moonshot-ai", 0, 2),
                ("ai", 1, 1),
                ("bets", 2, 1)
            ]
        );
    }

    proptest::proptest! {
        /// The list search and the hash set it hands over to give what one
        /// hash set gives, below, at and above the hand-over.
        #[test]
        fn distinct_ids_equal_a_hash_set_filter(
            picks in proptest::collection::vec(0usize..40, 0..80),
        ) {
            let names: Vec<String> = (0..40).map(|k| format!("entity-{k}")).collect();
            let all = || picks.iter().map(|&k| names[k].as_str());
            let mut seen = rustc_hash::FxHashSet::default();
            let reference: Vec<&str> = all().filter(|id| seen.insert(*id)).collect();
            proptest::prop_assert_eq!(distinct(all()), reference);
        }
    }

    /// A capital at every place of texts up to three blocks past the
    /// first bytes, among Chinese bytes and lowercase letters, and none.
    #[test]
    fn a_capital_is_found_at_every_place() {
        for len in 0..260 {
            let filler: Vec<u8> = "中a".bytes().cycle().take(len).collect();
            assert!(!has_ascii_capital(&filler), "{len}");
            for at in 0..len {
                let mut bytes = filler.clone();
                bytes[at] = b'Q';
                assert!(has_ascii_capital(&bytes), "{len} {at}");
            }
        }
    }

    proptest::proptest! {
        /// Capitals are found by blocks where a byte loop finds them:
        /// anywhere in texts of one to a few blocks, among bytes of every
        /// value.
        #[test]
        fn capitals_are_found_as_a_byte_loop_finds_them(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![0x80u8..=0xFF, 0u8..0x41, 0x5Bu8..0x80],
                0..300,
            ),
            capital in proptest::option::of((0usize..300, 0x41u8..=0x5A)),
        ) {
            let mut bytes = bytes;
            if let Some((at, letter)) = capital {
                bytes.insert(at.min(bytes.len()), letter);
            }
            let expected = bytes.iter().any(u8::is_ascii_uppercase);
            proptest::prop_assert_eq!(has_ascii_capital(&bytes), expected);
        }
    }

    #[test]
    fn entity_ids_are_distinct_with_ancestors_in_first_mention_order() {
        let analysis = canon()
            .analyze("Kimi, then DeepSeek-V3, then Moonshot AI and Kimi again, and DeepSeek.");
        assert_eq!(
            analysis.entity_ids(),
            ["kimi", "moonshot-ai", "deepseek-v3", "deepseek"]
        );
        assert!(canon().analyze("nothing here").entity_ids().is_empty());
    }

    #[test]
    fn furniture_keeps_its_positions_so_phrases_do_not_cross_it() {
        let text = "DeepSeek released a model today, the lab said in a statement.\nShare\nInvestors said the model was trained on far fewer chips than its rivals.";
        let with = |mode| {
            let options = AnalyzeOptions {
                boilerplate: mode,
                ..AnalyzeOptions::default()
            };
            Canon::with_options(AliasTable::load(&[]).unwrap(), options).analyze(text)
        };
        let (on, keep) = (with(boilerplate::Mode::On), with(boilerplate::Mode::Keep));
        let keep_graph = graph(&keep);
        // Every term kept in `on` has the position it has in `keep`.
        for term in graph(&on) {
            assert!(keep_graph.contains(&term), "{term:?} in {keep_graph:?}");
        }
        let position = |graph: &[(&str, u32, u32)], term: &str| {
            graph.iter().find(|t| t.0 == term).map(|t| t.1)
        };
        assert_eq!(position(&graph(&on), "share"), None);
        let statement = position(&graph(&on), "statement").unwrap();
        // "share" leaves its position empty.
        assert_eq!(position(&graph(&on), "investors"), Some(statement + 2));
    }

    #[test]
    fn spans_can_be_left_out() {
        let options = AnalyzeOptions {
            term_spans: false,
            ..AnalyzeOptions::default()
        };
        let canon = Canon::with_options(AliasTable::load(&[]).unwrap(), options);
        let analysis = canon.analyze("Moonshot AI bets");
        assert!(analysis.token_spans().is_empty());
        assert!(analysis.terms.spans().is_none());
        assert_eq!(analysis.terms().len(), 4);
        assert_eq!(analysis.entities[0].span, span(0, 11));
    }

    #[test]
    fn traditional_text_gives_simplified_tokens_and_original_offsets() {
        let original = "字節跳動與輝達合作";
        let analysis = canon().analyze(original);
        let terms: Vec<&str> = analysis.terms().collect();
        // 字节跳动 is made of two dictionary words, emitted as those words;
        // the id stands at the first.
        assert_eq!(&terms[..3], ["字节", "bytedance", "跳动"]);
        assert_eq!(analysis.entities[0].surface, "字節跳動");
        assert_eq!(analysis.entities[1].surface, "輝達");
        assert_eq!(analysis.normalized.text(), original);
    }

    #[test]
    fn search_mode_adds_sub_words_with_their_spans() {
        let table = AliasTable::load(&[]).unwrap();
        let canon = Canon::with_options(
            table,
            AnalyzeOptions {
                search: true,
                ..AnalyzeOptions::default()
            },
        );
        let analysis = canon.analyze("中华人民共和国和post-training");
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(terms[0], "中华人民共和国");
        for (word, chars) in [
            ("中华", span(0, 2)),
            ("人民", span(2, 4)),
            ("共和国", span(4, 7)),
        ] {
            let at = terms
                .iter()
                .position(|t| *t == word)
                .unwrap_or_else(|| panic!("{word} in {terms:?}"));
            assert_eq!(analysis.token_spans()[at], chars);
            // Sub-words take the position of the word they come from.
            assert_eq!(analysis.terms.positions()[at], 0);
        }
        let at = terms.iter().position(|t| *t == "post-training").unwrap();
        assert_eq!(&terms[at + 1..at + 3], ["post", "training"]);
        assert_eq!(analysis.token_spans()[at + 2], span(13, 21));
        let positions = &analysis.terms.positions()[at..at + 3];
        assert_eq!(positions, [positions[0]; 3]);
        assert_eq!(positions[0], 2, "中华人民共和国, 和, post-training");
    }

    #[test]
    fn a_child_mention_emits_its_ancestors_after_its_id() {
        let analysis =
            canon().analyze("DeepSeek-V3 and the Kimi chatbot and Qwen, but DeepSeek alone.");
        let terms: Vec<&str> = analysis.terms().collect();
        let after = |id: &str| {
            let at = terms
                .iter()
                .position(|t| *t == id)
                .unwrap_or_else(|| panic!("{id} in {terms:?}"));
            terms[at + 1]
        };
        assert_eq!(after("deepseek-v3"), "deepseek");
        assert_eq!(after("kimi"), "moonshot-ai");
        assert_eq!(after("qwen"), "alibaba");
        assert_eq!(analysis.token_spans().len(), terms.len());
        let parents: Vec<(&str, Vec<String>)> = analysis
            .entities
            .iter()
            .map(|m| (m.id.as_str(), m.parents.clone()))
            .collect();
        assert_eq!(
            parents,
            [
                ("deepseek-v3", vec!["deepseek".to_string()]),
                ("kimi", vec!["moonshot-ai".to_string()]),
                ("qwen", vec!["alibaba".to_string()]),
                ("deepseek", vec![]),
            ]
        );
        // The id and the parent carry the mention's span.
        let at = terms.iter().position(|t| *t == "deepseek-v3").unwrap();
        assert_eq!(analysis.token_spans()[at], span(0, 11));
        assert_eq!(analysis.token_spans()[at + 1], span(0, 11));
    }

    #[test]
    fn names_inside_compounds_keep_the_compound_term_and_add_their_id() {
        let analysis = canon().analyze("an Alibaba-backed start-up and the US-based fund");
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(
            terms,
            [
                "an",
                "alibaba-backed",
                "alibaba",
                "start-up",
                "and",
                "the",
                "us-based",
                "united-states",
                "fund"
            ]
        );
        assert_eq!(analysis.token_spans()[2], span(3, 10));
        // A name inside a word stands at the word's position, spanning it.
        assert_eq!(graph(&analysis)[2], ("alibaba", 1, 1));
        let surfaces: Vec<&str> = analysis
            .entities
            .iter()
            .map(|m| m.surface.as_str())
            .collect();
        assert_eq!(surfaces, ["Alibaba", "US"]);
    }

    #[test]
    fn a_part_that_is_the_id_is_not_stacked_twice_in_search_mode() {
        let canon = Canon::with_options(
            AliasTable::load(&[]).expect("default table loads"),
            AnalyzeOptions {
                search: true,
                ..AnalyzeOptions::default()
            },
        );
        let analysis = canon.analyze("Alibaba-backed firms");
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(terms, ["alibaba-backed", "alibaba", "backed", "firms"]);
        // The part's term is the id's: the mention's entity still stands.
        assert_eq!(analysis.entities[0].id, "alibaba");
        // A part that differs from the id keeps the id after it (首都北京:
        // 首都, 北京, then beijing and its parent china).
        let terms: Vec<String> = canon
            .analyze("首都北京的天气")
            .terms()
            .map(str::to_string)
            .collect();
        assert_eq!(terms[..5], ["首都北京", "首都", "北京", "beijing", "china"]);
    }

    #[test]
    fn a_removed_control_never_joins_two_words_into_a_name() {
        let ids = |text: &str| -> Vec<String> {
            canon()
                .analyze(text)
                .entities
                .into_iter()
                .map(|m| m.id)
                .collect()
        };
        assert_eq!(ids("the UK said"), ["united-kingdom"]);
        assert!(ids("the U\u{4}\u{16}K said").is_empty());
        let analysis = canon().analyze("U\u{4}\u{16}K");
        assert_eq!(analysis.terms().collect::<Vec<_>>(), ["u", "k"]);
        assert_eq!(analysis.token_spans(), [span(0, 1), span(3, 4)]);
    }

    #[test]
    fn terms_longer_than_the_cap_are_split_on_character_boundaries() {
        let word = "Ab".repeat(35_000);
        let analysis = canon().analyze(&format!("x {word} y"));
        let terms: Vec<&str> = analysis.terms().collect();
        assert!(terms.iter().all(|t| t.len() <= MAX_TERM_BYTES));
        assert_eq!(terms.len(), 2 + 70_000usize.div_ceil(MAX_TERM_BYTES));
        assert_eq!(terms[1..terms.len() - 1].concat(), word.to_lowercase());
        // The pieces' spans tile the word's span.
        let spans = &analysis.token_spans()[1..terms.len() - 1];
        assert_eq!(spans[0].start, 2);
        assert_eq!(spans[spans.len() - 1].end, 70_002);
        assert!(spans.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(spans[0], span(2, 2 + MAX_TERM_BYTES as u32));
        // Each piece is a word of its own, at its own position.
        let positions = analysis.terms.positions();
        assert!(positions.windows(2).all(|w| w[1] == w[0] + 1));
        assert_eq!(analysis.split_terms, 1);
        // The text itself is untouched.
        assert_eq!(analysis.normalized.text(), format!("x {word} y"));
    }

    #[test]
    fn terms_up_to_the_cap_stay_whole() {
        let word = "a".repeat(MAX_TERM_BYTES);
        let analysis = canon().analyze(&word);
        assert_eq!(analysis.terms().collect::<Vec<_>>(), [word.as_str()]);
        assert_eq!(analysis.split_terms, 0);
        let analysis = canon().analyze(&(word + "b"));
        assert_eq!(analysis.terms().len(), 2);
        assert_eq!(analysis.token_spans(), [span(0, 255), span(255, 256)]);
        assert_eq!(analysis.split_terms, 1);
    }

    #[test]
    fn pieces_of_multibyte_and_acronym_terms() {
        // 300 characters of two bytes: pieces of 127 characters (254 bytes).
        let word = "é".repeat(300);
        let analysis = canon().analyze(&word);
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(
            terms.iter().map(|t| t.chars().count()).collect::<Vec<_>>(),
            [127, 127, 46]
        );
        assert_eq!(
            analysis.token_spans(),
            [span(0, 127), span(127, 254), span(254, 300)]
        );
        // A dotted acronym's term drops the dots: every piece gets the
        // whole word's span.
        let acronym = "A.".repeat(300);
        let analysis = canon().analyze(&acronym);
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(terms.concat(), "a".repeat(300));
        assert!(terms.iter().all(|t| t.len() <= MAX_TERM_BYTES));
        assert!(analysis.token_spans().iter().all(|&s| s == span(0, 600)));
    }

    #[test]
    fn empty_text_gives_no_tokens() {
        let analysis = canon().analyze("");
        assert_eq!(analysis.terms().len(), 0);
        assert_eq!(analysis.lang.code, "und");
    }
}
