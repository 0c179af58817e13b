//! The named character classes Go's parser knows: Perl's (`\d \s \w`, ASCII), POSIX's
//! (`[:alpha:]`, ASCII) and Unicode's (`\pL`, `\p{Greek}`: Go 1.19's category and script
//! names), as Unicode classes, case-folded and negated as Go builds them.

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

/// A named class: its ranges and whether the name negates it.
#[derive(Clone, Copy)]
pub(super) struct Group {
    negated: bool,
    ranges: &'static [(char, char)],
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const SPACE_PERL: &[(char, char)] = &[('\t', '\n'), ('\x0c', '\r'), (' ', ' ')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

/// The Perl class escape `\d`, `\D`, `\s`, `\S`, `\w` or `\W` (`letter` is `d`, `D`, …).
pub(super) fn perl(letter: u8) -> Option<Group> {
    let (negated, ranges) = match letter {
        b'd' => (false, DIGIT),
        b'D' => (true, DIGIT),
        b's' => (false, SPACE_PERL),
        b'S' => (true, SPACE_PERL),
        b'w' => (false, WORD),
        b'W' => (true, WORD),
        _ => return None,
    };
    Some(Group { negated, ranges })
}

/// The POSIX class `[:name:]` or `[:^name:]`, written with its brackets and colons.
pub(super) fn posix(written: &str) -> Option<Group> {
    let inner = written.strip_prefix("[:")?.strip_suffix(":]")?;
    let (negated, name) = match inner.strip_prefix('^') {
        Some(name) => (true, name),
        None => (false, inner),
    };
    let ranges: &'static [(char, char)] = match name {
        "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
        "alpha" => &[('A', 'Z'), ('a', 'z')],
        "ascii" => &[('\0', '\x7f')],
        "blank" => &[('\t', '\t'), (' ', ' ')],
        "cntrl" => &[('\0', '\x1f'), ('\x7f', '\x7f')],
        "digit" => DIGIT,
        "graph" => &[('!', '~')],
        "lower" => &[('a', 'z')],
        "print" => &[(' ', '~')],
        "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "space" => &[('\t', '\r'), (' ', ' ')],
        "upper" => &[('A', 'Z')],
        "word" => WORD,
        "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    };
    Some(Group { negated, ranges })
}

impl Group {
    /// The class the group adds, as Go's `appendGroup` builds it: case-folded first
    /// when `fold`, then negated.
    pub(super) fn class(self, fold: bool) -> ClassUnicode {
        let mut class = ClassUnicode::new(
            self.ranges
                .iter()
                .map(|&(lo, hi)| ClassUnicodeRange::new(lo, hi)),
        );
        finish(&mut class, fold, self.negated);
        class
    }
}

/// Case-folds (when `fold`) and then negates (when `negated`), Go's order.
pub(super) fn finish(class: &mut ClassUnicode, fold: bool, negated: bool) {
    if fold {
        class.case_fold_simple();
    }
    if negated {
        class.negate();
    }
}

/// Go 1.19's `unicode.Categories` names (Unicode 13.0.0).
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// Go 1.19's `unicode.Scripts` names (Unicode 13.0.0).
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Ugaritic",
    "Vai",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// The Unicode class Go names `name` (`\p{name}`, without a leading `^`), or `None` when
/// Go 1.19 knows no such category or script.
///
/// The contents come from the `regex-syntax` crate's tables (a newer Unicode than Go
/// 1.19's 13.0.0: characters assigned since then are in them). Go's `C` is `Cc`, `Cf`,
/// `Co` and `Cs` (no unassigned code points, unlike Unicode's `C`); `Cs` (surrogates)
/// matches nothing in a Rust string.
pub(super) fn unicode(name: &str) -> Option<ClassUnicode> {
    if name == "Any" {
        return Some(ClassUnicode::new([ClassUnicodeRange::new('\0', char::MAX)]));
    }
    if name == "Cs" {
        return Some(ClassUnicode::empty());
    }
    if name == "C" {
        let mut class = ClassUnicode::empty();
        for part in ["Cc", "Cf", "Co"] {
            class.union(&table(&format!("gc={part}"))?);
        }
        return Some(class);
    }
    if CATEGORIES.binary_search(&name).is_ok() {
        return table(&format!("gc={name}"));
    }
    if SCRIPTS.binary_search(&name).is_ok() {
        return table(&format!("sc={name}"));
    }
    None
}

/// The `regex-syntax` table for the property `\p{property}`.
fn table(property: &str) -> Option<ClassUnicode> {
    let hir = regex_syntax::Parser::new()
        .parse(&format!("\\p{{{property}}}"))
        .ok()?;
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class)) => Some(class),
        // a one-character property (Zl, Zp) comes back as that character
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            Some(ClassUnicode::new([ClassUnicodeRange::new(c, c)]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_go_name_has_a_table() {
        assert!(CATEGORIES.windows(2).all(|w| w[0] < w[1]));
        assert!(SCRIPTS.windows(2).all(|w| w[0] < w[1]));
        for name in CATEGORIES.iter().chain(SCRIPTS) {
            assert!(unicode(name).is_some(), "{name}");
        }
        assert!(unicode("greek").is_none());
        assert!(unicode("Letter").is_none());
    }

    #[test]
    fn scripts_are_scripts_not_extensions() {
        // U+0342 is Script=Inherited, Script_Extensions=Greek
        let greek = unicode("Greek").unwrap();
        assert!(
            !greek
                .ranges()
                .iter()
                .any(|r| r.start() <= '\u{342}' && '\u{342}' <= r.end())
        );
    }
}
