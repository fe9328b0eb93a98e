//! How much room a chart label takes: its width shaped with the built-in
//! theme's sans serif (Inter Regular, which the site and the PDF both set
//! the labels in), and its box from the font's ascender to its descender.
//! The layout keeps these boxes clear of each other and of every mark.

use std::sync::OnceLock;

use rustybuzz::{Face, UnicodeBuffer};

use super::layout::{Anchor, FONT_SIZE, Label, Rect};

/// The face labels are measured with; none only if the theme lost its font.
fn face() -> Option<&'static Face<'static>> {
    static FACE: OnceLock<Option<Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| {
        crate::theme::builtin_files()
            .find(|(path, _)| path.ends_with("Inter-Regular.otf"))
            .and_then(|(_, bytes)| Face::from_slice(bytes, 0))
    })
    .as_ref()
}

/// The width of `text` set at `size`, in the drawing's units.
pub fn width(text: &str, size: f64) -> f64 {
    let Some(face) = face() else {
        // An estimate a little wider than the font, should it be missing.
        return text.chars().count() as f64 * size * 0.62;
    };
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    let shaped = rustybuzz::shape(face, &[], buffer);
    let advance: i64 = shaped.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
    advance as f64 / f64::from(face.units_per_em()) * size
}

/// How far the font reaches above and below the base line, in ems.
fn extent() -> (f64, f64) {
    match face() {
        Some(face) => {
            let em = f64::from(face.units_per_em());
            (f64::from(face.ascender()) / em, -f64::from(face.descender()) / em)
        }
        None => (1.0, 0.25),
    }
}

/// The box a label's text fills: each line from the ascender to the
/// descender, as wide as its widest line, placed by its anchor.
pub fn label_box(label: &Label) -> Rect {
    let size = label.size;
    let (ascent, descent) = extent();
    let widest = label.lines.iter().map(|l| width(l, size)).fold(0.0, f64::max);
    let left = match label.anchor {
        Anchor::Start => label.x,
        Anchor::Middle => label.x - widest / 2.0,
        Anchor::End => label.x - widest,
    };
    let lines = label.lines.len().max(1) as f64;
    let top = label.y - ascent * size;
    let bottom = label.y + (lines - 1.0) * line_step(size) + descent * size;
    Rect { x: left, y: top, width: widest, height: bottom - top }
}

/// The distance between the base lines of a label's lines.
pub fn line_step(size: f64) -> f64 {
    size * 1.2
}

/// Whether two boxes share more than a hair (`gap` is the room they must keep).
pub fn overlap(a: &Rect, b: &Rect, gap: f64) -> bool {
    a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap
}

/// A label of the usual size, for tests and estimates.
pub fn plain(text: &str) -> Label {
    Label { lines: vec![text.to_owned()], x: 0.0, y: 0.0, anchor: Anchor::Start, size: FONT_SIZE }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Measured with the font, not counted: a wide letter is wider than a
    /// narrow one, and figures are as wide as each other.
    #[test]
    fn widths_come_from_the_font() {
        assert!(face().is_some(), "Inter Regular is built in");
        let (w, i) = (width("WWWW", FONT_SIZE), width("iiii", FONT_SIZE));
        assert!(w > 2.0 * i, "{w} against {i}");
        let figures = width("2\u{a0}702", FONT_SIZE);
        assert!(figures > 25.0 && figures < 45.0, "{figures}");
        let b = label_box(&Label { lines: vec!["Ab".into(), "Cd".into()], ..plain("") });
        assert!((b.height - (line_step(FONT_SIZE) + 1.2 * FONT_SIZE)).abs() < 1.0, "{b:?}");
    }
}
