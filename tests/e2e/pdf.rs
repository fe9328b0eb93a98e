//! End-to-end tests of the PDF the board receives: the standards it claims and
//! the metadata behind them, navigation (contents, bookmarks, links, running
//! header and footer), the theme settings, wide tables, and errors that point
//! back at the file the user wrote.

use std::collections::BTreeSet;
use std::path::Path;

use lopdf::{Dictionary, Document, Object};

use crate::common::*;

/// A 1×1 PNG image, for a logo.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0xf7, 0xab, 0xfc, 0x0f, 0x00, 0x03, 0x5c, 0x01, 0xe6, 0xb3, 0x11, 0xef,
    0x99, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

struct Pdf {
    doc: Document,
    /// The text of each page, no-break spaces made plain.
    pages: Vec<String>,
}

impl Pdf {
    fn open(path: &Path) -> Pdf {
        let bytes = std::fs::read(path).unwrap();
        let doc = Document::load_mem(&bytes).unwrap();
        let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes)
            .unwrap()
            .into_iter()
            .map(|p| p.replace(['\u{a0}', '\u{202f}'], " "))
            .collect();
        Pdf { doc, pages }
    }

    fn catalog(&self) -> &Dictionary {
        self.doc.catalog().unwrap()
    }

    fn resolve<'a>(&'a self, object: &'a Object) -> &'a Object {
        match object {
            Object::Reference(id) => self.doc.get_object(*id).unwrap(),
            other => other,
        }
    }

    fn dict<'a>(&'a self, parent: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        self.resolve(parent.get(key).ok()?).as_dict().ok()
    }

    /// The XMP metadata packet.
    fn xmp(&self) -> String {
        let id = self.catalog().get(b"Metadata").unwrap().as_reference().unwrap();
        let stream = self.doc.get_object(id).unwrap().as_stream().unwrap();
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        String::from_utf8(content).unwrap()
    }

    fn info(&self, key: &[u8]) -> Option<String> {
        let info = self.resolve(self.doc.trailer.get(b"Info").ok()?).as_dict().ok()?;
        Some(text_string(self.resolve(info.get(key).ok()?)))
    }

    /// The bookmarks as (depth, title), in order.
    fn bookmarks(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        if let Some(outlines) = self.dict(self.catalog(), b"Outlines") {
            self.walk_bookmarks(outlines.get(b"First").ok(), 1, &mut out);
        }
        out
    }

    fn walk_bookmarks<'a>(&'a self, mut item: Option<&'a Object>, depth: usize, out: &mut Vec<(usize, String)>) {
        while let Some(object) = item {
            let dict = self.resolve(object).as_dict().unwrap();
            out.push((depth, text_string(self.resolve(dict.get(b"Title").unwrap()))));
            self.walk_bookmarks(dict.get(b"First").ok(), depth + 1, out);
            item = dict.get(b"Next").ok();
        }
    }

    /// (width, height) of each page in points.
    fn page_sizes(&self) -> Vec<(f32, f32)> {
        self.doc
            .get_pages()
            .values()
            .map(|id| {
                let page = self.doc.get_object(*id).unwrap().as_dict().unwrap();
                let media = self.resolve(page.get(b"MediaBox").unwrap()).as_array().unwrap();
                let n: Vec<f32> = media.iter().map(|o| o.as_float().unwrap()).collect();
                (n[2] - n[0], n[3] - n[1])
            })
            .collect()
    }

    /// The link annotations of a page (1-based) that lead somewhere inside the document.
    fn internal_links(&self, page: u32) -> usize {
        let id = self.doc.get_pages()[&page];
        let page = self.doc.get_object(id).unwrap().as_dict().unwrap();
        let Ok(annots) = page.get(b"Annots") else { return 0 };
        self.resolve(annots)
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| self.resolve(a).as_dict().ok())
            .filter(|a| a.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Link".as_slice()))
            .filter(|a| {
                a.has(b"Dest")
                    || a.get(b"A")
                        .ok()
                        .and_then(|act| self.resolve(act).as_dict().ok())
                        .is_some_and(|act| act.get(b"S").and_then(Object::as_name).ok() == Some(b"GoTo".as_slice()))
            })
            .count()
    }

    /// Every `/Alt` text in the document (images and figures in the structure tree).
    fn alt_texts(&self) -> BTreeSet<String> {
        self.doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter_map(|d| d.get(b"Alt").ok())
            .map(|alt| text_string(self.resolve(alt)))
            .collect()
    }

    /// The names of the fonts used.
    fn fonts(&self) -> BTreeSet<String> {
        self.doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"Type").and_then(Object::as_name).ok() == Some(b"Font".as_slice()))
            .filter_map(|d| d.get(b"BaseFont").and_then(Object::as_name).ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect()
    }

    /// The 1-based page whose text contains `needle`, from `from` on.
    fn page_with(&self, needle: &str, from: usize) -> Option<usize> {
        (from..=self.pages.len()).find(|&p| self.pages[p - 1].contains(needle))
    }
}

/// A PDF text string: UTF-16BE with a byte order mark, or PDFDocEncoding (ASCII here).
fn text_string(object: &Object) -> String {
    let bytes = object.as_str().unwrap();
    if let Some(utf16) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = utf16.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

fn built(dir: &Path) -> Pdf {
    let (out, _, stderr) = build(dir);
    assert!(out.status.success(), "{stderr}");
    // The first by name: the annual report where the example also holds its plan.
    let mut pdfs: Vec<_> = std::fs::read_dir(dir.join("output"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    Pdf::open(&pdfs[0])
}

fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn the_example_claims_pdf_ua_and_pdf_a_with_the_metadata_behind_them() {
    let dir = example();
    let pdf = built(dir.path());

    let catalog = pdf.catalog();
    let lang = text_string(catalog.get(b"Lang").unwrap());
    assert!(lang == "sv" || lang.starts_with("sv-"), "/Lang is {lang}");
    let marked = pdf.dict(catalog, b"MarkInfo").and_then(|m| m.get(b"Marked").ok()).and_then(|m| m.as_bool().ok());
    assert_eq!(marked, Some(true), "the PDF is not tagged");
    assert!(catalog.has(b"StructTreeRoot"), "no structure tree");
    let display_title = pdf
        .dict(catalog, b"ViewerPreferences")
        .and_then(|v| v.get(b"DisplayDocTitle").ok())
        .and_then(|v| v.as_bool().ok());
    assert_eq!(display_title, Some(true), "PDF/UA wants the title shown instead of the file name");

    let xmp = pdf.xmp();
    for expected in [
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>A</pdfaid:conformance>",
        "<pdfuaid:part>1</pdfuaid:part>",
        "Årsredovisning 2013</rdf:li>",
        "<rdf:li>Sjuhärads kommunalförbund</rdf:li>",
        "<rdf:li>sv",
        "<xmp:CreateDate>2014-02-06",
    ] {
        assert!(xmp.contains(expected), "the XMP metadata lacks {expected}:\n{xmp}");
    }
    assert_eq!(pdf.info(b"Title").as_deref(), Some("Årsredovisning 2013"));
    assert_eq!(pdf.info(b"Author").as_deref(), Some("Sjuhärads kommunalförbund"));
}

#[test]
fn the_example_can_be_navigated() {
    let dir = example();
    let pdf = built(dir.path());
    let total = pdf.pages.len();

    // Title page: organisation, title, decision; no page number.
    let title = &pdf.pages[0];
    for expected in ["Sjuhärads kommunalförbund", "Årsredovisning 2013", "Beslutad av Direktionen", "2014-02-06"] {
        assert!(title.contains(expected), "the title page lacks {expected:?}:\n{title}");
    }
    assert!(!title.contains("Sida 1"), "the title page has a page number");

    // Every other page: "Sida n av N".
    for (i, text) in pdf.pages.iter().enumerate().skip(1) {
        let footer = format!("Sida {} av {total}", i + 1);
        assert!(text.contains(&footer), "page {} lacks {footer:?}", i + 1);
    }

    // The contents lists each chapter with the page it starts on, and links there.
    let contents = pdf.pages[1..4].join("\n");
    assert!(contents.contains("Innehållsförteckning"));
    let chapters = [
        ("1", "Direktionen 2013"),
        ("8", "Resultaträkning"),
        ("9", "Balansräkning"),
        ("10", "Noter till resultat- och balansräkningen"),
    ];
    for (number, name) in chapters {
        // The text extractor may split the page number's digits; a word joiner keeps it on the line.
        let entry = format!("{number} {name}");
        let line = contents
            .lines()
            .map(|l| l.replace('\u{2060}', "").trim().to_owned())
            .find(|l| l.starts_with(&entry))
            .unwrap_or_else(|| panic!("the contents lack chapter {number} {name}:\n{contents}"));
        let page: usize = line[entry.len()..].chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap();
        let text = pdf.pages[page - 1].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.starts_with(&entry),
            "the contents say chapter {number} starts on page {page}, which reads:\n{text}"
        );
    }
    assert!(pdf.internal_links(2) >= 20, "the contents do not link to the chapters");

    // Running header: the document title and the current chapter, on the pages after a chapter's first.
    let start = pdf.page_with("Noter till resultat- och balansräkningen", 5).unwrap();
    let next = &pdf.pages[start];
    assert!(
        next.contains("Årsredovisning 2013") && next.contains("10 Noter till resultat- och balansräkningen"),
        "page {} lacks the running header:\n{next}",
        start + 1
    );

    // Bookmarks follow the headings: chapters with their sections beneath.
    let bookmarks = pdf.bookmarks();
    let chapters: Vec<&str> = bookmarks.iter().filter(|(d, _)| *d == 1).map(|(_, t)| t.as_str()).collect();
    assert_eq!(chapters.len(), 11, "{bookmarks:?}");
    assert_eq!(chapters[7], "8 Resultaträkning", "{chapters:?}");
    let rr = bookmarks.iter().position(|(d, t)| *d == 1 && t == "8 Resultaträkning").unwrap();
    assert_eq!(bookmarks[rr + 1], (2, "Förbundet totalt".to_owned()), "{bookmarks:?}");
}

#[test]
fn accessible_pdf_false_drops_the_standards_but_keeps_the_metadata() {
    let dir = project(&[("01-a.md", "# Inledning\n\nText.\n")]);
    let config = dir.path().join("content/report.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}accessible_pdf: false\n")).unwrap();
    let pdf = built(dir.path());
    let xmp = pdf.xmp();
    assert!(!xmp.contains("pdfaid:part") && !xmp.contains("pdfuaid:part"), "{xmp}");
    assert_eq!(pdf.info(b"Title").as_deref(), Some("Årsredovisning 2013"));
    assert!(text_string(pdf.catalog().get(b"Lang").unwrap()).starts_with("sv"));
}

#[test]
fn a_theme_file_changes_page_fonts_and_logo_without_typst() {
    let dir = project(&[("01-a.md", "# Inledning\n\nText i en annan stil.\n")]);
    write(
        dir.path(),
        "themes/default/theme.yaml",
        b"page:\n  size: a5\n  margins: {left: 15mm, right: 15mm}\nfonts:\n  body: Libertinus Serif\ncolours:\n  accent: \"#8a1538\"\n",
    );
    write(dir.path(), "content/images/logo.png", PNG);
    let config = dir.path().join("content/report.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}logo:\n  file: images/logo.png\n  alt: Testförbundets logotyp\n")).unwrap();

    let pdf = built(dir.path());
    for (w, h) in pdf.page_sizes() {
        assert!((w - 419.53).abs() < 0.1 && (h - 595.28).abs() < 0.1, "a page is {w} × {h}, not A5");
    }
    let fonts = pdf.fonts();
    assert!(fonts.iter().any(|f| f.contains("LibertinusSerif")), "{fonts:?}");
    assert!(pdf.alt_texts().contains("Testförbundets logotyp"), "{:?}", pdf.alt_texts());
}

#[test]
fn wide_tables_get_smaller_type_or_a_landscape_page() {
    let row = |label: &str, n: usize, value: &str| {
        format!("| {label} |{}\n", (0..n).map(|_| format!(" {value} |")).collect::<String>())
    };
    let table = |n: usize, value: &str| {
        let head: String = (1..=n).map(|i| format!(" Kolumn {i} |")).collect();
        let rule: String = (0..n).map(|_| "---:|").collect();
        let body: String =
            ["Bollebygd", "Borås", "Mark", "Svenljunga", "Summa"].iter().map(|l| row(l, n, value)).collect();
        format!("| Kommun |{head}\n|---|{rule}\n{body}")
    };
    let chapter = format!(
        "# Tabeller\n\nNio kolumner får plats på en stående sida.\n\n{}\nSexton breda kolumner behöver en liggande.\n\n{}",
        table(8, "12 345"),
        table(15, "1 234 567")
    );
    let dir = project(&[("01-tabeller.md", &chapter)]);
    let pdf = built(dir.path());
    let sizes = pdf.page_sizes();
    let landscape: Vec<usize> = (0..sizes.len()).filter(|&i| sizes[i].0 > sizes[i].1).collect();
    assert_eq!(landscape.len(), 1, "{sizes:?}");
    let page = &pdf.pages[landscape[0]];
    assert!(page.contains("Kolumn 15") && page.contains("1 234 567"), "{page}");
    let portrait = pdf.page_with("Kolumn 8", 1).unwrap();
    assert!(sizes[portrait - 1].0 < sizes[portrait - 1].1, "the nine-column table left the portrait page");
    // Every label of the first column is whole (no column collapsed to nothing).
    assert!(pdf.pages[portrait - 1].contains("Svenljunga"), "{}", pdf.pages[portrait - 1]);
}

#[test]
fn a_typesetting_error_in_a_chapter_names_the_markdown_file_and_line() {
    let dir =
        project(&[("01-karta.md", "# Karta\n\nFörbundets område.\n\n![Karta över Sjuhärad](../images/karta.png)\n")]);
    write(dir.path(), "content/images/karta.png", b"not a picture at all");
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/chapters/01-karta.md:5"), "{stderr}");
    assert!(!dir.path().join("output").exists(), "a failed build wrote output");
}

#[test]
fn a_typesetting_error_in_the_theme_names_the_theme_file_line_and_column() {
    let dir = project(&[("01-a.md", "# Inledning\n\nText.\n")]);
    write(
        dir.path(),
        "themes/default/typst/lib.typ",
        b"// A theme of one's own.\n#let report(body) = {\n  set text(lang: \"sv\")\n  body + undefined-thing\n}\n",
    );
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("themes/default/typst/lib.typ:4:10"), "{stderr}");
    assert!(stderr.contains("unknown variable: undefined-thing"), "{stderr}");
}

#[test]
fn mistakes_in_theme_settings_name_the_line() {
    let dir = project(&[("01-a.md", "# Inledning\n\nText.\n")]);
    write(
        dir.path(),
        "themes/default/theme.yaml",
        b"page:\n  size: a4\n  margins:\n    top: 25\nfonts:\n  body: Comic Sans MS\n",
    );
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("themes/default/theme.yaml:4:10") && stderr.contains("a length with a unit"), "{stderr}");

    write(dir.path(), "themes/default/theme.yaml", b"fonts:\n  body: Comic Sans MS\n");
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("themes/default/theme.yaml:2:9") && stderr.contains("`Comic Sans MS` is not available"),
        "{stderr}"
    );
}

#[test]
fn the_logo_must_exist_and_have_alt_text() {
    let dir = project(&[("01-a.md", "# Inledning\n\nText.\n")]);
    let config = dir.path().join("content/report.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}logo:\n  file: images/saknas.png\n  alt: Logotyp\n")).unwrap();
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // `file:` is the second line added after the project's own.
    let at = format!("content/report.yaml:{}:9", text.lines().count() + 2);
    assert!(stderr.contains(&at) && stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn inaccessible_markdown_stops_the_build_at_its_line() {
    for (chapter, line, message) in [
        ("# Titel\n\n![](../images/karta.png)\n", 3, "no alt text"),
        ("# Titel\n\nText.\n\n### För djupt\n", 5, "skips a level"),
        ("Ingen rubrik här.\n", 1, "no title"),
    ] {
        let dir = project(&[("01-a.md", chapter)]);
        write(dir.path(), "content/images/karta.png", PNG);
        let (out, _, stderr) = build(dir.path());
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(&format!("content/chapters/01-a.md:{line}")) && stderr.contains(message), "{stderr}");
    }
}

#[test]
fn the_theme_says_where_chapters_start_and_the_report_whether_they_are_numbered() {
    let chapters = [("01-inledning.md", "# Inledning\n\nKort.\n"), ("02-resultat.md", "# Resultat\n\nOckså kort.\n")];
    let starts = |start: Option<&str>, numbers: bool| {
        let dir = project(&chapters);
        if let Some(start) = start {
            write(dir.path(), "themes/default/theme.yaml", format!("chapters:\n  start: {start}\n").as_bytes());
        }
        if !numbers {
            let config = dir.path().join("content/report.yaml");
            let text = std::fs::read_to_string(&config).unwrap();
            std::fs::write(&config, format!("{text}chapter_numbers: false\n")).unwrap();
        }
        let pdf = built(dir.path());
        let page_of = |title: &str| {
            (3..=pdf.pages.len())
                .find(|&p| pdf.pages[p - 1].lines().any(|l| l.trim().ends_with(title)))
                .unwrap_or_else(|| panic!("no page starts chapter {title}: {:?}", pdf.pages))
        };
        (page_of("Inledning"), page_of("Resultat"), pdf.bookmarks())
    };
    let (first, second, bookmarks) = starts(None, true);
    assert_eq!((first, second), (3, 4), "each chapter on a new page");
    assert_eq!(bookmarks, [(1, "1 Inledning".to_owned()), (1, "2 Resultat".to_owned())]);
    assert_eq!(starts(Some("continue"), true).1, 3, "chapters run on");
    assert_eq!(starts(Some("right-page"), true).1, 5, "chapters on right-hand (odd) pages");
    assert_eq!(starts(Some("right-page"), true).0, 3, "the first chapter on page 3, after the contents on page 2");
    let (_, _, bookmarks) = starts(None, false);
    assert_eq!(bookmarks, [(1, "Inledning".to_owned()), (1, "Resultat".to_owned())]);
}

/// Table cell widths computed from the theme's fonts stand in for typst's
/// own measuring: every table of the example gets them, and both documents
/// come out byte for byte as when typst measures every cell itself.
#[test]
fn computed_table_widths_give_the_pdf_typst_measuring_gives() {
    let lib = std::fs::read_to_string(repo().join("themes/default/typst/lib.typ")).unwrap();
    let switch = "#let use-computed-widths = true";
    let lookup = "widths.at(name, default: none)";
    assert!(lib.contains(switch) && lib.contains(lookup), "the theme's switch and lookup are where this test expects");
    let variant = |lib: &str| {
        let dir = example();
        write(dir.path(), "themes/default/typst/lib.typ", lib.as_bytes());
        let (out, _, stderr) = build(dir.path());
        assert!(out.status.success(), "{stderr}");
        dir
    };
    // Every table finds its widths: a missing entry would now stop the build.
    let computed = variant(&lib.replace(lookup, "widths.at(name)"));
    let measured = variant(&lib.replace(switch, "#let use-computed-widths = false"));
    for doc in ["arsredovisning-2013", "verksamhetsplan-och-budget-2013"] {
        let pdf = |dir: &tempfile::TempDir| std::fs::read(dir.path().join(format!("output/{doc}.pdf"))).unwrap();
        assert!(pdf(&computed) == pdf(&measured), "{doc}.pdf differs between computed and measured widths");
    }
}

/// The objects the cross-reference table points at: (object number, offset).
fn xref_entries(bytes: &[u8]) -> Vec<(usize, usize)> {
    let tail = bytes.windows(9).rposition(|w| w == b"startxref").unwrap();
    let start: usize = String::from_utf8_lossy(&bytes[tail + 9..]).split_whitespace().next().unwrap().parse().unwrap();
    let text = String::from_utf8_lossy(&bytes[start..]);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("xref"));
    let count: usize = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    lines
        .take(count)
        .enumerate()
        .filter(|(_, l)| l.trim_end().ends_with('n'))
        .map(|(id, l)| (id, l[..10].parse().unwrap()))
        .collect()
}

/// Failed before the PDF was finished for readers: typst writes no
/// `/PageMode` and tags every bullet list `/ListNumbering /Circle`.
#[test]
fn the_example_opens_with_its_bookmarks_and_tags_bullet_lists_as_discs() {
    let dir = example();
    let pdf = built(dir.path());
    let mode = pdf.catalog().get(b"PageMode").and_then(|m| m.as_name()).ok();
    assert_eq!(mode, Some(&b"UseOutlines"[..]), "the PDF does not open with its bookmarks shown");

    let mut numbering = BTreeSet::new();
    for object in pdf.doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let attributes = match dict.get(b"A").map(|a| pdf.resolve(a)) {
            Ok(Object::Dictionary(a)) => vec![a],
            Ok(Object::Array(list)) => list.iter().filter_map(|a| pdf.resolve(a).as_dict().ok()).collect(),
            _ => continue,
        };
        for a in attributes {
            if let Ok(name) = a.get(b"ListNumbering").and_then(|n| n.as_name()) {
                numbering.insert(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    assert!(numbering.contains("Disc"), "no bullet list tagged as discs: {numbering:?}");
    assert!(!numbering.contains("Circle"), "the theme draws discs, not circles: {numbering:?}");

    // The edit kept the file one consistent revision: every entry of the
    // cross-reference table points at its object.
    let path = dir.path().join("output/arsredovisning-2013.pdf");
    let bytes = std::fs::read(&path).unwrap();
    let entries = xref_entries(&bytes);
    assert!(entries.len() > 1000, "{} objects", entries.len());
    for (id, offset) in entries {
        assert!(bytes[offset..].starts_with(format!("{id} 0 obj").as_bytes()), "object {id} is not at {offset}");
    }
}

/// The structure elements under `object`, depth first: (type, attributes, kids).
fn struct_elements<'a>(pdf: &'a Pdf, object: &'a Object, out: &mut Vec<&'a Dictionary>) {
    match pdf.resolve(object) {
        Object::Array(items) => items.iter().for_each(|i| struct_elements(pdf, i, out)),
        Object::Dictionary(dict) if dict.has(b"S") => {
            out.push(dict);
            if let Ok(kids) = dict.get(b"K") {
                struct_elements(pdf, kids, out);
            }
        }
        _ => {}
    }
}

fn struct_type(dict: &Dictionary) -> &[u8] {
    dict.get(b"S").and_then(|s| s.as_name()).unwrap_or_default()
}

/// The header scope of a TH element, if it has one.
fn scope<'a>(pdf: &'a Pdf, dict: &'a Dictionary) -> Option<&'a [u8]> {
    let attributes = match pdf.resolve(dict.get(b"A").ok()?) {
        Object::Array(list) => list.iter().filter_map(|a| pdf.resolve(a).as_dict().ok()).collect(),
        Object::Dictionary(a) => vec![a],
        _ => Vec::new(),
    };
    attributes.into_iter().find_map(|a| a.get(b"Scope").and_then(|s| s.as_name()).ok())
}

/// Statement, note, budget and goal tables: the label column is tagged as
/// row headers, so each figure is announced with its line. Failed before the
/// theme marked them: 0 of 133 header cells had row scope.
#[test]
fn the_label_column_of_every_table_is_tagged_as_row_headers() {
    let dir = example();
    let pdf = built(dir.path());
    let root = pdf.dict(pdf.catalog(), b"StructTreeRoot").unwrap();
    let mut elements = Vec::new();
    struct_elements(&pdf, root.get(b"K").unwrap(), &mut elements);
    let tables: Vec<&Dictionary> = elements.iter().copied().filter(|e| struct_type(e) == b"Table").collect();
    assert!(tables.len() > 25, "only {} tables", tables.len());
    let (mut rows, mut without) = (0, Vec::new());
    for (i, table) in tables.iter().enumerate() {
        let mut inside = Vec::new();
        struct_elements(&pdf, table.get(b"K").unwrap(), &mut inside);
        for row in inside.iter().filter(|e| struct_type(e) == b"TR") {
            let mut cells = Vec::new();
            struct_elements(&pdf, row.get(b"K").unwrap(), &mut cells);
            let cells: Vec<&&Dictionary> = cells.iter().filter(|c| matches!(struct_type(c), b"TH" | b"TD")).collect();
            // Body rows: those with data cells.
            if !cells.iter().any(|c| struct_type(c) == b"TD") {
                continue;
            }
            rows += 1;
            let first = cells[0];
            if struct_type(first) != b"TH" || scope(&pdf, first) != Some(b"Row") {
                without.push(format!("table {i}: a row starts with {:?}", String::from_utf8_lossy(struct_type(first))));
            }
        }
    }
    assert!(rows > 200, "only {rows} body rows");
    assert!(without.is_empty(), "{} rows without a row header:\n{}", without.len(), without.join("\n"));
}

/// The corner cell of a statement, note or budget table names the label
/// column ("Post"), in both outputs, as a column header. Failed with the
/// corner left empty (the theme's `row_label` not used in the block model):
/// the site's first header cell was `<td></td>` and the PDF's corner TH had no text.
#[test]
fn the_corner_cell_of_figures_tables_heads_the_label_column() {
    let dir = example();
    let pdf = built(dir.path());
    let site = dir.path().join("output/arsredovisning-2013");
    for page in ["08-resultatrakning.html", "09-balansrakning.html", "10-noter.html"] {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        let tables: Vec<&str> = html.split("<table").skip(1).filter(|t| t.contains("id=\"tabell-")).collect();
        assert!(!tables.is_empty(), "{page} has no figures table");
        for table in tables {
            let header = table.split("<tr").nth(1).unwrap();
            assert!(header.starts_with("><th scope=\"col\">Post</th>"), "{page}: {header}");
        }
    }

    let root = pdf.dict(pdf.catalog(), b"StructTreeRoot").unwrap();
    let mut elements = Vec::new();
    struct_elements(&pdf, root.get(b"K").unwrap(), &mut elements);
    let (mut named, mut empty) = (0, 0);
    for table in elements.iter().filter(|e| struct_type(e) == b"Table") {
        let mut inside = Vec::new();
        struct_elements(&pdf, table.get(b"K").unwrap(), &mut inside);
        let corner = inside.iter().find(|e| matches!(struct_type(e), b"TH" | b"TD")).unwrap();
        assert_eq!(struct_type(corner), b"TH");
        assert_eq!(scope(&pdf, corner), Some(&b"Column"[..]));
        // A cell with text has marked content among its kids; an empty one has none.
        let has_text = corner.get(b"K").is_ok_and(|k| match pdf.resolve(k) {
            Object::Array(items) => !items.is_empty(),
            _ => true,
        });
        if has_text { named += 1 } else { empty += 1 }
    }
    // Every table in the example, figures or not, now has a named corner.
    assert_eq!(empty, 0, "{empty} tables with an empty corner ({named} named)");
    // The word is in no chapter of the example: each figures table's corner shows it.
    let corners: usize = pdf.pages.iter().map(|p| p.split_whitespace().filter(|w| *w == "Post").count()).sum();
    assert!(corners >= 20, "\"Post\" is shown {corners} times");
}
