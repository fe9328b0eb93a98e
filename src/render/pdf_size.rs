//! The PDF's real size on the site's download links ("PDF, 857 kB").
//!
//! The site is rendered while typst still compiles the PDF, so its size is
//! not known yet. The pages are rendered with a slot in its place (the
//! template variable `pdf_file_type`), which is filled once the PDF exists.
//! The slot is a token made anew in every process, so no text of a chapter
//! or a data file can forge it.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use crate::format::NBSP;

/// The token the site's pages carry in place of "PDF, 857 kB".
pub fn slot() -> &'static str {
    static SLOT: OnceLock<String> = OnceLock::new();
    SLOT.get_or_init(|| {
        // std's RandomState is keyed from the operating system's randomness.
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        format!("\u{FDD0}pdf-{random:016x}\u{FDD0}")
    })
}

/// The text that fills the slot: `PDF, 857 kB`, or `PDF` while the size is
/// not known to the pages shown (the preview's, shown before the PDF exists).
pub fn file_type(bytes: Option<usize>) -> String {
    match bytes {
        Some(bytes) => format!("PDF, {}", size(bytes)),
        None => "PDF".to_owned(),
    }
}

/// A file size the Swedish way, in decimal units: `857 kB`, `1,2 MB`; the
/// number bound to its unit by a no-break space.
pub fn size(bytes: usize) -> String {
    if bytes < 999_500 {
        // Rounded to whole kB, at least 1 so that a tiny file is not "0 kB".
        let kb = ((bytes + 500) / 1000).max(1);
        format!("{kb}{NBSP}kB")
    } else {
        let tenths = (bytes + 50_000) / 100_000;
        format!("{},{}{NBSP}MB", tenths / 10, tenths % 10)
    }
}

/// Fills the slot in every HTML page of `site` with [`file_type`].
pub fn fill(site: &mut [(String, Vec<u8>)], bytes: Option<usize>) {
    let slot = slot();
    let text = file_type(bytes);
    for (path, page) in site.iter_mut() {
        if path.ends_with(".html")
            && let Ok(html) = std::str::from_utf8(page)
            && html.contains(slot)
        {
            *page = html.replace(slot, &text).into_bytes();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_kilobytes_or_megabytes_with_a_decimal_comma() {
        let cases = [
            (0, "1 kB"),
            (499, "1 kB"),
            (1_500, "2 kB"),
            (857_012, "857 kB"),
            (999_499, "999 kB"),
            (999_500, "1,0 MB"),
            (1_249_999, "1,2 MB"),
            (1_250_000, "1,3 MB"),
            (23_456_789, "23,5 MB"),
        ];
        for (bytes, shown) in cases {
            assert_eq!(size(bytes), shown.replace(' ', "\u{a0}"), "{bytes}");
        }
    }

    #[test]
    fn the_slot_is_filled_in_pages_only() {
        let page = format!("<a>Ladda ner ({})</a>", slot());
        let mut site = vec![("index.html".to_owned(), page.clone().into_bytes()), ("x.js".to_owned(), page.into())];
        fill(&mut site, Some(857_012));
        assert_eq!(site[0].1, "<a>Ladda ner (PDF, 857\u{a0}kB)</a>".as_bytes());
        assert!(String::from_utf8_lossy(&site[1].1).contains(slot()));
        assert!(slot().starts_with('\u{FDD0}') && slot().len() > 20);
    }
}
