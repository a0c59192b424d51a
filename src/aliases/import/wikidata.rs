//! Reading the Wikidata JSON dump (`latest-all.json[.gz|.bz2]`): a JSON
//! array with one entity per line, each line but the last ending in a comma.
//! Lines are read one at a time (bounded by the longest entity) and only the
//! parts an alias table needs are decoded: `type`, `id`, the labels and
//! aliases of the chosen languages, and the statements of P31 (instance of),
//! P749 (parent organization) and P127 (owned by); every other language and
//! property is skipped without being stored.
//!
//! An item becomes an entity when one of its P31 classes is given with
//! `--kind` (the first `--kind` that matches decides the kind); only the
//! direct classes count, not their superclasses, so list the subclasses you
//! want (a SPARQL query for `?c wdt:P279* wd:Q43229` gives them; `--kind
//! org=@classes.txt` reads a list). Its name is the English label (else the
//! `mul` label, else the first label in `--langs` order), its aliases every
//! label and alias in the chosen languages, its parent the first P749 or P127
//! value (preferred statements first, deprecated ones never) that is imported
//! too.

use std::io::BufRead;

use rustc_hash::FxHashMap;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::ImportSummary;
use super::collect::{Collector, Draft};
use crate::aliases::check::is_valid_lang;
use crate::aliases::{Kind, TableProblem};
use crate::decode::LineReader;
use crate::progress::Progress;
use crate::{Error, Result};

/// Entities longer than this (bytes of JSON) are rejected; Wikidata's
/// largest are a few megabytes.
const MAX_ENTITY_BYTES: u64 = 64 << 20;

/// Wikidata language codes whose canon tag is not their code in BCP 47 case.
/// `zh-cn` is mainland usage, which canon's tables write as `zh-Hans`.
const SPECIAL_CODES: [(&str, &str); 5] = [
    ("zh-cn", "zh-Hans"),
    ("zh-yue", "yue"),
    ("zh-classical", "lzh"),
    ("zh-min-nan", "nan"),
    ("simple", "en"),
];

/// canon's language tag for Wikidata language code `code`: the table above,
/// else the code in BCP 47 case (`zh-hans` -> `zh-Hans`, `zh-tw` -> `zh-TW`,
/// `en` -> `en`). `None` for a code that gives no valid tag.
pub fn wikidata_lang_tag(code: &str) -> Option<String> {
    if let Some((_, tag)) = SPECIAL_CODES.iter().find(|(c, _)| *c == code) {
        return Some((*tag).to_string());
    }
    if code.is_empty()
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return None;
    }
    let tag = code
        .split('-')
        .enumerate()
        .map(|(i, part)| match part.len() {
            _ if i == 0 => part.to_string(),
            2 => part.to_ascii_uppercase(),
            4 => part[..1].to_ascii_uppercase() + &part[1..],
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("-");
    is_valid_lang(&tag).then_some(tag)
}

/// The languages to read: the chosen ones with their canon tags, plus `en`
/// and `mul` for names and ids when they are not chosen.
#[derive(Debug)]
pub(super) struct Languages {
    /// Wikidata code -> index into `tags`.
    index: FxHashMap<String, usize>,
    /// canon tag of each language; `None` for a language read for the name only.
    tags: Vec<Option<String>>,
    en: usize,
    mul: usize,
}

impl Languages {
    /// Parses `--langs` values (each may hold several codes separated by commas).
    pub(super) fn parse(codes: &[String]) -> Result<Languages> {
        let mut languages = Languages {
            index: FxHashMap::default(),
            tags: Vec::new(),
            en: 0,
            mul: 0,
        };
        for code in codes.iter().flat_map(|c| c.split(',')).map(str::trim) {
            if code.is_empty() || languages.index.contains_key(code) {
                continue;
            }
            let tag = wikidata_lang_tag(code).ok_or_else(|| {
                Error::ImportOptions(format!(
                    "--langs: {code:?} is not a Wikidata language code like en, zh-hans, zh-tw"
                ))
            })?;
            languages
                .index
                .insert(code.to_string(), languages.tags.len());
            languages.tags.push(Some(tag));
        }
        if languages.tags.is_empty() {
            return Err(Error::ImportOptions("--langs: no language given".into()));
        }
        for (code, slot) in [("en", 0), ("mul", 1)] {
            let at = *languages.index.entry(code.to_string()).or_insert_with(|| {
                languages.tags.push(None);
                languages.tags.len() - 1
            });
            if slot == 0 {
                languages.en = at;
            } else {
                languages.mul = at;
            }
        }
        Ok(languages)
    }
}

/// The P31 classes given with `--kind`, each with its kind and priority.
#[derive(Debug)]
pub(super) struct KindClasses {
    by_class: FxHashMap<u64, (usize, Kind)>,
}

impl KindClasses {
    /// Parses `--kind KIND=CLASS,...` values; a class may be `@FILE`.
    pub(super) fn parse(specs: &[String]) -> Result<KindClasses> {
        if specs.is_empty() {
            return Err(Error::ImportOptions(
                "give the P31 classes to import with --kind KIND=QID,... (for example --kind org=Q4830453,Q43229 --kind person=Q5)".into(),
            ));
        }
        let mut by_class: FxHashMap<u64, (usize, Kind)> = FxHashMap::default();
        for (priority, spec) in specs.iter().enumerate() {
            let bad = |why: String| Error::ImportOptions(format!("--kind {spec}: {why}"));
            let (name, classes) = spec
                .split_once('=')
                .ok_or_else(|| bad("expected KIND=QID,...".into()))?;
            let kind = Kind::parse(name.trim()).ok_or_else(|| {
                bad(format!(
                    "unknown kind {name:?} (expected one of {})",
                    Kind::ALL.map(Kind::as_str).join(", ")
                ))
            })?;
            let mut items: Vec<String> = Vec::new();
            for item in classes.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                match item.strip_prefix('@') {
                    Some(path) => {
                        let text = std::fs::read_to_string(path).map_err(|cause| Error::Io {
                            path: path.into(),
                            cause,
                        })?;
                        items.extend(
                            text.lines()
                                .map(|l| l.split('#').next().unwrap_or(""))
                                .flat_map(|l| l.split(|c: char| c == ',' || c.is_whitespace()))
                                .filter(|t| !t.is_empty())
                                .map(str::to_string),
                        );
                    }
                    None => items.push(item.to_string()),
                }
            }
            if items.is_empty() {
                return Err(bad("no classes".into()));
            }
            for item in items {
                let qid = parse_qid(&item)
                    .ok_or_else(|| bad(format!("{item:?} is not a Wikidata item like Q5")))?;
                match by_class.get(&qid) {
                    Some(&(_, other)) if other != kind => {
                        return Err(bad(format!(
                            "Q{qid} is also given for kind {}",
                            other.as_str()
                        )));
                    }
                    Some(_) => {}
                    None => {
                        by_class.insert(qid, (priority, kind));
                    }
                }
            }
        }
        Ok(KindClasses { by_class })
    }

    /// The kind of an item with P31 classes `classes`: that of the first
    /// `--kind` that lists one of them.
    fn kind_of(&self, classes: &[u64]) -> Option<Kind> {
        classes
            .iter()
            .filter_map(|c| self.by_class.get(c))
            .min_by_key(|(priority, _)| *priority)
            .map(|&(_, kind)| kind)
    }
}

/// The number of a Wikidata item: `Q5`, `wd:Q5` or an entity URL.
fn parse_qid(text: &str) -> Option<u64> {
    let tail = text.rsplit(['/', ':']).next()?;
    let digits = tail.strip_prefix('Q')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Reads a dump into `collector`. Malformed lines are rejected and counted;
/// items that are not entities to import are skipped and counted.
pub(super) fn read(
    reader: Box<dyn BufRead + '_>,
    name: &str,
    langs: &Languages,
    kinds: &KindClasses,
    collector: &mut Collector,
    summary: &mut ImportSummary,
    progress: Option<&dyn Progress>,
) -> Result<()> {
    let mut lines = LineReader::new(reader, MAX_ENTITY_BYTES);
    let mut line = Vec::new();
    let mut number: u64 = 0;
    // A failed read (a damaged or cut compressed dump) stops the import, at
    // the line it was reading.
    let failed = |number: u64, cause| {
        Error::ImportInput(vec![TableProblem {
            file: name.to_string(),
            line: number as usize + 1,
            message: format!("reading failed: {cause}"),
        }])
    };
    while let Some(read) = lines
        .next_line(&mut line)
        .map_err(|cause| failed(number, cause))?
    {
        number += 1;
        let mut text = line.trim_ascii();
        if let Some(rest) = text.strip_suffix(b",") {
            text = rest.trim_ascii_end();
        }
        if text.is_empty() || text == b"[" || text == b"]" {
            continue;
        }
        summary.records += 1;
        let reject = |summary: &mut ImportSummary, message: String| {
            summary.reject(TableProblem {
                file: name.to_string(),
                line: number as usize,
                message,
            })
        };
        if read.len_bytes > MAX_ENTITY_BYTES {
            reject(
                summary,
                format!(
                    "an entity of {} bytes, over the limit of {MAX_ENTITY_BYTES}",
                    read.len_bytes
                ),
            );
            continue;
        }
        match parse_item(text, langs) {
            Ok(item) => match draft(item, langs, kinds, number) {
                Ok(draft) => collector.add(draft, summary)?,
                Err(Skip(reason)) => summary.skip(reason),
            },
            Err(error) => reject(summary, format!("not a Wikidata entity: {error}")),
        }
        if let Some(progress) = progress
            && summary.records.is_multiple_of(4096)
        {
            progress.set_message(format!("{} entities read", summary.records));
        }
    }
    Ok(())
}

/// Why an item is not imported.
struct Skip(&'static str);

/// The draft of an item, or why it is skipped.
fn draft(item: Item, langs: &Languages, kinds: &KindClasses, line: u64) -> Result<Draft, Skip> {
    if item.entity_type.as_deref().is_some_and(|t| t != "item") {
        return Err(Skip("not an item"));
    }
    let qid = item
        .id
        .as_deref()
        .and_then(parse_qid)
        .ok_or(Skip("not an item"))?;
    let kind = kinds.kind_of(&item.p31).ok_or(Skip("no matching class"))?;
    let label_of = |lang: usize| {
        item.labels
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, t)| t.clone())
    };
    let slug_label = label_of(langs.en).or_else(|| label_of(langs.mul));
    let mut names: Vec<(usize, bool, String)> = item
        .labels
        .iter()
        .map(|(l, t)| (*l, false, t.clone()))
        .chain(item.aliases.iter().map(|(l, t)| (*l, true, t.clone())))
        .filter(|(l, _, _)| langs.tags[*l].is_some())
        .collect();
    // Language by language in `--langs` order, the label before the aliases.
    names.sort_by_key(|&(l, is_alias, _)| (l, is_alias));
    let name = slug_label
        .clone()
        .or_else(|| names.iter().find(|(_, a, _)| !a).map(|(_, _, t)| t.clone()))
        .ok_or(Skip("no label in the chosen languages"))?;
    let mut parent_qids = Vec::new();
    for statements in [&item.p749, &item.p127] {
        for preferred in [true, false] {
            parent_qids.extend(
                statements
                    .iter()
                    .filter(|(p, _)| *p == preferred)
                    .map(|&(_, q)| q),
            );
        }
    }
    Ok(Draft {
        qid: Some(qid),
        id: None,
        slug_label,
        name,
        kind,
        parent_id: None,
        parent_qids,
        aliases: names
            .into_iter()
            .map(|(l, _, t)| (langs.tags[l].clone().expect("chosen language"), t))
            .collect(),
        line,
        troubled: false,
    })
}

/// The parts of an entity an import reads.
#[derive(Debug, Default)]
struct Item {
    entity_type: Option<String>,
    id: Option<String>,
    /// `(language index, label)`.
    labels: Vec<(usize, String)>,
    /// `(language index, alias)`.
    aliases: Vec<(usize, String)>,
    /// P31 values of statements that are not deprecated.
    p31: Vec<u64>,
    /// `(preferred, value)` of P749 statements that are not deprecated.
    p749: Vec<(bool, u64)>,
    /// `(preferred, value)` of P127 statements that are not deprecated.
    p127: Vec<(bool, u64)>,
}

fn parse_item(text: &[u8], langs: &Languages) -> serde_json::Result<Item> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let item = ItemSeed(langs).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(item)
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Type,
    Id,
    Labels,
    Aliases,
    Claims,
    #[serde(other)]
    Other,
}

struct ItemSeed<'a>(&'a Languages);

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = Item;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Item, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = Item;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Wikidata entity object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        let mut item = Item::default();
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Type => item.entity_type = Some(map.next_value()?),
                Field::Id => item.id = Some(map.next_value()?),
                Field::Labels => {
                    item.labels = map.next_value_seed(TermsSeed {
                        langs: self.0,
                        several: false,
                    })?;
                }
                Field::Aliases => {
                    item.aliases = map.next_value_seed(TermsSeed {
                        langs: self.0,
                        several: true,
                    })?;
                }
                Field::Claims => map.next_value_seed(ClaimsSeed(&mut item))?,
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(item)
    }
}

/// A language code as a map key: its index among the languages read, or `None`.
struct LangKey<'a>(&'a Languages);

impl<'de> DeserializeSeed<'de> for LangKey<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for LangKey<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a language code")
    }

    fn visit_str<E: de::Error>(self, code: &str) -> Result<Self::Value, E> {
        Ok(self.0.index.get(code).copied())
    }
}

/// `{"value": "..."}`, a label or an alias (its other fields are skipped).
#[derive(Deserialize)]
struct Term {
    value: String,
}

/// `labels` (one term per language) or `aliases` (a list per language),
/// read for the chosen languages only. An empty one is `[]` in the dumps.
struct TermsSeed<'a> {
    langs: &'a Languages,
    several: bool,
}

impl<'de> DeserializeSeed<'de> for TermsSeed<'_> {
    type Value = Vec<(usize, String)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TermsSeed<'_> {
    type Value = Vec<(usize, String)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map from language code to terms")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut terms = Vec::new();
        while let Some(lang) = map.next_key_seed(LangKey(self.langs))? {
            match lang {
                Some(lang) if self.several => terms.extend(
                    map.next_value::<Vec<Term>>()?
                        .into_iter()
                        .map(|t| (lang, t.value)),
                ),
                Some(lang) => terms.push((lang, map.next_value::<Term>()?.value)),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(terms)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum Property {
    P31,
    P127,
    P749,
    #[serde(other)]
    Other,
}

/// `claims`: the statements of P31, P749 and P127 (`[]` when there are none).
struct ClaimsSeed<'a>(&'a mut Item);

impl<'de> DeserializeSeed<'de> for ClaimsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ClaimsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map from property to statements")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(property) = map.next_key::<Property>()? {
            match property {
                Property::P31 => {
                    self.0.p31 = item_values(&mut map)?.into_iter().map(|(_, q)| q).collect();
                }
                Property::P749 => self.0.p749 = item_values(&mut map)?,
                Property::P127 => self.0.p127 = item_values(&mut map)?,
                Property::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// `(preferred, item)` for the statements of one property that have an item
/// value and are not deprecated.
fn item_values<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Vec<(bool, u64)>, A::Error> {
    let statements: Vec<Statement> = map.next_value()?;
    Ok(statements
        .into_iter()
        .filter(|s| s.rank != Rank::Deprecated)
        .filter_map(|s| Some((s.rank == Rank::Preferred, s.mainsnak.datavalue?.value.0?)))
        .collect())
}

#[derive(Deserialize)]
struct Statement {
    mainsnak: Snak,
    #[serde(default)]
    rank: Rank,
}

#[derive(Deserialize, Default, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Rank {
    Preferred,
    Deprecated,
    #[default]
    #[serde(other)]
    Normal,
}

/// A snak; `somevalue` and `novalue` snaks have no `datavalue`.
#[derive(Deserialize)]
struct Snak {
    #[serde(default)]
    datavalue: Option<DataValue>,
}

#[derive(Deserialize)]
struct DataValue {
    value: ItemValue,
}

/// The item a `wikibase-entityid` value names (`{"entity-type": "item",
/// "numeric-id": 5, "id": "Q5"}`); `None` for any other value.
struct ItemValue(Option<u64>);

impl<'de> Deserialize<'de> for ItemValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ItemValueVisitor)
    }
}

struct ItemValueVisitor;

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ValueField {
    #[serde(rename = "entity-type")]
    EntityType,
    #[serde(rename = "numeric-id")]
    NumericId,
    #[serde(rename = "id")]
    Id,
    #[serde(other)]
    Other,
}

impl<'de> Visitor<'de> for ItemValueVisitor {
    type Value = ItemValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a data value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ItemValue, A::Error> {
        let (mut entity_type, mut numeric, mut id) = (None::<String>, None::<u64>, None::<String>);
        while let Some(field) = map.next_key::<ValueField>()? {
            match field {
                ValueField::EntityType => entity_type = Some(map.next_value()?),
                ValueField::NumericId => numeric = map.next_value::<u64>().ok(),
                ValueField::Id => id = Some(map.next_value()?),
                ValueField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if entity_type.as_deref().is_some_and(|t| t != "item") {
            return Ok(ItemValue(None));
        }
        Ok(ItemValue(id.as_deref().and_then(parse_qid).or(numeric)))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<ItemValue, E> {
        Ok(ItemValue(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<ItemValue, E> {
        Ok(ItemValue(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<ItemValue, E> {
        Ok(ItemValue(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<ItemValue, E> {
        Ok(ItemValue(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<ItemValue, E> {
        Ok(ItemValue(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ItemValue, E> {
        Ok(ItemValue(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ItemValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(ItemValue(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(codes: &str) -> Languages {
        Languages::parse(&[codes.to_string()]).unwrap()
    }

    #[test]
    fn language_codes_become_canon_tags() {
        let tag = |c: &str| wikidata_lang_tag(c);
        assert_eq!(tag("en").as_deref(), Some("en"));
        assert_eq!(tag("zh-hans").as_deref(), Some("zh-Hans"));
        assert_eq!(tag("zh-hant").as_deref(), Some("zh-Hant"));
        assert_eq!(tag("zh-cn").as_deref(), Some("zh-Hans"));
        assert_eq!(tag("zh-tw").as_deref(), Some("zh-TW"));
        assert_eq!(tag("zh-hk").as_deref(), Some("zh-HK"));
        assert_eq!(tag("zh-yue").as_deref(), Some("yue"));
        assert_eq!(tag("be-tarask").as_deref(), Some("be-tarask"));
        assert_eq!(tag("mul").as_deref(), Some("mul"));
        for bad in ["", "EN", "zh_hans", "english", "x-"] {
            assert_eq!(tag(bad), None, "{bad}");
        }
        assert!(Languages::parse(&["en,klingon-lang".into()]).is_err());
    }

    #[test]
    fn kinds_take_classes_and_files_and_refuse_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("classes.txt");
        std::fs::write(
            &file,
            "# companies\nQ4830453, Q6881511\nhttp://www.wikidata.org/entity/Q891723\n",
        )
        .unwrap();
        let kinds = KindClasses::parse(&[
            "person=Q5".into(),
            format!("org=Q43229,@{}", file.display()),
        ])
        .unwrap();
        assert_eq!(kinds.kind_of(&[891723]), Some(Kind::Org));
        assert_eq!(kinds.kind_of(&[43229, 5]), Some(Kind::Person));
        assert_eq!(kinds.kind_of(&[1]), None);
        for bad in ["org", "planet=Q5", "org=", "org=X5", "org=Q05"] {
            assert!(KindClasses::parse(&[bad.into()]).is_err(), "{bad}");
        }
        let conflict = KindClasses::parse(&["org=Q5".into(), "person=Q5".into()]);
        assert!(
            conflict
                .unwrap_err()
                .to_string()
                .contains("also given for kind org")
        );
        assert!(KindClasses::parse(&[]).is_err());
    }

    #[test]
    fn only_chosen_languages_and_three_properties_are_read() {
        let langs = langs("zh-hans,ja");
        let line = r#"{"type":"item","id":"Q95","labels":{"en":{"language":"en","value":"Google"},"de":{"language":"de","value":"Google"},"zh-hans":{"language":"zh-hans","value":"谷歌"}},"aliases":{"zh-hans":[{"language":"zh-hans","value":"Google公司"}],"fr":[{"language":"fr","value":"G"}]},"claims":{"P31":[{"mainsnak":{"snaktype":"value","property":"P31","datavalue":{"value":{"entity-type":"item","numeric-id":4830453,"id":"Q4830453"},"type":"wikibase-entityid"}},"type":"statement","rank":"normal"}],"P571":[{"mainsnak":{"snaktype":"value","property":"P571","datavalue":{"value":{"time":"+1998-09-04T00:00:00Z"},"type":"time"}},"rank":"normal"}],"P127":[{"mainsnak":{"snaktype":"somevalue","property":"P127"},"rank":"normal"},{"mainsnak":{"snaktype":"value","property":"P127","datavalue":{"value":{"entity-type":"item","numeric-id":20800404,"id":"Q20800404"},"type":"wikibase-entityid"}},"rank":"normal"},{"mainsnak":{"snaktype":"value","property":"P127","datavalue":{"value":{"entity-type":"item","numeric-id":1,"id":"Q1"},"type":"wikibase-entityid"}},"rank":"deprecated"}]},"sitelinks":[]}"#;
        let item = parse_item(line.as_bytes(), &langs).unwrap();
        assert_eq!(item.id.as_deref(), Some("Q95"));
        assert_eq!(item.p31, [4830453]);
        assert_eq!(item.p127, [(false, 20800404)]);
        let zh = langs.index["zh-hans"];
        assert_eq!(
            item.labels,
            [(langs.en, "Google".into()), (zh, "谷歌".into())]
        );
        assert_eq!(item.aliases, [(zh, "Google公司".into())]);
        let kinds = KindClasses::parse(&["org=Q4830453".into()]).unwrap();
        let draft = draft(item, &langs, &kinds, 2).ok().unwrap();
        // English is read for the name and id, not as an alias: it was not chosen.
        assert_eq!(
            (draft.name.as_str(), draft.slug_label.as_deref()),
            ("Google", Some("Google"))
        );
        assert_eq!(
            draft.aliases,
            [
                ("zh-Hans".to_string(), "谷歌".to_string()),
                ("zh-Hans".into(), "Google公司".into())
            ]
        );
        assert_eq!(draft.parent_qids, [20800404]);
    }

    #[test]
    fn empty_maps_are_arrays_in_dumps() {
        let item = parse_item(
            br#"{"type":"item","id":"Q1","labels":[],"aliases":[],"claims":[]}"#,
            &langs("en"),
        )
        .unwrap();
        assert!(item.labels.is_empty() && item.p31.is_empty());
        assert!(parse_item(br#"{"id":"Q1","labels":{"en":"x"}}"#, &langs("en")).is_err());
        assert!(parse_item(br#"{"id":"Q1"} trailing"#, &langs("en")).is_err());
    }

    #[test]
    fn parents_prefer_preferred_statements_and_p749() {
        let langs = langs("en");
        let kinds = KindClasses::parse(&["org=Q43229".into()]).unwrap();
        let statement = |q: u64, rank: &str| {
            format!(
                r#"{{"mainsnak":{{"snaktype":"value","datavalue":{{"value":{{"entity-type":"item","numeric-id":{q},"id":"Q{q}"}},"type":"wikibase-entityid"}}}},"rank":"{rank}"}}"#
            )
        };
        let line = format!(
            r#"{{"type":"item","id":"Q9","labels":{{"en":{{"language":"en","value":"Nine"}}}},"claims":{{"P127":[{}],"P31":[{}],"P749":[{},{}]}}}}"#,
            statement(1, "normal"),
            statement(43229, "normal"),
            statement(2, "normal"),
            statement(3, "preferred"),
        );
        let item = parse_item(line.as_bytes(), &langs).unwrap();
        let draft = draft(item, &langs, &kinds, 1).ok().unwrap();
        assert_eq!(draft.parent_qids, [3, 2, 1]);
    }

    #[test]
    fn qids_are_read_from_ids_and_urls() {
        assert_eq!(parse_qid("Q42"), Some(42));
        assert_eq!(parse_qid("wd:Q42"), Some(42));
        assert_eq!(parse_qid("http://www.wikidata.org/entity/Q42"), Some(42));
        for bad in ["42", "P31", "Q", "Q01", "Q4 2", "L5"] {
            assert_eq!(parse_qid(bad), None, "{bad}");
        }
    }
}
