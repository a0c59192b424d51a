//! Japanese, Thai and Korean end to end: `canon normalize` on short texts
//! written for the project gives words (not one token per kanji or Thai
//! letter), Korean names before a particle as entities with the span on the
//! name and the stem as a term, Japanese aliases matched as written, and
//! `lang_spans` for an English text quoting a Chinese paragraph. Each
//! behaviour is tested both ways: what must come out and what must not.

use assert_cmd::Command;
use serde_json::Value;

/// Short records in each language, written for these tests (no third-party
/// text). Their output is the snapshot `languages__normalize.snap`.
const RECORDS: &[(&str, &str)] = &[
    ("ja-bank", "東京都の日本銀行は金利を据え置いた。"),
    (
        "ja-companies",
        "ソニーとトヨタは日本語の資料を東京で公開した。",
    ),
    ("ja-game", "任天堂の新作ゲームが発売された。"),
    (
        "ja-places",
        "朝日新聞によると、東芝は広島県と沖縄で北朝鮮について発表した。",
    ),
    ("th-language", "ภาษาไทยเป็นภาษาที่สวยงาม"),
    ("th-capital", "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย"),
    ("ko-samsung", "삼성전자는 서울에서 새 공장을 열었다."),
    (
        "ko-particles",
        "애플은 서울로 갔다. 삼성전자의 주가가 올랐다.",
    ),
    (
        "ko-no-particle",
        "국가 경제가 성장했다. 한국가스공사는 고양이를 좋아한다.",
    ),
    ("en-quote", QUOTE),
];

/// An English text quoting a Chinese paragraph: one record, two languages.
const QUOTE: &str = "The minister opened the meeting with a long speech about trade and then \
read a short passage from the report in the original: \
\"中华人民共和国成立以来，经济发展迅速，人民生活水平不断提高。\" \
After the reading, the delegates asked about tariffs and the timetable for the next round of talks.";

/// `canon normalize --spans` on `records` (id, text), one output record per
/// input record, in order.
fn normalize(records: &[(&str, &str)]) -> (String, Vec<Value>) {
    let input: String = records
        .iter()
        .map(|(id, text)| serde_json::json!({ "id": id, "text": text }).to_string() + "\n")
        .collect();
    let output = Command::new(env!("CARGO_BIN_EXE_canon"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["normalize", "--spans", "--quiet"])
        .write_stdin(input)
        .output()
        .expect("canon runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let parsed: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each output line is JSON"))
        .collect();
    assert_eq!(parsed.len(), records.len(), "records in = records out");
    (stdout, parsed)
}

/// The one output record of `text`.
fn one(text: &str) -> Value {
    normalize(&[("x", text)]).1.remove(0)
}

fn tokens(record: &Value) -> Vec<&str> {
    record["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .map(|t| t.as_str().expect("a token is a string"))
        .collect()
}

/// The span of the first token equal to `term`.
fn span_of(record: &Value, term: &str) -> Option<(u64, u64)> {
    let index = tokens(record).iter().position(|t| *t == term)?;
    let span = &record["token_spans"][index];
    Some((span[0].as_u64()?, span[1].as_u64()?))
}

/// (id, surface, start, end) of every entity.
fn entities(record: &Value) -> Vec<(String, String, u64, u64)> {
    record["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["surface"].as_str().unwrap().to_string(),
                e["start"].as_u64().unwrap(),
                e["end"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn entity_ids(record: &Value) -> Vec<String> {
    entities(record).into_iter().map(|e| e.0).collect()
}

#[test]
fn japanese_thai_and_korean_records_normalize_to_the_snapshot() {
    let (stdout, records) = normalize(RECORDS);
    for (record, (id, _)) in records.iter().zip(RECORDS) {
        assert_eq!(record["id"], *id);
        let lang = &id[..2];
        assert_eq!(record["lang"], lang, "{id}: {}", record["lang"]);
    }
    insta::assert_snapshot!("normalize", stdout);
}

#[test]
fn japanese_kanji_come_out_as_words_not_one_token_per_character() {
    let record = one("東京都の日本銀行は金利を据え置いた。");
    let terms = tokens(&record);
    // Must: 東京 and 日本銀行's words are whole.
    for word in ["東京", "日本", "銀行", "金利"] {
        assert!(terms.contains(&word), "{word} in {terms:?}");
    }
    // Must not: one token per kanji, as before ICU segmentation.
    for kanji in ["東", "京", "銀", "行"] {
        assert!(!terms.contains(&kanji), "{kanji} alone in {terms:?}");
    }
}

#[test]
fn japanese_aliases_match_as_written_and_not_inside_a_longer_word() {
    let record = one("ソニーとトヨタは日本語の資料を公開した。任天堂の新作も出た。");
    let found = entities(&record);
    // Must: katakana and kanji names of the Japanese table, spans on the name.
    assert!(
        found.contains(&("sony".into(), "ソニー".into(), 0, 3)),
        "{found:?}"
    );
    assert!(
        found.contains(&("toyota".into(), "トヨタ".into(), 4, 7)),
        "{found:?}"
    );
    assert!(
        entity_ids(&record).contains(&"nintendo".to_string()),
        "{found:?}"
    );
    // Must not: 日本 inside 日本語 (the Japanese language) is no mention of Japan.
    assert!(
        !entity_ids(&record).contains(&"japan".to_string()),
        "{found:?}"
    );

    let bank = one("日本銀行は金利を据え置いた。");
    assert_eq!(
        entities(&bank),
        vec![("bank-of-japan".into(), "日本銀行".into(), 0, 4)]
    );
}

#[test]
fn japanese_place_and_company_names_written_the_japanese_way_match() {
    // Kanji that Chinese writes otherwise (東 / 东, 県 / 县, 聞 / 闻, 縄 / 绳):
    // matched through aliases.ja, as written.
    let record = one("朝日新聞によると、東芝は広島県と沖縄で北朝鮮について発表した。");
    let ids = entity_ids(&record);
    for id in [
        "asahi-shimbun",
        "toshiba",
        "hiroshima-prefecture",
        "okinawa",
        "north-korea",
    ] {
        assert!(ids.contains(&id.to_string()), "{id} in {ids:?}");
    }
    // Must not: the prefecture is no mention of the city of the same name.
    assert!(!ids.contains(&"hiroshima".to_string()), "{ids:?}");

    // The longest name wins: 東京都 is the metropolis, 東京 alone the city.
    let record = one("東京都の日本銀行は金利を据え置いた。");
    let found = entities(&record);
    assert!(
        found.contains(&("tokyo-metropolis".into(), "東京都".into(), 0, 3)),
        "{found:?}"
    );
    assert!(
        !entity_ids(&record).contains(&"tokyo".to_string()),
        "{found:?}"
    );
    let record = one("東京で会議が開かれ、ソウルとパリからも参加した。");
    let found = entities(&record);
    for (id, surface) in [("tokyo", "東京"), ("seoul", "ソウル"), ("paris", "パリ")] {
        assert!(
            found.iter().any(|e| e.0 == id && e.1 == surface),
            "{id} in {found:?}"
        );
    }
}

#[test]
fn thai_comes_out_as_words_not_one_token_per_letter() {
    let record = one("ภาษาไทยเป็นภาษาที่สวยงาม");
    assert_eq!(
        tokens(&record),
        ["ภาษา", "ไทย", "เป็น", "ภาษา", "ที่", "สวยงาม"]
    );
    let capital = one("กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย");
    let terms = tokens(&capital);
    assert!(terms.contains(&"กรุงเทพมหานคร"), "{terms:?}");
    // Must not: a token of a single Thai letter or grapheme cluster.
    for record in [&record, &capital] {
        for term in tokens(record) {
            assert!(term.chars().count() > 1, "{term:?} in {:?}", tokens(record));
        }
    }
}

#[test]
fn a_korean_name_before_a_particle_is_an_entity_spanning_the_name_with_a_stem_term() {
    let record = one("삼성전자는 서울에서 새 공장을 열었다.");
    // The word stays a term; the stem is a term at the name's span.
    assert_eq!(span_of(&record, "삼성전자는"), Some((0, 5)));
    assert_eq!(span_of(&record, "삼성전자"), Some((0, 4)));
    assert_eq!(span_of(&record, "서울"), Some((6, 8)));
    let found = entities(&record);
    assert!(
        found.contains(&("samsung".into(), "삼성전자".into(), 0, 4)),
        "{found:?}"
    );
    assert!(
        found.contains(&("seoul".into(), "서울".into(), 6, 8)),
        "{found:?}"
    );

    // Particles after a consonant (로 after ㄹ) and the genitive 의.
    let record = one("애플은 서울로 갔다. 삼성전자의 주가가 올랐다.");
    let found = entities(&record);
    assert!(
        found.contains(&("seoul".into(), "서울".into(), 4, 6)),
        "{found:?}"
    );
    assert!(
        found.contains(&("samsung".into(), "삼성전자".into(), 12, 16)),
        "{found:?}"
    );
}

#[test]
fn a_korean_word_that_merely_ends_in_a_particle_syllable_stays_whole() {
    let record = one("국가 경제가 성장했다. 한국가스공사는 고양이를 좋아한다.");
    let terms = tokens(&record);
    // 국가 (nation) is no 국 + 가: 가 follows vowels, and 국 ends in a consonant.
    assert!(terms.contains(&"국가"), "{terms:?}");
    assert!(!terms.contains(&"국"), "{terms:?}");
    // 한국가스공사 keeps its 가; the particle 는 after it is split off as a stem.
    assert!(terms.contains(&"한국가스공사"), "{terms:?}");
    assert!(!terms.contains(&"한국"), "{terms:?}");
    // A verb's ending is not a particle: no stem term 성장했 or 좋아한.
    assert!(
        !terms.iter().any(|t| *t == "성장했" || *t == "좋아한"),
        "{terms:?}"
    );
    // And no entity: 한국 (Korea) is not matched inside 한국가스공사.
    let ids = entity_ids(&record);
    assert!(!ids.contains(&"south-korea".to_string()), "{ids:?}");
}

#[test]
fn an_english_text_quoting_a_chinese_paragraph_gets_one_span_per_language_run() {
    let record = one(QUOTE);
    assert_eq!(record["lang"], "en", "the main language stays English");
    let text: Vec<char> = QUOTE.chars().collect();
    let quote_start = QUOTE.chars().position(|c| c == '中').unwrap() as u64;
    let quote_end = QUOTE.chars().position(|c| c == '。').unwrap() as u64 + 1;
    let spans: Vec<(u64, u64, String)> = record["lang_spans"]
        .as_array()
        .expect("a document that changes language has lang_spans")
        .iter()
        .map(|s| {
            (
                s["start"].as_u64().unwrap(),
                s["end"].as_u64().unwrap(),
                s["lang"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // English, then the Chinese quote, then English again; the runs cover
    // the text, in order, without overlap.
    let langs: Vec<&str> = spans.iter().map(|s| s.2.as_str()).collect();
    assert_eq!(langs, ["en", "zh", "en"], "{spans:?}");
    assert_eq!(spans[0].0, 0);
    assert_eq!(spans.last().unwrap().1, text.len() as u64);
    for pair in spans.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "{spans:?}");
    }
    // The Chinese run holds the quote and no English word.
    let (start, end, _) = &spans[1];
    assert!(*start <= quote_start && quote_end <= *end, "{spans:?}");
    let chinese: String = text[*start as usize..*end as usize].iter().collect();
    assert!(!chinese.contains("original"), "{chinese:?}");
    assert!(!chinese.contains("After"), "{chinese:?}");
    // Each run by its own rules: Chinese words, English words.
    let terms = tokens(&record);
    for term in ["中华人民共和国", "经济", "original", "delegates"] {
        assert!(terms.contains(&term), "{term} in {terms:?}");
    }
}

#[test]
fn a_one_language_text_has_no_lang_spans() {
    let record = one("삼성전자는 서울에서 새 공장을 열었다.");
    assert!(record.get("lang_spans").is_none(), "{record}");
    let record = one("The delegates asked about tariffs and the timetable for talks.");
    assert!(record.get("lang_spans").is_none(), "{record}");
}
