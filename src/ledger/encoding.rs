//! The character encodings a SIE file arrives in. SIE 4 prescribes code page
//! 437 (`#FORMAT PC8`); some programs write UTF-8 or Windows-1252 instead,
//! which is recognised at the first line that tells them apart.

/// How the bytes of a SIE file are turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Code page 437, as `#FORMAT PC8` and the format prescribe.
    Cp437,
    Utf8,
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Cp437 => "code page 437",
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Code page 437 from 0x80 to 0xFF.
const CP437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
];

/// Windows-1252 from 0x80 to 0x9F; the five bytes it leaves undefined keep
/// their Latin-1 control character. From 0xA0 on it is Latin-1.
const WINDOWS_1252_C1: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', //
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Appends `bytes` decoded as `encoding` to `out`. Invalid UTF-8 becomes
/// U+FFFD; the caller warns about it.
pub fn decode_into(bytes: &[u8], encoding: Encoding, out: &mut String) {
    if bytes.is_ascii() {
        // ASCII is the same in all three encodings.
        out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
        return;
    }
    match encoding {
        Encoding::Utf8 => out.push_str(&String::from_utf8_lossy(bytes)),
        Encoding::Cp437 => {
            out.extend(bytes.iter().map(|&b| if b < 0x80 { b as char } else { CP437_HIGH[b as usize - 0x80] }))
        }
        Encoding::Windows1252 => out.extend(bytes.iter().map(|&b| match b {
            0x80..=0x9F => WINDOWS_1252_C1[b as usize - 0x80],
            _ => b as char,
        })),
    }
}

/// Appends `text` encoded back as `encoding` to `out`, as the file held it;
/// a character the encoding cannot hold (U+FFFD for unreadable bytes) becomes `?`.
pub fn encode_into(text: &str, encoding: Encoding, out: &mut Vec<u8>) {
    if encoding == Encoding::Utf8 || text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.extend(text.chars().map(|c| {
        let high = |table: &[char]| table.iter().position(|&t| t == c).map(|i| (i + 0x80) as u8);
        match encoding {
            _ if c.is_ascii() => Some(c as u8),
            Encoding::Cp437 => high(&CP437_HIGH),
            _ => high(&WINDOWS_1252_C1).or_else(|| u8::try_from(u32::from(c)).ok().filter(|&b| b >= 0xA0)),
        }
        .unwrap_or(b'?')
    }));
}

/// The encoding a line with bytes above 0x7F is most likely in: UTF-8 if it
/// is valid UTF-8 (code page 437 text almost never is), Windows-1252 if every
/// such byte is a Latin letter there (in code page 437 they are box-drawing and
/// Greek characters, which no account name holds), otherwise code page 437.
pub fn recognise(bytes: &[u8]) -> Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return Encoding::Utf8;
    }
    let latin_letter = |b: u8| (0xC0..=0xFF).contains(&b) && b != 0xD7 && b != 0xF7;
    if bytes.iter().filter(|b| !b.is_ascii()).all(|&b| latin_letter(b)) {
        return Encoding::Windows1252;
    }
    Encoding::Cp437
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8], encoding: Encoding) -> String {
        let mut out = String::new();
        decode_into(bytes, encoding, &mut out);
        out
    }

    /// Every byte of code page 437 against an independent table (Python's
    /// `bytes(range(128, 256)).decode("cp437")`).
    #[test]
    fn code_page_437_is_decoded_exactly() {
        let all: Vec<u8> = (0x80..=0xFF).collect();
        assert_eq!(
            decoded(&all, Encoding::Cp437),
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐\
             └┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}"
        );
        assert_eq!(
            decoded(b"#KONTO 1930 \"F\x94retagskonto \x86\x84\x94 \x8f\x8e\x99\"", Encoding::Cp437),
            "#KONTO 1930 \"Företagskonto åäö ÅÄÖ\""
        );
    }

    #[test]
    fn decoded_text_encodes_back_to_its_bytes() {
        let all: Vec<u8> = (0x20..=0xFF).filter(|&b| b != 0x7F).collect();
        for encoding in [Encoding::Cp437, Encoding::Windows1252] {
            let mut back = Vec::new();
            encode_into(&decoded(&all, encoding), encoding, &mut back);
            assert_eq!(back, all, "{}", encoding.name());
        }
    }

    #[test]
    fn windows_1252_is_decoded() {
        assert_eq!(decoded(b"L\xf6ner \x96 \xe5\xe4\xf6 \x80", Encoding::Windows1252), "Löner – åäö €");
    }

    #[test]
    fn the_encoding_is_recognised_from_swedish_letters() {
        assert_eq!(recognise(b"#FNAMN \"\x94vningsbolaget\""), Encoding::Cp437);
        assert_eq!(recognise("#FNAMN \"Övningsbolaget\"".as_bytes()), Encoding::Utf8);
        assert_eq!(recognise(b"#FNAMN \"\xd6vningsbolaget \xe5\xe4\""), Encoding::Windows1252);
        // A byte that is no letter in Windows-1252 keeps code page 437.
        assert_eq!(recognise(b"#KONTO 1 \"\xc4 \x84\""), Encoding::Cp437);
    }
}
