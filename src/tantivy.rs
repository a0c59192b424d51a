//! canon as a tantivy tokenizer (cargo feature `tantivy`).
//!
//! [`CanonTokenizer`] runs canon's pipeline (normalize, detect, segment,
//! match) on one field value and hands tantivy its terms with positions and
//! byte offsets into the value, so a query in one language or script finds
//! the document written in another: the entity id `moonshot-ai` is indexed
//! wherever 月之暗面, Moonshot AI or Moon Shadow is written, and a query
//! analyzed by canon asks for that id.
//!
//! Two sides, one analysis:
//!
//! * [`CanonTokenizer::for_index`] emits the term graph of
//!   [`crate::terms`]: every word at its position, search-mode parts stacked
//!   on their word, each entity id (and its ancestors' ids) at its mention's
//!   first position. Phrase queries on the original words keep working
//!   ("ai bets" in `Moonshot AI bets`).
//! * [`CanonTokenizer::for_query`] analyzes a query the same way (without
//!   search-mode parts or the boilerplate stage) but replaces each entity
//!   mention by its id alone, at the mention's first position, and keeps
//!   the positions of the words around it. `"Moon Shadow"` becomes the one
//!   term `moonshot-ai`, a term query that finds 月之暗面; `"Moonshot AI
//!   bets"` becomes `moonshot-ai`@0 `bets`@2, which matches the document's
//!   graph.
//!
//! Register the first in the index's `TokenizerManager` and the second,
//! under the same name, in the manager given to `QueryParser::new`.
//!
//! **Position lengths.** tantivy stores positions but not position lengths
//! (a token's `position_length` only moves where the next value of the
//! same field starts), so an id indexed over a multi-word mention stands at
//! the mention's first position only. A phrase that goes on past a mention
//! therefore matches when the query writes the mention with as many words
//! as the document: `"Moonshot AI bets"` matches "Moonshot AI bets" but not
//! "Moon Shadow bets" (Lucene's index has the same limit; its synonym graph
//! is flattened at index time). Phrases of the original words and queries
//! for an entity alone are exact.
//!
//! **Query syntax.** tantivy's `QueryParser` splits unquoted text at
//! spaces and analyzes each word alone, so a multi-word name must be quoted
//! (`"Moon Shadow"`) to be recognized; text without spaces (字節跳動) needs
//! no quotes.

use crate::boilerplate;
use crate::offsets::{CharSpan, OffsetMap, OffsetUnit};
use crate::pipeline::{AnalyzeOptions, Canon};
use ::tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use std::sync::Arc;

/// The name the example and the README register canon's tokenizer under.
pub const TOKENIZER_NAME: &str = "canon";

/// The options of a text field analyzed by canon under [`TOKENIZER_NAME`]:
/// frequencies and positions indexed (phrase queries, and the entity ids'
/// positions over their mentions) and the text stored (snippets, highlighted
/// from the terms' byte offsets). Register the tokenizer under that name on
/// the index's tokenizer manager.
pub fn text_options() -> ::tantivy::schema::TextOptions {
    let indexing = ::tantivy::schema::TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER_NAME)
        .set_index_option(::tantivy::schema::IndexRecordOption::WithFreqsAndPositions);
    ::tantivy::schema::TextOptions::default()
        .set_indexing_options(indexing)
        .set_stored()
}

/// Which side of the search a [`CanonTokenizer`] analyzes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Documents: the whole term graph.
    Index,
    /// Queries: each entity mention replaced by its id.
    Query,
}

/// A tantivy [`Tokenizer`] running canon's pipeline on each text.
///
/// Cloning is cheap (the pipeline is shared); tantivy clones a tokenizer
/// per indexing thread. Tokens carry byte offsets into the text tantivy
/// gives (what its highlighter slices), positions as described in the
/// module documentation, and `position_length` for ids of multi-word
/// mentions.
#[derive(Debug, Clone)]
pub struct CanonTokenizer {
    canon: Arc<Canon>,
    side: Side,
    options: AnalyzeOptions,
    /// The tokens of the last text, reused from text to text.
    tokens: Vec<Token>,
}

impl CanonTokenizer {
    /// The index-side tokenizer: `canon`'s options (search mode,
    /// boilerplate), with term spans kept for the offsets.
    pub fn for_index(canon: Arc<Canon>) -> CanonTokenizer {
        let options = AnalyzeOptions {
            term_spans: true,
            ..canon.options()
        };
        CanonTokenizer {
            canon,
            side: Side::Index,
            options,
            tokens: Vec::new(),
        }
    }

    /// The query-side tokenizer: no search-mode parts (a phrase query would
    /// require them), no boilerplate stage, each mention replaced by its id.
    pub fn for_query(canon: Arc<Canon>) -> CanonTokenizer {
        CanonTokenizer {
            canon,
            side: Side::Query,
            options: AnalyzeOptions {
                search: false,
                boilerplate: boilerplate::Mode::Off,
                term_spans: true,
            },
            tokens: Vec::new(),
        }
    }

    /// The side this tokenizer analyzes for.
    pub fn side(&self) -> Side {
        self.side
    }

    /// Analyzes `text` into `self.tokens`.
    fn fill(&mut self, text: &str) {
        let analysis = self.canon.analyze_with(text, self.options);
        // Query side: the mentions whose words give way to their id.
        let mentions: Vec<(CharSpan, &str)> = match self.side {
            Side::Index => Vec::new(),
            Side::Query => analysis
                .entities
                .iter()
                .map(|m| (m.span, m.id.as_str()))
                .collect(),
        };
        let mut offsets = OffsetMap::new(text, OffsetUnit::Bytes);
        let mut count = 0;
        for term in analysis.terms.iter() {
            let span = term.span.expect("the tokenizer keeps term spans");
            let inside = mentions
                .iter()
                .find(|(mention, _)| mention.start <= span.start && span.end <= mention.end);
            if let Some(&(mention, id)) = inside
                && !(span == mention && term.text == id)
            {
                continue;
            }
            if count == self.tokens.len() {
                self.tokens.push(Token::default());
            }
            let token = &mut self.tokens[count];
            let (from, to) = offsets.span(span);
            token.offset_from = from as usize;
            token.offset_to = to as usize;
            token.position = term.position as usize;
            token.position_length = term.position_length as usize;
            token.text.clear();
            token.text.push_str(term.text);
            count += 1;
        }
        self.tokens.truncate(count);
    }
}

impl Tokenizer for CanonTokenizer {
    type TokenStream<'a> = CanonTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CanonTokenStream<'a> {
        self.fill(text);
        CanonTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// The tokens of one text, as a tantivy [`TokenStream`].
#[derive(Debug)]
pub struct CanonTokenStream<'a> {
    tokens: &'a mut [Token],
    /// One past the current token.
    next: usize,
}

impl TokenStream for CanonTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next.saturating_sub(1)]
    }
}
