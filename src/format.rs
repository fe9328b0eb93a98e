//! Amounts: exact parsing from the text a person typed, and Swedish formatting.
//!
//! `29716`, `29 716`, `-50 970`, `29 716,5` and `1.10` are all read exactly into a
//! [`Decimal`]; output uses a no-break space between digit groups, a decimal
//! comma and the real minus sign U+2212.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// No-break space used between digit groups and before `%`.
pub const NBSP: char = '\u{00A0}';
/// The minus sign used for negative numbers.
pub const MINUS: char = '\u{2212}';

/// Digits an amount may have before its decimal comma. Far above any real
/// budget, and low enough that no sum of figures can overflow a `Decimal`.
pub const MAX_INTEGER_DIGITS: usize = 15;

/// Decimals an amount can show: the most a `Decimal` holds.
pub const MAX_DECIMALS: u32 = 28;

/// Parses an amount written the Swedish or the plain way. The error says what
/// was wrong in words a communicator understands.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("expected a number, found nothing".to_owned());
    }
    let (negative, rest) = match trimmed.chars().next() {
        Some('-' | MINUS) => (true, &trimmed[trimmed.chars().next().unwrap().len_utf8()..]),
        Some('+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let rest = rest.trim_start();
    let (int_part, frac_part) = match rest.find([',', '.']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let not_a_number = || format!("expected a number such as `29 716` or `-50 970,5`, found `{trimmed}`");

    let groups: Vec<&str> = int_part.split([' ', NBSP, '\u{202F}']).collect();
    let grouped = groups.len() > 1;
    for (i, group) in groups.iter().enumerate() {
        let ok_len = if !grouped {
            !group.is_empty()
        } else if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !ok_len || !group.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
    }
    let digits = groups.iter().flat_map(|g| g.bytes()).skip_while(|&b| b == b'0').count();
    if digits > MAX_INTEGER_DIGITS {
        return Err(format!(
            "the number `{trimmed}` is too large: amounts have at most {MAX_INTEGER_DIGITS} digits before the decimal comma"
        ));
    }
    let mut normalized = String::with_capacity(trimmed.len());
    if negative {
        normalized.push('-');
    }
    normalized.extend(groups.iter().flat_map(|g| g.chars()));
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
        normalized.push('.');
        normalized.push_str(frac);
    }
    Decimal::from_str_exact(&normalized).or_else(|_| {
        // from_str_exact refuses to round; a value this long is out of range.
        Decimal::from_str(&normalized)
            .ok()
            .filter(|d| d.to_string() == normalized.trim_start_matches('+'))
            .ok_or_else(|| format!("the number `{trimmed}` is too large or has too many decimals"))
    })
}

/// Formats an amount the Swedish way. With `decimals`, the value is rounded
/// half away from zero to that many decimals and always shows them; without,
/// it keeps the decimals it was typed with (`1.10` stays `1,10`).
pub fn format_amount(value: Decimal, decimals: Option<u32>) -> String {
    // A Decimal has at most 28 decimals; more could only be padding.
    let decimals = decimals.map(|n| n.min(MAX_DECIMALS));
    // Without `decimals` the value is shown with the decimals it was typed with.
    let value = match decimals {
        Some(n) => value.round_dp_with_strategy(n, RoundingStrategy::MidpointAwayFromZero),
        None => value,
    };
    // Padded by hand: rust_decimal's `{:.N}` panics for long values.
    let text = match (decimals, value.abs().to_string()) {
        (Some(n @ 1..), plain) => {
            let (int_part, frac) = plain.split_once('.').unwrap_or((&plain, ""));
            format!("{int_part}.{frac:0<width$}", width = n as usize)
        }
        (_, plain) => plain,
    };
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + 4);
    if value.is_sign_negative() && !value.is_zero() {
        out.push(MINUS);
    }
    let digits = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(NBSP);
        }
        out.push(c);
    }
    if let Some(frac) = frac_part {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Formats a percentage: `3,2 %` (no-break space before the sign).
pub fn format_percent(value: Decimal, decimals: Option<u32>) -> String {
    format!("{}{NBSP}%", format_amount(value, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn parses_every_written_form_exactly() {
        assert_eq!(parse_amount("29716").unwrap(), d("29716"));
        assert_eq!(parse_amount("29 716").unwrap(), d("29716"));
        assert_eq!(parse_amount("-50 970").unwrap(), d("-50970"));
        assert_eq!(parse_amount("−50\u{a0}970").unwrap(), d("-50970"));
        assert_eq!(parse_amount("29 716,5").unwrap(), d("29716.5"));
        let exact = parse_amount("1.10").unwrap();
        assert_eq!(exact.to_string(), "1.10", "the scale typed is kept");
        assert_eq!(parse_amount("+3,2").unwrap(), d("3.2"));
        assert_eq!(parse_amount("1 234 567").unwrap(), d("1234567"));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in ["", "abc", "1 2", "12 34", "1,2,3", "1.", "2013-02-06", "1 2345", "--5", "5 %"] {
            assert!(parse_amount(bad).is_err(), "{bad:?} should be refused");
        }
        let err = parse_amount("99999999999999999999999999999999").unwrap_err();
        assert!(err.contains("too large"), "{err}");
        assert!(parse_amount("999 999 999 999 999").is_ok());
        assert!(parse_amount("-1 000 000 000 000 000").unwrap_err().contains("at most 15 digits"));
        assert!(parse_amount("0,1234567890123456789012345678901").unwrap_err().contains("too many decimals"));
    }

    #[test]
    fn formats_the_swedish_way() {
        assert_eq!(format_amount(d("2702"), None), "2\u{a0}702");
        assert_eq!(format_amount(d("-50970"), None), "\u{2212}50\u{a0}970");
        assert_eq!(format_amount(d("7614"), None), "7\u{a0}614");
        assert_eq!(format_amount(d("912"), None), "912");
        assert_eq!(format_amount(d("0"), None), "0");
        assert_eq!(format_amount(d("-0.4"), Some(0)), "0");
        assert_eq!(format_amount(d("29716.5"), None), "29\u{a0}716,5");
        assert_eq!(format_amount(d("1.10"), None), "1,10");
        assert_eq!(format_percent(d("2.0"), None), "2,0\u{a0}%");
        assert_eq!(format_amount(d("1.10"), Some(2)), "1,10");
        assert_eq!(format_amount(d("2.5"), Some(0)), "3");
        assert_eq!(format_amount(d("-2.5"), Some(0)), "\u{2212}3");
        assert_eq!(format_amount(d("1234567.891"), Some(1)), "1\u{a0}234\u{a0}567,9");
        assert_eq!(format_percent(d("3.2"), None), "3,2\u{a0}%");
    }
}
