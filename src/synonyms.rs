//! The alias table as the synonym files search engines read (`canon alias
//! export`).
//!
//! Each entity becomes one *equivalence rule*: its aliases that a plain
//! synonym file can express, every one standing for every other (Solr's
//! `Moonshot AI, 月之暗面`). An alias is left out (and counted, and listed
//! with `--verbose`) when canon matches it only on evidence a synonym filter
//! cannot see:
//!
//! * `case = "exact"` (a synonym filter after a lowercase filter would map
//!   every "us" to the United States);
//! * `needs = "support"` (Apple the fruit);
//! * blockers (小米粥 is not Xiaomi);
//! * a short form (a surname alone) or an acronym, which stand only beside
//!   the full name or when the document does not define them otherwise;
//! * an alias another entity shares (a rule would merge the two).
//!
//! An entity with fewer than two aliases left has no rule. Aliases that
//! differ only in case are written once (engines lowercase); spellings that
//! canon folds but an engine may not (ＤｅｅｐＳｅｅｋ, 字節跳動 beside 字节跳动)
//! are all kept, since matching them is what the file is for.
//!
//! Formats ([`SynonymFormat`]), each as its engine documents it:
//! Solr's `synonyms.txt` (also what Elasticsearch's and OpenSearch's
//! `synonyms_path` read), the body of Elasticsearch's synonyms set API
//! (`PUT _synonyms/<set>`: `synonyms_set` of rules in Solr format), an
//! OpenSearch `synonym_graph` filter definition with its rules inline,
//! Meilisearch's synonyms setting (an object from each alias to the others:
//! Meilisearch rules are one-way, so each direction is written), and canon's
//! own JSON Lines (one entity a line, with what was left out and why).

use std::io::Write;

use serde_json::json;

use crate::aliases::{AliasForm, AliasRef, AliasTable};
use crate::{Error, Result};

/// A synonym file format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynonymFormat {
    /// Solr's synonyms.txt: one comma-separated equivalence rule a line.
    Solr,
    /// Elasticsearch's synonyms set API body.
    Elasticsearch,
    /// An OpenSearch `synonym_graph` token filter with inline rules.
    Opensearch,
    /// Meilisearch's synonyms setting.
    Meilisearch,
    /// canon's JSON Lines: an entity a line with its synonyms and what was
    /// left out.
    Jsonl,
}

/// Why an alias is not in a synonym file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// `case = "exact"`.
    ExactCase,
    /// `needs = "support"`.
    NeedsSupport,
    /// It has blockers.
    Blockers,
    /// A short form (surname, given name).
    ShortForm,
    /// An acronym.
    Acronym,
    /// Another entity has an alias with the same key.
    Shared,
}

impl LeftOut {
    /// The reason as written in `--verbose` and the JSON Lines.
    pub fn as_str(self) -> &'static str {
        match self {
            LeftOut::ExactCase => "exact case",
            LeftOut::NeedsSupport => "needs support",
            LeftOut::Blockers => "blockers",
            LeftOut::ShortForm => "short form",
            LeftOut::Acronym => "acronym",
            LeftOut::Shared => "shared with another entity",
        }
    }
}

/// One entity's rule: the aliases kept and those left out.
#[derive(Debug, Clone)]
pub struct SynonymRule<'t> {
    /// The entity's id.
    pub id: &'t str,
    /// The aliases a synonym file can express, deduplicated, in table order.
    pub synonyms: Vec<&'t str>,
    /// The aliases left out, with why.
    pub left_out: Vec<(&'t str, LeftOut)>,
}

impl SynonymRule<'_> {
    /// Whether the rule is written to a synonym file (two aliases or more).
    pub fn is_written(&self) -> bool {
        self.synonyms.len() >= 2
    }
}

/// Every entity's rule, in table order.
pub fn rules(table: &AliasTable) -> Vec<SynonymRule<'_>> {
    (0..table.entity_count() as u32)
        .map(|entity| {
            let e = table.entity_at(entity);
            let mut rule = SynonymRule {
                id: e.id,
                synonyms: Vec::new(),
                left_out: Vec::new(),
            };
            let mut seen: Vec<String> = Vec::new();
            for (index, alias) in e.aliases().enumerate() {
                let at = AliasRef {
                    entity,
                    alias: index as u32,
                };
                let reason = if alias.case_exact {
                    Some(LeftOut::ExactCase)
                } else if alias.needs_support {
                    Some(LeftOut::NeedsSupport)
                } else if !alias.blockers().is_empty() {
                    Some(LeftOut::Blockers)
                } else if table.form(at) == AliasForm::Short {
                    Some(LeftOut::ShortForm)
                } else if table.form(at) == AliasForm::Acronym {
                    Some(LeftOut::Acronym)
                } else if table
                    .aliases_with_key(alias.key)
                    .iter()
                    .any(|r| r.entity != at.entity)
                {
                    Some(LeftOut::Shared)
                } else {
                    None
                };
                match reason {
                    Some(reason) => rule.left_out.push((alias.text, reason)),
                    None => {
                        let folded = alias.text.to_lowercase();
                        if !seen.contains(&folded) {
                            seen.push(folded);
                            rule.synonyms.push(alias.text);
                        }
                    }
                }
            }
            rule
        })
        .collect()
}

/// Counts of an export, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Rules written.
    pub rules: usize,
    /// Aliases written in them.
    pub aliases: usize,
    /// Aliases left out for their evidence rules.
    pub left_out: usize,
    /// Entities without a rule (fewer than two aliases kept).
    pub without_rule: usize,
}

/// Writes `rules` to `out` in `format`.
pub fn write(
    rules: &[SynonymRule<'_>],
    format: SynonymFormat,
    out: &mut dyn Write,
) -> Result<ExportSummary> {
    let mut summary = ExportSummary::default();
    for rule in rules {
        summary.left_out += rule.left_out.len();
        if rule.is_written() {
            summary.rules += 1;
            summary.aliases += rule.synonyms.len();
        } else {
            summary.without_rule += 1;
        }
    }
    let written = rules.iter().filter(|r| r.is_written());
    let text = match format {
        SynonymFormat::Solr => {
            let mut text = String::from(
                "# Synonyms from canon's alias table: one equivalence rule per entity (Solr format).\n",
            );
            for rule in written {
                text.push_str(&format!("# {}\n{}\n", rule.id, solr_rule(rule)));
            }
            text
        }
        SynonymFormat::Elasticsearch => {
            let set: Vec<_> = written
                .map(|r| json!({"id": r.id, "synonyms": solr_rule(r)}))
                .collect();
            pretty(&json!({ "synonyms_set": set }))?
        }
        SynonymFormat::Opensearch => {
            let synonyms: Vec<_> = written.map(solr_rule).collect();
            pretty(&json!({"type": "synonym_graph", "synonyms": synonyms}))?
        }
        SynonymFormat::Meilisearch => {
            let mut object = serde_json::Map::new();
            for rule in written {
                for &alias in &rule.synonyms {
                    let others: Vec<&str> = rule
                        .synonyms
                        .iter()
                        .copied()
                        .filter(|&other| other != alias)
                        .collect();
                    object.insert(alias.to_string(), json!(others));
                }
            }
            pretty(&serde_json::Value::Object(object))?
        }
        SynonymFormat::Jsonl => {
            let mut text = String::new();
            for rule in rules {
                let left_out: Vec<_> = rule
                    .left_out
                    .iter()
                    .map(|(alias, why)| json!({"alias": alias, "reason": why.as_str()}))
                    .collect();
                let line = json!({"id": rule.id, "synonyms": rule.synonyms, "left_out": left_out});
                text.push_str(&line.to_string());
                text.push('\n');
            }
            text
        }
    };
    out.write_all(text.as_bytes()).map_err(Error::Output)?;
    Ok(summary)
}

fn pretty(value: &serde_json::Value) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::Output(e.into()))?;
    text.push('\n');
    Ok(text)
}

/// One rule in Solr's format: aliases joined by `, `, each with `\`, `,`
/// and `=` escaped by a backslash (so no alias reads as a separator or as
/// `=>`), and a leading `#` too (it would start a comment).
pub fn solr_rule(rule: &SynonymRule<'_>) -> String {
    rule.synonyms
        .iter()
        .map(|alias| {
            let mut escaped = String::with_capacity(alias.len());
            for (at, c) in alias.chars().enumerate() {
                if matches!(c, '\\' | ',' | '=') || (at == 0 && c == '#') {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            escaped
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits a Solr synonyms line as Solr's parser does (documented: `,`
    /// separates, `=>` maps, `\` escapes), unescaping each term.
    fn parse_solr_line(line: &str) -> Vec<String> {
        let mut terms = vec![String::new()];
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => terms
                    .last_mut()
                    .unwrap()
                    .push(chars.next().expect("escape")),
                ',' => terms.push(String::new()),
                '=' => panic!("unescaped = in {line}"),
                c => terms.last_mut().unwrap().push(c),
            }
        }
        terms.into_iter().map(|t| t.trim().to_string()).collect()
    }

    #[test]
    fn solr_escapes_what_its_parser_splits_on() {
        let rule = SynonymRule {
            id: "x",
            synonyms: vec!["A, Inc.", "a=>b", r"back\slash", "#hash", "in#side"],
            left_out: Vec::new(),
        };
        let line = solr_rule(&rule);
        assert_eq!(line, r"A\, Inc., a\=>b, back\\slash, \#hash, in#side");
        assert_eq!(parse_solr_line(&line), rule.synonyms);
    }
}
