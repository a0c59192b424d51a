//! Korean particles: a noun and the case particle after it are written as
//! one word (삼성전자는, 서울에서), so the word segmenter's token holds both.
//! This module says where a word's particle starts, for the matcher (an
//! alias followed by a particle is a mention of the alias, with the span on
//! the name) and for the stem term (삼성전자 emitted after 삼성전자는).
//!
//! The particles and the rules are data (`data/korean-particles.toml`). A
//! particle is split off only where its form agrees with the syllable before
//! it (은, 이, 을 after a final consonant; 는, 가, 를 after a vowel), and only
//! when what remains is a known alias (the matcher's check) or, for the stem
//! term, a word by the rule documented in the data file. Words that merely
//! end in a particle's syllable (한국가스공사, 국가, 고양이) stay whole.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;
use serde::Deserialize;

/// The particle file's text, compiled into the binary.
const PARTICLES: &str = include_str!("../../data/korean-particles.toml");

/// Where a particle's form may follow a syllable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Consonant,
    Vowel,
    VowelOrRieul,
    Any,
}

/// The particles and the stem-term rule, read once.
#[derive(Debug)]
struct Particles {
    /// Every particle with where it may follow, longest first.
    particles: Vec<(String, After)>,
    /// Particles after which a stem is a term without being an alias.
    stem_particles: FxHashSet<String>,
    min_stem_syllables: usize,
    verbal_endings: FxHashSet<char>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    particles: ParticleLists,
    stem_terms: StemTerms,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParticleLists {
    after_consonant: Vec<String>,
    after_vowel: Vec<String>,
    after_vowel_or_rieul: Vec<String>,
    after_any: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StemTerms {
    particles: Vec<String>,
    min_stem_syllables: usize,
    verbal_endings: Vec<char>,
}

fn particles() -> &'static Particles {
    static PARSED: OnceLock<Particles> = OnceLock::new();
    PARSED.get_or_init(|| {
        // The file is compiled in and checked by the tests: a broken file
        // is a build defect, not an input error.
        let file: File = toml::from_str(PARTICLES).expect("data/korean-particles.toml parses");
        let lists = file.particles;
        let mut particles: Vec<(String, After)> = [
            (lists.after_consonant, After::Consonant),
            (lists.after_vowel, After::Vowel),
            (lists.after_vowel_or_rieul, After::VowelOrRieul),
            (lists.after_any, After::Any),
        ]
        .into_iter()
        .flat_map(|(list, after)| list.into_iter().map(move |p| (p, after)))
        .collect();
        particles.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        Particles {
            particles,
            stem_particles: file.stem_terms.particles.into_iter().collect(),
            min_stem_syllables: file.stem_terms.min_stem_syllables,
            verbal_endings: file.stem_terms.verbal_endings.into_iter().collect(),
        }
    })
}

/// Whether `c` is a precomposed Hangul syllable.
#[inline]
pub(crate) fn is_syllable(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}')
}

/// The final consonant (jongseong) index of Hangul syllable `c`: 0 for none,
/// 8 for ㄹ.
fn final_consonant(c: char) -> u32 {
    (c as u32 - 0xAC00) % 28
}

/// Whether a particle's form may follow `previous`, the last character of
/// the stem.
fn agrees(after: After, previous: char) -> bool {
    if !is_syllable(previous) {
        // A Latin or Han stem: how it is read is unknown.
        return true;
    }
    let last = final_consonant(previous);
    match after {
        After::Consonant => last != 0,
        After::Vowel => last == 0,
        After::VowelOrRieul => last == 0 || last == 8,
        After::Any => true,
    }
}

/// Whether `word` may end in a particle: its last character is a Hangul
/// syllable. A cheap test before [`stem_ends`].
#[inline]
pub fn may_end_in_particle(word: &str) -> bool {
    // Hangul syllables are three bytes with a lead byte from 0xEA to 0xED.
    let bytes = word.as_bytes();
    bytes.len() >= 6
        && matches!(bytes[bytes.len() - 3], 0xEA..=0xED)
        && word.chars().next_back().is_some_and(is_syllable)
}

/// The byte lengths of the stems `word` may have before a particle, longest
/// particle (shortest stem) first: every particle that ends the word, leaves
/// a stem of at least one character, and agrees with the stem's last
/// syllable. Empty for a word that ends in no particle.
pub fn stem_ends(word: &str) -> Vec<usize> {
    if !may_end_in_particle(word) {
        return Vec::new();
    }
    particles()
        .particles
        .iter()
        .filter_map(|(particle, after)| {
            let stem = word.strip_suffix(particle.as_str())?;
            let previous = stem.chars().next_back()?;
            agrees(*after, previous).then_some(stem.len())
        })
        .collect()
}

/// Whether `rest`, the end of a word after a stem ending in `previous`, is
/// a particle whose form agrees with it.
pub fn is_particle_after(previous: char, rest: &str) -> bool {
    particles()
        .particles
        .iter()
        .any(|(particle, after)| particle == rest && agrees(*after, previous))
}

/// The stem term of `word` by the rule of the data file (see
/// `[stem_terms]` there), without an alias: its byte length, when `word` is
/// all Hangul syllables and ends in one of the rule's particles after a stem
/// of enough syllables that ends in no verbal syllable.
pub fn stem_term_end(word: &str) -> Option<usize> {
    if !may_end_in_particle(word) || !word.chars().all(is_syllable) {
        return None;
    }
    let rules = particles();
    rules.particles.iter().find_map(|(particle, after)| {
        if !rules.stem_particles.contains(particle) {
            return None;
        }
        let stem = word.strip_suffix(particle.as_str())?;
        let last = stem.chars().next_back()?;
        (agrees(*after, last)
            && stem.chars().count() >= rules.min_stem_syllables
            && !rules.verbal_endings.contains(&last))
        .then_some(stem.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(word: &str) -> Vec<&str> {
        stem_ends(word)
            .into_iter()
            .map(|end| &word[..end])
            .collect()
    }

    #[test]
    fn the_data_file_parses_and_lists_the_common_particles() {
        let all: Vec<&str> = particles()
            .particles
            .iter()
            .map(|(p, _)| p.as_str())
            .collect();
        for p in [
            "은", "는", "이", "가", "을", "를", "의", "에", "에서", "와", "과", "로", "으로", "도",
            "만", "에게", "께서", "부터", "까지",
        ] {
            assert!(all.contains(&p), "{p}");
        }
        let stem_particles = &particles().stem_particles;
        assert!(stem_particles.iter().all(|p| all.contains(&p.as_str())));
    }

    #[test]
    fn particles_split_where_their_form_agrees() {
        assert_eq!(stems("삼성전자는"), ["삼성전자"]);
        assert_eq!(stems("정부를"), ["정부"]);
        assert_eq!(stems("서울로"), ["서울"]);
        assert_eq!(stems("서울에서"), ["서울"]);
        assert_eq!(stems("미국은"), ["미국"]);
        // 가 follows vowels, 이 consonants: 국가, 작가 and 아이 end in no
        // particle.
        assert!(stems("국가").is_empty());
        assert!(stems("작가").is_empty());
        assert!(stems("아이").is_empty());
        // Latin stems agree with every form.
        assert_eq!(stems("LG에서"), ["LG"]);
        assert!(stems("Samsung").is_empty() && stems("삼").is_empty());
    }

    #[test]
    fn stem_terms_follow_the_rule() {
        let stem = |w: &'static str| stem_term_end(w).map(|end| &w[..end]);
        assert_eq!(stem("삼성전자는"), Some("삼성전자"));
        assert_eq!(stem("정부는"), Some("정부"));
        assert_eq!(stem("서울에서"), Some("서울"));
        assert_eq!(stem("대통령에게"), Some("대통령"));
        // Particles that often end words give no stem without an alias.
        for word in [
            "고양이",
            "어린이",
            "정치가",
            "민주주의",
            "고속도로",
            "교육과",
            "한국가스공사",
        ] {
            assert_eq!(stem(word), None, "{word}");
        }
        // Verb forms: 하는, 되는, and agreement (있는: 는 follows vowels).
        for word in ["사용하는", "진행되는", "있는", "모르는", "집에서"] {
            assert_eq!(stem(word), None, "{word}");
        }
        // Not all Hangul.
        assert_eq!(stem("LG전자는"), None);
    }
}
