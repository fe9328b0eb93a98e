//! Numbers that stay with what they count.
//!
//! Text the author typed ("90 %", "minst 5 dagar", "18 961 tkr", "6–8 möten") must never
//! break between a number and its unit, inside a number's digit groups, or after the dash
//! of a range. The model applies this once to every text run, so the PDF and the site keep
//! the same words together.

use crate::format::NBSP;

/// U+2060 WORD JOINER: forbids a line break after a range's dash without adding space.
const WORD_JOINER: char = '\u{2060}';

/// `text` with the spaces and dashes that must not break made unbreakable.
pub fn keep_numbers_together(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let after_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let next = chars.get(i + 1).copied();
        if c == ' ' && after_digit && next.is_some_and(|n| binds_to_number(n, &chars[i + 1..])) {
            out.push(NBSP);
        } else if c == '\u{2013}' && after_digit && next.is_some_and(|n| n.is_ascii_digit()) {
            out.push(c);
            out.push(WORD_JOINER);
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether what follows a number's space belongs to the number: a unit or a counted word
/// ("%", "tkr", "dagar"), or the next digit group of a number typed with spaces ("18 961").
fn binds_to_number(next: char, rest: &[char]) -> bool {
    if next == '%' || next == '‰' || next.is_alphabetic() {
        return true;
    }
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    digits == 3 && !rest.get(3).is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_keeps_its_unit_its_digit_groups_and_its_range() {
        assert_eq!(keep_numbers_together("90 %"), "90\u{a0}%");
        assert_eq!(keep_numbers_together("minst 5 dagar"), "minst 5\u{a0}dagar");
        assert_eq!(keep_numbers_together("18 961 tkr"), "18\u{a0}961\u{a0}tkr");
        assert_eq!(keep_numbers_together("6–8 möten"), "6–\u{2060}8\u{a0}möten");
    }

    #[test]
    fn other_spaces_and_dashes_stay_breakable() {
        assert_eq!(keep_numbers_together("år 2013, 2014 och"), "år 2013, 2014\u{a0}och");
        assert_eq!(keep_numbers_together("Borås – Ulricehamn"), "Borås – Ulricehamn");
        assert_eq!(keep_numbers_together("sidan 12 34567"), "sidan 12 34567");
        assert_eq!(keep_numbers_together("10 – 12"), "10 – 12");
    }
}
