//! canon as the analyzer of a tantivy index: indexes the `.txt` articles of a
//! folder into an index on disk, then answers queries with highlighted
//! snippets.
//!
//! ```text
//! cargo run --release --features tantivy --example tantivy_search -- \
//!     data/samples /tmp/canon-index '"Moon Shadow"' 字節跳動 '"ai bets"'
//! ```
//!
//! The index is built when INDEX_DIR does not exist yet (delete it to
//! rebuild). Queries use tantivy's query syntax: quote a multi-word name
//! (`"Moon Shadow"`), since the parser analyzes unquoted words one by one.

use anyhow::{Context, Result, bail};
use canon::Canon;
use canon::aliases::AliasTable;
use canon::tantivy::{CanonTokenizer, TOKENIZER_NAME};
use std::path::Path;
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, STRING, Schema, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{Index, IndexWriter, TantivyDocument};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [articles, index_dir, queries @ ..] = args.as_slice() else {
        bail!("usage: tantivy_search ARTICLES_DIR INDEX_DIR QUERY...");
    };
    let table = AliasTable::load(&[]).map_err(canon::Error::AliasTable)?;
    let canon = Arc::new(Canon::new(table));
    let (schema, path, body) = schema();
    let index_dir = Path::new(index_dir);
    let index = if index_dir.exists() {
        Index::open_in_dir(index_dir).context("opening the index")?
    } else {
        std::fs::create_dir_all(index_dir)?;
        let index = Index::create_in_dir(index_dir, schema)?;
        register(&index, &canon);
        let count = add_articles(&index, Path::new(articles), path, body)?;
        eprintln!("indexed {count} articles into {}", index_dir.display());
        index
    };
    register(&index, &canon);

    let searcher = index.reader()?.searcher();
    // Queries are analyzed by the query side of the same pipeline.
    let query_side = TokenizerManager::default();
    query_side.register(
        TOKENIZER_NAME,
        TextAnalyzer::from(CanonTokenizer::for_query(canon.clone())),
    );
    let parser = QueryParser::new(index.schema(), vec![body], query_side);
    for text in queries {
        let query = parser.parse_query(text)?;
        let hits = searcher.search(&query, &TopDocs::with_limit(5).order_by_score())?;
        println!("{text}: {} hit(s)", hits.len());
        let mut snippets = SnippetGenerator::create(&searcher, &*query, body)?;
        snippets.set_max_num_chars(80);
        for (score, address) in hits {
            let doc: TantivyDocument = searcher.doc(address)?;
            let name = doc.get_first(path).and_then(|v| v.as_str()).unwrap_or("?");
            let snippet = snippets.snippet_from_doc(&doc).to_html();
            println!("  {score:.3}  {name}  {}", snippet.replace('\n', " "));
        }
    }
    Ok(())
}

/// `path` (stored, not analyzed) and `body` (analyzed by canon, with
/// positions for phrase queries, stored for snippets).
fn schema() -> (Schema, Field, Field) {
    let mut builder = Schema::builder();
    let path = builder.add_text_field("path", STRING | STORED);
    let body = builder.add_text_field("body", canon::tantivy::text_options());
    (builder.build(), path, body)
}

/// The index side of canon, under the name the schema gives.
fn register(index: &Index, canon: &Arc<Canon>) {
    index.tokenizers().register(
        TOKENIZER_NAME,
        TextAnalyzer::from(CanonTokenizer::for_index(canon.clone())),
    );
}

fn add_articles(index: &Index, folder: &Path, path: Field, body: Field) -> Result<usize> {
    let mut writer: IndexWriter = index.writer(50_000_000)?;
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .with_context(|| format!("reading {}", folder.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let file = entry.path();
        if file.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let mut doc = TantivyDocument::default();
        doc.add_text(path, file.display().to_string());
        doc.add_text(body, &text);
        writer.add_document(doc)?;
        count += 1;
    }
    writer.commit()?;
    Ok(count)
}
