//! canon as the analyzer of a tantivy index (`cargo test --features tantivy
//! --test tantivy`): an in-RAM index of the sample articles, searched in
//! other languages and scripts than the articles are written in.

use canon::Canon;
use canon::aliases::AliasTable;
use canon::tantivy::{CanonTokenizer, TOKENIZER_NAME};
use std::sync::{Arc, OnceLock};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, STRING, Schema, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager};
use tantivy::{Index, IndexWriter, TantivyDocument};

const ARTICLES: [&str; 3] = ["en-moonshot.txt", "zh-moonshot.txt", "zh-hant-chips.txt"];

fn canon() -> Arc<Canon> {
    static CANON: OnceLock<Arc<Canon>> = OnceLock::new();
    CANON
        .get_or_init(|| Arc::new(Canon::new(AliasTable::load(&[]).expect("default table"))))
        .clone()
}

fn article(name: &str) -> String {
    let path = format!("{}/data/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The sample articles indexed with `tokenizer` as the body's analyzer;
/// returns the index, its `name` and `body` fields.
fn index_with(tokenizer: TextAnalyzer) -> (Index, Field, Field) {
    let mut builder = Schema::builder();
    let name = builder.add_text_field("name", STRING | STORED);
    let body = builder.add_text_field("body", canon::tantivy::text_options());
    let index = Index::create_in_ram(builder.build());
    index.tokenizers().register(TOKENIZER_NAME, tokenizer);
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for file in ARTICLES {
        let mut doc = TantivyDocument::default();
        doc.add_text(name, file);
        doc.add_text(body, article(file));
        writer.add_document(doc).unwrap();
    }
    writer.commit().unwrap();
    (index, name, body)
}

/// Searches the index built with canon, queries analyzed by canon's query
/// side; returns the names of the articles found, sorted.
struct Searcher {
    index: Index,
    name: Field,
    parser: QueryParser,
}

impl Searcher {
    fn canon() -> &'static Searcher {
        static SEARCHER: OnceLock<Searcher> = OnceLock::new();
        SEARCHER.get_or_init(|| {
            let (index, name, body) =
                index_with(TextAnalyzer::from(CanonTokenizer::for_index(canon())));
            let queries = TokenizerManager::default();
            queries.register(
                TOKENIZER_NAME,
                TextAnalyzer::from(CanonTokenizer::for_query(canon())),
            );
            let parser = QueryParser::new(index.schema(), vec![body], queries);
            Searcher {
                index,
                name,
                parser,
            }
        })
    }

    fn find(&self, query: &str) -> Vec<String> {
        let query = self.parser.parse_query(query).expect("query parses");
        let searcher = self.index.reader().unwrap().searcher();
        let hits = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        let mut names: Vec<String> = hits
            .into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address).unwrap();
                doc.get_first(self.name)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        names.sort();
        names
    }
}

#[test]
fn an_english_name_finds_the_chinese_article() {
    // zh-moonshot.txt says 月之暗面 and never "Moon Shadow".
    assert!(!article("zh-moonshot.txt").contains("Moon Shadow"));
    assert_eq!(
        Searcher::canon().find(r#""Moon Shadow""#),
        ["en-moonshot.txt", "zh-moonshot.txt"]
    );
    assert_eq!(
        Searcher::canon().find("月之暗面"),
        ["en-moonshot.txt", "zh-moonshot.txt"]
    );
}

#[test]
fn traditional_chinese_finds_the_english_and_the_simplified_spelling() {
    // en-moonshot.txt writes ByteDance, zh-moonshot.txt 字节跳动,
    // zh-hant-chips.txt 字節跳動.
    let all = ["en-moonshot.txt", "zh-hant-chips.txt", "zh-moonshot.txt"];
    assert_eq!(Searcher::canon().find("字節跳動"), all);
    assert_eq!(Searcher::canon().find("ByteDance"), all);
    // Huawei is named (華為) in the traditional article only.
    assert_eq!(Searcher::canon().find("Huawei"), ["zh-hant-chips.txt"]);
    assert_eq!(Searcher::canon().find("华为"), ["zh-hant-chips.txt"]);
}

#[test]
fn phrases_of_the_original_words_still_match_around_an_entity() {
    let searcher = Searcher::canon();
    // "Moonshot AI bets on long context": the id stacked on "moonshot"
    // does not push "bets" away from "ai".
    assert_eq!(searcher.find(r#""ai bets""#), ["en-moonshot.txt"]);
    assert_eq!(searcher.find(r#""Moonshot AI bets""#), ["en-moonshot.txt"]);
    assert_eq!(
        searcher.find(r#""bets on long context""#),
        ["en-moonshot.txt"]
    );
    // Words that are in the article but not next to each other.
    assert!(searcher.find(r#""moonshot bets""#).is_empty());
    assert!(searcher.find(r#""ai long""#).is_empty());
}

#[test]
fn a_plain_tokenizer_finds_only_the_words_written() {
    // The payoff, shown by its absence: tantivy's default analyzer knows
    // no 月之暗面 in "Moon Shadow", and no ByteDance in 字節跳動.
    let (index, name, body) = index_with(TextAnalyzer::from(
        tantivy::tokenizer::SimpleTokenizer::default(),
    ));
    let queries = TokenizerManager::default();
    queries.register(
        TOKENIZER_NAME,
        tantivy::tokenizer::SimpleTokenizer::default(),
    );
    let plain = Searcher {
        parser: QueryParser::new(index.schema(), vec![body], queries),
        index,
        name,
    };
    assert_eq!(plain.find(r#""Moon Shadow""#), ["en-moonshot.txt"]);
    assert!(
        plain
            .find("ByteDance")
            .iter()
            .all(|n| n == "en-moonshot.txt")
    );
}

fn tokens(tokenizer: &mut CanonTokenizer, text: &str) -> Vec<Token> {
    let mut stream = tokenizer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().clone());
    }
    tokens
}

#[test]
fn offsets_are_bytes_of_the_text_for_highlighting() {
    let text = "“Ｍｏｏｎｓｈｏｔ AI” bets; 月之暗面 and 字節跳動 too";
    let mut tokenizer = CanonTokenizer::for_index(canon());
    let found = tokens(&mut tokenizer, text);
    let slice = |term: &str| {
        let token = found.iter().find(|t| t.text == term).expect(term);
        (
            &text[token.offset_from..token.offset_to],
            token.position,
            token.position_length,
        )
    };
    assert_eq!(slice("moonshot"), ("Ｍｏｏｎｓｈｏｔ", 0, 1));
    assert_eq!(slice("moonshot-ai"), ("Ｍｏｏｎｓｈｏｔ AI", 0, 2));
    assert_eq!(slice("bets"), ("bets", 2, 1));
    // 字节跳动 is two dictionary words; the id spans both, from the first.
    assert_eq!(slice("字节"), ("字節", 5, 1));
    assert_eq!(slice("跳动"), ("跳動", 6, 1));
    assert_eq!(slice("bytedance"), ("字節跳動", 5, 2));
    // The stream is refilled, not appended to, text after text.
    assert_eq!(tokens(&mut tokenizer, "bets").len(), 1);
    assert!(tokens(&mut tokenizer, "").is_empty());
}

#[test]
fn the_query_side_replaces_a_mention_by_its_id() {
    let mut query = CanonTokenizer::for_query(canon());
    let mut terms = |text| -> Vec<(String, usize)> {
        tokens(&mut query, text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    };
    assert_eq!(terms("Moon Shadow"), [("moonshot-ai".to_string(), 0)]);
    // Words after the mention keep their positions, as in the index.
    assert_eq!(
        terms("Moonshot AI bets"),
        [("moonshot-ai".to_string(), 0), ("bets".to_string(), 2)]
    );
    assert_eq!(
        terms("ai bets"),
        [("ai".to_string(), 0), ("bets".to_string(), 1)]
    );
}

#[test]
fn snippets_highlight_the_mention_a_query_found() {
    let searcher = Searcher::canon();
    let query = searcher.parser.parse_query(r#""Moon Shadow""#).unwrap();
    let reader = searcher.index.reader().unwrap().searcher();
    let body = searcher.index.schema().get_field("body").unwrap();
    let generator = SnippetGenerator::create(&reader, &*query, body).unwrap();
    let snippet = generator.snippet(&article("zh-moonshot.txt"));
    let highlighted: Vec<&str> = snippet
        .highlighted()
        .iter()
        .map(|range| &snippet.fragment()[range.clone()])
        .collect();
    // The mentions of Moonshot AI, and of Kimi, its product (an entity's
    // parents' ids are indexed with its own).
    assert!(highlighted.contains(&"月之暗面"), "{highlighted:?}");
    assert!(
        highlighted
            .iter()
            .all(|h| ["月之暗面", "Moonshot AI", "Kimi"].contains(h)),
        "{highlighted:?}"
    );
}
