//! SVG images for the site. An SVG is a document that may carry script
//! (`<script>`, `onload=`, `javascript:` links) or pull in other files, so it
//! is never copied as it is: it is read with usvg (the SVG library typst
//! draws it with in the PDF) and written anew from usvg's tree, which holds
//! only drawing — shapes, paths, text, gradients, embedded raster images.
//! Nothing is filtered out of the text; what usvg does not model is simply
//! never written.

use std::sync::Arc;

use usvg::fontdb;

/// Why an SVG cannot be used, and where in the file if that is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvgError {
    pub message: String,
    /// 1-based line and column in the SVG file.
    pub position: Option<(usize, usize)>,
}

/// The SVG `bytes` re-drawn: only what usvg's tree holds. Text stays text;
/// `fonts` (the theme's) measure it, and stand in for fonts the file names
/// but the theme lacks, so no text is dropped for want of a font.
pub fn redraw(bytes: &[u8], fonts: &[&[u8]]) -> Result<Vec<u8>, SvgError> {
    let mut db = fontdb::Database::new();
    for font in fonts {
        db.load_font_data(font.to_vec());
    }
    let family = db.faces().find_map(|face| face.families.first().map(|(name, _)| name.clone()));
    if let Some(family) = &family {
        db.set_serif_family(family);
        db.set_sans_serif_family(family);
        db.set_monospace_family(family);
        db.set_cursive_family(family);
        db.set_fantasy_family(family);
    }
    let options = usvg::Options {
        font_family: family.unwrap_or_default(),
        // Nothing outside the file: no other files, no web addresses; images
        // embedded as `data:` are read (and an embedded SVG re-drawn in turn).
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &options).map_err(describe)?;
    let written = tree.to_string(&usvg::WriteOptions { preserve_text: true, ..usvg::WriteOptions::default() });
    Ok(written.into_bytes())
}

fn describe(error: usvg::Error) -> SvgError {
    let (message, position) = match error {
        usvg::Error::NotAnUtf8Str => ("the file is not UTF-8 text".to_owned(), None),
        usvg::Error::MalformedGZip => ("the file is not compressed correctly".to_owned(), None),
        usvg::Error::ElementsLimitReached => ("the file holds too many elements".to_owned(), None),
        usvg::Error::InvalidSize => ("its width, height or viewBox is missing or invalid".to_owned(), None),
        usvg::Error::ParsingFailed(e) => {
            let pos = e.pos();
            (format!("it is not valid SVG: {e}"), Some((pos.row as usize, pos.col as usize)))
        }
    };
    SvgError { message, position }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="10" onload="alert(1)">
<script>alert(2)</script>
<a xlink:href="javascript:alert(3)"><rect width="10" height="10" fill="#2a5" onclick="alert(4)"/></a>
<foreignObject width="5" height="5"><div xmlns="http://www.w3.org/1999/xhtml" onmouseover="alert(5)">x</div></foreignObject>
<text x="1" y="9" font-family="Okänd">Karta</text>
</svg>"##;

    fn inter() -> Vec<Vec<u8>> {
        ["Inter-Regular.otf"]
            .iter()
            .map(|f| std::fs::read(format!("{}/themes/default/fonts/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap())
            .collect()
    }

    /// Broke it by returning `bytes` unchanged: every `alert` was still there.
    #[test]
    fn keeps_the_drawing_and_its_text_and_nothing_that_runs() {
        let fonts = inter();
        let fonts: Vec<&[u8]> = fonts.iter().map(Vec::as_slice).collect();
        let svg = String::from_utf8(redraw(SVG.as_bytes(), &fonts).unwrap()).unwrap();
        for gone in ["alert", "script", "onload", "onclick", "javascript", "foreignObject", "onmouseover"] {
            assert!(!svg.contains(gone), "{gone} survived:\n{svg}");
        }
        assert!(svg.contains("<rect") || svg.contains("<path"), "{svg}");
        assert!(svg.contains("Karta"), "the text is kept as text:\n{svg}");
    }

    #[test]
    fn a_broken_file_is_refused_with_its_position() {
        let error = redraw(b"<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect></svg>", &[]).unwrap_err();
        assert_eq!(error.position.map(|(line, _)| line), Some(2), "{error:?}");
        assert!(error.message.starts_with("it is not valid SVG"), "{error:?}");
    }
}
