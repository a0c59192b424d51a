//! jieba's segmentation algorithm over a precompiled dictionary: the
//! `canon-jieba` crate (`crates/canon-jieba`), re-exported. It is a crate
//! of its own so that `build.rs` can derive the built-in alias table's
//! segmenter data (what adding its Chinese names to the dictionary gives)
//! with the very code that segments, once at build time, instead of every
//! process adding the names at run time.
//!
//! The tests here compare it with jieba-rs.

pub use canon_jieba::{Dictionary, Scratch};

#[cfg(test)]
mod tests {
    //! The segmenter must cut exactly as jieba-rs does, with and without
    //! added words; these tests compare the two on written sentences, on
    //! random strings over characters that stress every branch (dictionary
    //! words, unknown characters for the HMM, characters outside jieba's
    //! classes) and on the SIGHAN PKU test set in `../shared` (skipped when
    //! it is missing, unless `CI` is set).

    use std::sync::OnceLock;

    use jieba_rs::Jieba;
    use proptest::prelude::*;

    use super::{Dictionary, Scratch};

    /// Words added in both segmenters: alias-like names jieba lacks, a
    /// dictionary word (its frequency changes), and names with characters
    /// outside jieba's Han class.
    const ADDED: [&str; 6] = [
        "月之暗面",
        "字节跳动",
        "智谱华章",
        "中国",
        "々木",
        "二〇〇一年",
    ];

    fn pair(added: bool) -> &'static (Jieba, Dictionary) {
        static PLAIN: OnceLock<(Jieba, Dictionary)> = OnceLock::new();
        static WITH_WORDS: OnceLock<(Jieba, Dictionary)> = OnceLock::new();
        let cell = if added { &WITH_WORDS } else { &PLAIN };
        cell.get_or_init(|| {
            let mut jieba = Jieba::new();
            let mut dictionary = Dictionary::jieba();
            if added {
                for word in ADDED {
                    let freq = jieba.suggest_freq(word);
                    jieba.add_word(word, Some(freq), None);
                    dictionary.add_word(word);
                }
            }
            (jieba, dictionary)
        })
    }

    fn ours(dictionary: &Dictionary, text: &str, hmm: bool) -> Vec<(usize, usize)> {
        let mut words = Vec::new();
        dictionary.cut(text, hmm, &mut Scratch::default(), |s, e| {
            words.push((s, e))
        });
        words
    }

    fn theirs(jieba: &Jieba, text: &str, hmm: bool) -> Vec<(usize, usize)> {
        jieba
            .cut(text, hmm)
            .into_iter()
            .map(|t| (t.byte_start, t.byte_end))
            .collect()
    }

    fn assert_same(text: &str) {
        for added in [false, true] {
            let (jieba, dictionary) = pair(added);
            for hmm in [true, false] {
                assert_eq!(
                    ours(dictionary, text, hmm),
                    theirs(jieba, text, hmm),
                    "{text:?} added={added} hmm={hmm}"
                );
            }
        }
    }

    #[test]
    fn cuts_written_sentences_as_jieba() {
        for text in [
            "月之暗面发布了新的大模型",
            "南京市长江大桥",
            "我来到北京清华大学",
            "他来到了网易杭研大厦",
            "小明硕士毕业于中国科学院计算所后在日本京都大学深造",
            "二〇〇一年十二月三十一日",
            "佐々木先生来了",
            "龘龘龘龘",
            "鿖鿗鿘中文",
            "㐀㐁中国人",
            "𠀀𠀁字节跳动",
        ] {
            assert_same(text);
        }
    }

    #[test]
    fn added_words_get_jiebas_frequency_and_total() {
        let (jieba, dictionary) = pair(true);
        for word in ADDED {
            assert!(dictionary.contains(word), "{word}");
            assert!(jieba.has_word(word), "{word}");
        }
        // The total decides every probability; a wrong total shows up as
        // different cuts of long ambiguous text.
        assert_same("中国月之暗面和字节跳动在北京发布智谱华章的新产品");
    }

    /// Characters of ordinary news text, plus the awkward ones.
    const ALPHABET: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高长现二理起小物实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙月暗面字节跳智谱华章々〇㐀𠀀鿖龘，。";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn cuts_random_text_as_jieba(indices in proptest::collection::vec(0..ALPHABET.chars().count(), 1..60)) {
            let alphabet: Vec<char> = ALPHABET.chars().collect();
            let text: String = indices.into_iter().map(|i| alphabet[i]).collect();
            assert_same(&text);
        }
    }

    #[test]
    fn cuts_the_sighan_test_set_as_jieba() {
        // Research data beside the repository, read in place (never copied).
        let Some(path) = crate::test_support::shared_corpus("sighan/pku_test.utf8") else {
            return;
        };
        let text = std::fs::read_to_string(&path).expect("the SIGHAN test set reads");
        let (jieba, dictionary) = pair(true);
        let mut lines = 0;
        for line in text.lines() {
            let han: String = line.chars().filter(|&c| crate::script::is_han(c)).collect();
            if han.is_empty() {
                continue;
            }
            assert_eq!(
                ours(dictionary, &han, true),
                theirs(jieba, &han, true),
                "{han}"
            );
            lines += 1;
        }
        assert!(lines > 1000, "{lines} lines compared");
    }
}
