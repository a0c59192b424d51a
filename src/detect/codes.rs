//! Language codes: canon reports ISO 639-1 where a language has a two-letter
//! code, else ISO 639-3; the detectors it consults each have their own.

/// The ISO 639-1 code of a whatlang language, or its ISO 639-3 code when the
/// language has no two-letter code.
pub(crate) fn whatlang_code(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
    }
}

/// The code of a whichlang language, if it is written in Latin script (the
/// only ones canon asks whichlang about).
pub(crate) fn whichlang_latin_code(lang: whichlang::Lang) -> Option<&'static str> {
    use whichlang::Lang::*;
    Some(match lang {
        Deu => "de",
        Eng => "en",
        Fra => "fr",
        Ita => "it",
        Nld => "nl",
        Por => "pt",
        Spa => "es",
        Swe => "sv",
        Tur => "tr",
        Vie => "vi",
        Ara | Cmn | Hin | Jpn | Kor | Rus => return None,
    })
}

/// Whether whichlang knows the whatlang language `lang` (one of its ten
/// Latin-script languages), as its code.
pub(crate) fn whichlang_latin_code_of(lang: whatlang::Lang) -> Option<&'static str> {
    let code = whatlang_code(lang);
    whichlang_knows(code).then_some(code)
}

/// Whether `code` is one of whichlang's Latin-script languages.
pub(crate) fn whichlang_knows(code: &str) -> bool {
    matches!(
        code,
        "de" | "en" | "fr" | "it" | "nl" | "pt" | "es" | "sv" | "tr" | "vi"
    )
}
