//! Name folding: the one rule that turns a person's name as typed into the upper-case,
//! diacritic-free form carried by the national personal QR.
//!
//! The issuer folds before writing a code and the reader folds what it scans, so "Nguyễn Thị
//! Đoàn" typed on a phone and `NGUYEN THI DOAN` printed on a card name the same person.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest folded name we accept, in characters. Folded names are ASCII, so this is also
/// their length in bytes, which keeps a personal QR well under its size limit.
pub const MAX_NAME_LEN: usize = 100;

/// Punctuation that real names carry (O'Neil, Nguyen-Tran, Jr.) and folding keeps.
const NAME_PUNCTUATION: [char; 3] = ['\'', '-', '.'];

/// The separators of the national QR; a name holding one would split the code's fields.
const QR_SEPARATORS: [char; 2] = ['|', '<'];

/// A person's name folded for the national QR.
///
/// It holds only the letters `A`–`Z`, single spaces between words, and the punctuation
/// `'`, `-` and `.`; it has at least one letter and at most [`MAX_NAME_LEN`] characters.
/// Deserializing folds the incoming text, so a stored or received value is always folded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FoldedName(String);

/// Why a name cannot be folded into a [`FoldedName`]. No variant carries the name itself, so
/// the error can be logged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    #[error("the name has no letters")]
    Empty,

    #[error("a folded name has at most {max} characters; this one has {actual}")]
    TooLong { actual: usize, max: usize },

    #[error("{character:?} separates the fields of a personal QR and cannot appear in a name")]
    Separator { character: char },

    #[error(
        "{character:?} cannot appear in a folded name; only the letters A to Z, spaces and \
         the marks ' - . can"
    )]
    ForbiddenCharacter { character: char },
}

impl NameError {
    /// A stable snake_case code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "name_empty",
            Self::TooLong { .. } => "name_too_long",
            Self::Separator { .. } => "name_contains_separator",
            Self::ForbiddenCharacter { .. } => "name_forbidden_character",
        }
    }
}

impl FoldedName {
    /// Folds `input` with [`fold_name`] and checks that the result can stand in a personal QR.
    pub fn fold(input: &str) -> Result<Self, NameError> {
        let folded = fold_name(input);

        if folded.is_empty() {
            return Err(NameError::Empty);
        }

        if let Some(character) = folded.chars().find(|c| !is_folded_name_char(*c)) {
            return Err(if QR_SEPARATORS.contains(&character) {
                NameError::Separator { character }
            } else {
                NameError::ForbiddenCharacter { character }
            });
        }

        // A "name" of only dots or dashes identifies nobody.
        if !folded.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(NameError::Empty);
        }

        let actual = folded.chars().count();
        if actual > MAX_NAME_LEN {
            return Err(NameError::TooLong {
                actual,
                max: MAX_NAME_LEN,
            });
        }

        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FoldedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for FoldedName {
    type Error = NameError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::fold(&value)
    }
}

impl From<FoldedName> for String {
    fn from(name: FoldedName) -> Self {
        name.0
    }
}

/// Folds a name without judging the result: maps `đ`/`Đ` to `d`/`D`, decomposes (NFD), drops
/// combining marks, upper-cases, and collapses every run of white space (tabs, no-break
/// spaces, line breaks) into one space with none at either end.
///
/// The result may be empty or hold characters no name should have; [`FoldedName::fold`]
/// applies this same rule and then checks it. Folding a folded name changes nothing.
pub fn fold_name(input: &str) -> String {
    // Đ and đ are letters of their own in Unicode, not D plus a stroke mark, so NFD leaves them
    // whole. Ð (U+00D0, the Icelandic eth) looks the same and turns up in text converted from
    // old Vietnamese encodings, so it is mapped too.
    let plain_d = input.chars().map(|c| match c {
        'đ' => 'd',
        'Đ' | 'Ð' => 'D',
        other => other,
    });

    let upper: String = plain_d
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_uppercase)
        .collect();

    upper.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_folded_name_char(c: char) -> bool {
    c.is_ascii_uppercase() || c == ' ' || NAME_PUNCTUATION.contains(&c)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn folded(input: &str) -> String {
        FoldedName::fold(input).unwrap().as_str().to_owned()
    }

    #[test]
    fn folds_the_reference_example() {
        assert_eq!(folded("Nguyễn Thị Đoàn"), "NGUYEN THI DOAN");
    }

    #[test]
    fn maps_d_with_stroke_in_both_cases() {
        assert_eq!(folded("đặng Đức Đạt"), "DANG DUC DAT");
        assert_eq!(folded("ĐĐ đđ"), "DD DD");
    }

    #[test]
    fn maps_the_eth_that_old_encodings_produce_for_d_with_stroke() {
        assert_eq!(folded("\u{00D0}inh V\u{0103}n"), "DINH VAN");
    }

    #[test]
    fn composed_and_decomposed_input_fold_alike() {
        let composed: String = "Trần Thị Hương Lưu Đoàn".nfc().collect();
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);

        assert_eq!(folded(&composed), "TRAN THI HUONG LUU DOAN");
        assert_eq!(folded(&decomposed), folded(&composed));
    }

    #[test]
    fn drops_marks_typed_as_separate_combining_characters() {
        // e + combining circumflex + combining tilde, as some keyboards produce "ễ".
        assert_eq!(folded("Nguye\u{0302}\u{0303}n"), "NGUYEN");
    }

    #[test]
    fn folds_every_vietnamese_vowel_with_a_mark() {
        assert_eq!(folded("Lương Thị Hằng"), "LUONG THI HANG");
        assert_eq!(folded("Đặng Văn Lâm"), "DANG VAN LAM");
        assert_eq!(folded("Lê Thị Hồng"), "LE THI HONG");
        assert_eq!(folded("Ngô Bảo Châu"), "NGO BAO CHAU");
        assert_eq!(folded("Phạm Ơn Ưng"), "PHAM ON UNG");
        assert_eq!(folded("ư ơ ă â ê ô Ư Ơ Ă Â Ê Ô"), "U O A A E O U O A A E O");
        assert_eq!(folded("ỳ ý ỷ ỹ ỵ"), "Y Y Y Y Y");
    }

    #[test]
    fn upper_cases_lower_and_mixed_case_input() {
        assert_eq!(folded("phạm minh chính"), "PHAM MINH CHINH");
        assert_eq!(folded("NGUYỄN đình HƯỜNG"), "NGUYEN DINH HUONG");
    }

    #[test]
    fn collapses_every_kind_of_white_space() {
        assert_eq!(folded("  Lê\tVăn\u{00A0}\u{00A0}Tám \r\n"), "LE VAN TAM");
        assert_eq!(folded("Lê\nVăn\u{3000}Tám"), "LE VAN TAM");
        assert_eq!(folded("Lê     Văn  Tám"), "LE VAN TAM");
    }

    #[test]
    fn leaves_an_already_folded_name_unchanged() {
        for name in ["NGUYEN VAN AN", "O'NEIL-SMITH JR.", "A"] {
            assert_eq!(folded(name), name);
        }
    }

    #[test]
    fn folding_twice_is_folding_once() {
        let inputs = [
            "Nguyễn Thị Đoàn",
            "  trần\u{00A0}văn   hùng ",
            "Nguye\u{0302}\u{0303}n",
            "Ðinh",
            "nguyễn 3|",
            "",
        ];
        for input in inputs {
            let once = fold_name(input);
            assert_eq!(fold_name(&once), once, "input {input:?}");
        }
    }

    #[test]
    fn keeps_apostrophes_hyphens_and_dots() {
        assert_eq!(folded("O'Neil-Smith jr."), "O'NEIL-SMITH JR.");
    }

    #[test]
    fn fold_name_folds_without_judging() {
        assert_eq!(fold_name("nguyễn văn 3|"), "NGUYEN VAN 3|");
        assert_eq!(fold_name("   "), "");
    }

    #[test]
    fn rejects_names_without_letters() {
        for input in ["", "   ", "\t\r\n", "- .", "'"] {
            assert_eq!(
                FoldedName::fold(input),
                Err(NameError::Empty),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn rejects_the_qr_separators() {
        assert_eq!(
            FoldedName::fold("NGUYEN|VAN"),
            Err(NameError::Separator { character: '|' })
        );
        assert_eq!(
            FoldedName::fold("NGUYEN<VAN"),
            Err(NameError::Separator { character: '<' })
        );
    }

    #[test]
    fn rejects_characters_that_no_folded_name_has() {
        let cases = [
            ("Nguyen Van 2", '2'),
            ("Nguyễn, Văn", ','),
            ("Søren", 'Ø'),
            ("王小明", '王'),
            ("An\u{200B}Binh", '\u{200B}'),
            ("An 🙂", '🙂'),
            ("O\u{2019}Neil", '\u{2019}'),
        ];
        for (input, character) in cases {
            assert_eq!(
                FoldedName::fold(input),
                Err(NameError::ForbiddenCharacter { character }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn accepts_names_up_to_the_length_limit_after_folding() {
        let longest = "Ắ".repeat(MAX_NAME_LEN);
        assert_eq!(folded(&longest), "A".repeat(MAX_NAME_LEN));

        // White space that folding collapses does not count against the limit.
        let padded = format!("  {}   {}  ", "A".repeat(49), "B".repeat(50));
        assert_eq!(folded(&padded).len(), MAX_NAME_LEN);

        assert_eq!(
            FoldedName::fold(&"A".repeat(MAX_NAME_LEN + 1)),
            Err(NameError::TooLong {
                actual: MAX_NAME_LEN + 1,
                max: MAX_NAME_LEN
            })
        );
    }

    #[test]
    fn displays_and_converts_as_the_folded_text() {
        let name = FoldedName::fold("Võ Thị Sáu").unwrap();
        assert_eq!(name.to_string(), "VO THI SAU");
        assert_eq!(String::from(name), "VO THI SAU");
    }

    #[test]
    fn deserializing_folds_and_validates() {
        let name: FoldedName = serde_json::from_str("\"Võ Thị Sáu\"").unwrap();
        assert_eq!(name.as_str(), "VO THI SAU");
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"VO THI SAU\"");
        assert!(serde_json::from_str::<FoldedName>("\"A|B\"").is_err());
    }

    #[test]
    fn error_messages_name_the_problem_but_not_the_person() {
        let error = FoldedName::fold("Nguyen Van 2").unwrap_err();
        assert_eq!(
            error.to_string(),
            "'2' cannot appear in a folded name; only the letters A to Z, spaces and the marks \
             ' - . can"
        );
        assert!(!error.to_string().contains("Nguyen"));
    }

    #[test]
    fn error_codes_are_distinct() {
        let errors = [
            NameError::Empty,
            NameError::TooLong { actual: 0, max: 0 },
            NameError::Separator { character: '|' },
            NameError::ForbiddenCharacter { character: '2' },
        ];
        let mut codes: Vec<_> = errors.iter().map(NameError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len());
    }
}
