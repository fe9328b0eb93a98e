//! Property tests of the Markdown converters: for any chapter the parser
//! accepts, the typst it becomes compiles, and its text reaches the PDF
//! literally; the HTML it becomes is made only of the tags the renderer
//! writes, with every attribute quoted, and its text reaches the page.
//!
//! Short run: a few dozen chapters. Long run:
//! `PROPTEST_CASES=2000 cargo test --release --test e2e hardening::markdown`.

use std::collections::BTreeMap;

use arsrapport::markdown::{self, ChapterContext, LineIndex};
use arsrapport::render::world::ReportWorld;
use arsrapport::theme::Theme;
use proptest::prelude::*;
use pulldown_cmark::Event;
use typst::foundations::Datetime;
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

use super::properties::{config, located};

/// Words that mean something to typst, to Markdown, to HTML, or to nobody.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Förbundet", "årets", "resultat", "ÅÄÖ", "naïve", "Øre", "ß", "Ω", "€", "😀", "…", "–", "—", "x²",
            "#", "#set", "#let x = 1", "$", "$x$", "*", "**", "_", "__", "`", "<", ">", "<=", "< 0,5 %", "<5",
            "@", "@label", "a@b.se", "[", "]", "[x]", "~", "~~", "\\", "\\#", "=", "= x", "-", "--", "---", "-5",
            "-?", "+", "+ 3,2 %", "/", "//", "/*", "*/", "\"", "'", "\"citat\"", "it's", "http://x.se",
            "https://example.se/a?b=c&d", "1.", "12.", "...", "{", "}", "{{", "(", ")", "^", "|", "&", "&amp;",
            "&lt;", "%", "!", "?", ";", ":", "§", "\u{a0}", "\u{202f}", "\u{2028}", "\u{200b}", "e\u{301}",
            "#[", "]#", "#footnote[x]", "#raw(\"x\")", "\")", "\\\"", "<label>x", "label>", "javascript:x",
            "\" onmouseover=\"x", "'><b", "&#60;script&#62;",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zåäö]{1,8}",
        1 => "[!-~]{1,6}".prop_filter("no HTML tag", |s| !opens_html(s)),
    ]
}

/// Whether text could open an HTML tag or comment, which the parser refuses
/// (a separate check); the generator keeps away from it.
fn opens_html(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), n).prop_map(|w| w.join(" "))
}

#[derive(Debug, Clone)]
enum Inline {
    Text(String),
    Emphasis(String),
    Strong(String),
    Strike(String),
    Code(String),
    Link(String, String),
    Footnote(String),
    SoftBreak,
    HardBreak,
}

fn inline() -> impl Strategy<Value = Inline> {
    prop_oneof![
        120 => words(1..6).prop_map(Inline::Text),
        20 => words(1..3).prop_map(Inline::Emphasis),
        20 => words(1..3).prop_map(Inline::Strong),
        20 => words(1..3).prop_map(Inline::Strike),
        20 => words(1..3).prop_map(|w| Inline::Code(w.replace('`', "'"))),
        20 => (words(1..3), prop::sample::select(vec![
            "https://example.se", "https://example.se/a?b=c&d=\"e\"", "mailto:a@b.se", "#avsnitt",
        ])).prop_map(|(w, u)| Inline::Link(w, u.to_owned())),
        20 => words(1..4).prop_map(Inline::Footnote),
        // Now and then a footnote whose text refers to a footnote (itself, or the next).
        1 => (words(1..3), prop::sample::select(vec!["[^n1]", "[^n2]", "[^saknas]"]))
            .prop_map(|(w, r)| Inline::Footnote(format!("{w}{r}"))),
        20 => Just(Inline::SoftBreak),
        20 => Just(Inline::HardBreak),
    ]
}

#[derive(Debug, Clone)]
enum Block {
    Paragraph(Vec<Inline>),
    Heading(String),
    List(bool, Vec<Vec<Inline>>),
    Quote(Vec<Inline>),
    Code(String, Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
    Rule,
}

fn block() -> impl Strategy<Value = Block> {
    let inlines = || prop::collection::vec(inline(), 1..6);
    let cell = || words(0..3).prop_map(|w| w.replace('|', "\\|"));
    prop_oneof![
        5 => inlines().prop_map(Block::Paragraph),
        1 => words(1..4).prop_map(Block::Heading),
        2 => (any::<bool>(), prop::collection::vec(inlines(), 1..4)).prop_map(|(o, items)| Block::List(o, items)),
        1 => inlines().prop_map(Block::Quote),
        1 => (
            prop::sample::select(vec!["", "rust", "typ", "yaml", "x\"y"]),
            prop::collection::vec(words(0..5).prop_map(|w| w.replace("```", "'''")), 1..4),
        )
            .prop_map(|(lang, lines)| Block::Code(lang.to_owned(), lines)),
        1 => (1usize..4).prop_flat_map(move |n| (
            prop::collection::vec(cell(), n),
            prop::collection::vec(prop::collection::vec(cell(), n), 0..4),
        ))
            .prop_map(|(head, rows)| Block::Table(head, rows)),
        1 => Just(Block::Rule),
    ]
}

fn write_inlines(inlines: &[Inline], out: &mut String, notes: &mut Vec<String>) {
    for (i, inline) in inlines.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match inline {
            Inline::Text(t) => out.push_str(t),
            Inline::Emphasis(t) => out.push_str(&format!("*{}*", t.trim())),
            Inline::Strong(t) => out.push_str(&format!("**{}**", t.trim())),
            Inline::Strike(t) => out.push_str(&format!("~~{}~~", t.trim())),
            Inline::Code(t) => out.push_str(&format!("`` {t} ``")),
            Inline::Link(t, url) => out.push_str(&format!("[{t}](<{url}>)")),
            Inline::Footnote(t) => {
                notes.push(t.clone());
                out.push_str(&format!("[^n{}]", notes.len()));
            }
            Inline::SoftBreak => out.push('\n'),
            Inline::HardBreak => out.push_str("\\\n"),
        }
    }
}

/// A chapter: its title, then the blocks, then the footnote definitions.
pub(super) fn chapter() -> impl Strategy<Value = String> {
    (words(1..4), prop::collection::vec(block(), 0..8)).prop_map(|(title, blocks)| {
        let mut out = format!("# Titel {title}\n\n");
        let mut notes = Vec::new();
        for block in &blocks {
            match block {
                Block::Paragraph(inlines) => write_inlines(inlines, &mut out, &mut notes),
                Block::Heading(text) => out.push_str(&format!("## Avsnitt {text}")),
                Block::List(ordered, items) => {
                    for (i, item) in items.iter().enumerate() {
                        out.push_str(&if *ordered { format!("{}. ", i + 1) } else { "- ".to_owned() });
                        write_inlines(item, &mut out, &mut notes);
                        out.push('\n');
                    }
                }
                Block::Quote(inlines) => {
                    out.push_str("> ");
                    write_inlines(inlines, &mut out, &mut notes);
                }
                Block::Code(lang, lines) => {
                    out.push_str(&format!("```{lang}\n{}\n```", lines.join("\n")));
                }
                Block::Table(head, rows) => {
                    let row = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
                    out.push_str(&row(head));
                    out.push_str(&row(&vec![":---".to_owned(); head.len()]));
                    for r in rows {
                        out.push_str(&row(r));
                    }
                }
                Block::Rule => out.push_str("***"),
            }
            out.push_str("\n\n");
        }
        // The heading in-page links point at.
        out.push_str("## Slut {#avsnitt}\n\n");
        for (i, note) in notes.iter().enumerate() {
            out.push_str(&format!("[^n{}]: {note}\n\n", i + 1));
        }
        out
    })
}

/// The text a reader should find: every text and code span, footnotes
/// where they are referenced. Whitespace and control characters are left
/// out; only what is visible is compared.
fn visible_text(doc: &markdown::Doc) -> String {
    fn collect(events: &[markdown::Spanned], doc: &markdown::Doc, out: &mut String) {
        for (event, _) in events {
            match event {
                Event::Text(t) | Event::Code(t) => out.push_str(t),
                Event::FootnoteReference(label) => {
                    if let Some(inner) = doc.footnotes.get(label.as_ref()) {
                        collect(inner, doc, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    collect(&doc.events, doc, &mut out);
    visible(&out)
}

fn visible(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{200b}').collect()
}

fn counts(text: &str) -> BTreeMap<char, usize> {
    let mut map = BTreeMap::new();
    for c in text.chars() {
        *map.entry(c).or_insert(0) += 1;
    }
    map
}

/// Characters no renderer ever adds: each must appear exactly as often as
/// the chapter holds it. Others (digits of footnote marks, list bullets,
/// the dots of numbered lists) may appear more often, never less.
const LITERAL: &str = "#$*_`<>@[]~=+/\\\"'{}^|&%!?;:()§";

fn compare(expected: &str, found: &str) -> Result<(), String> {
    let (want, have) = (counts(expected), counts(found));
    for (c, n) in &want {
        let m = have.get(c).copied().unwrap_or(0);
        if m < *n || (LITERAL.contains(*c) && m != *n) {
            return Err(format!("{c:?} appears {m} times, expected {n}\nexpected: {expected}\nfound:    {found}"));
        }
    }
    for (c, m) in &have {
        if LITERAL.contains(*c) && !want.contains_key(c) {
            return Err(format!("{c:?} appears {m} times, expected none\nexpected: {expected}\nfound:    {found}"));
        }
    }
    Ok(())
}

fn frame_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => frame_text(&group.frame, out),
            FrameItem::Text(text) => out.push_str(&text.text),
            _ => {}
        }
    }
}

/// Compiles one chapter's typst in the report's World with the theme's
/// fonts, on a page wide enough that nothing needs hyphenating.
fn compile(markup: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let theme = Theme::load(dir.path(), "default", "sv").map_err(|d| d.to_string())?;
    let fonts: Vec<&[u8]> = theme
        .files_under("fonts/")
        .filter(|(p, _)| p.ends_with(".otf") || p.ends_with(".ttf"))
        .map(|(_, f)| f.bytes.as_slice())
        .collect();
    let mut world = ReportWorld::new(dir.path(), &fonts, Datetime::from_ymd(2014, 2, 6).unwrap());
    world.add_source(
        "/report.typ",
        "#set text(lang: \"sv\", font: \"Inter\", hyphenate: false)\n#set page(width: 40cm, height: auto)\n#include \"/chapters/01-a.typ\"\n".into(),
    );
    world.add_source("/chapters/01-a.typ", markup.to_owned());
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled
        .output
        .map_err(|errors| errors.iter().map(|e| format!("{}", e.message)).collect::<Vec<_>>().join("; "))?;
    let mut text = String::new();
    for page in document.pages() {
        frame_text(&page.frame, &mut text);
    }
    Ok(text)
}

/// The tags the HTML renderer writes for a chapter body.
const TAGS: &[&str] = &[
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "del",
    "sup",
    "sub",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "div",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "section",
    "figure",
    "img",
    "dl",
    "dt",
    "dd",
    "span",
];

/// Checks that the HTML is only the renderer's own tags with quoted,
/// escaped attributes, and returns its visible text.
fn html_text(html: &str) -> Result<String, String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        rest = &rest[lt + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if !TAGS.contains(&name.as_str()) {
            return Err(format!("unexpected tag `<{}` in\n{html}", &rest[..rest.len().min(40)]));
        }
        // Attributes: ` name="value"` with no quote, `<` or `>` inside the value.
        let mut tag = &rest[rest.find(&name[..]).unwrap() + name.len()..];
        loop {
            if let Some(after) = tag.strip_prefix('>') {
                rest = after;
                break;
            }
            let Some(attr) = tag.strip_prefix(' ') else {
                return Err(format!("malformed tag near `{}`", &tag[..tag.len().min(40)]));
            };
            let name_end = attr.find('=').ok_or_else(|| format!("attribute without value near `{attr:.40}`"))?;
            let attr_name = &attr[..name_end];
            if attr_name.is_empty() || !attr_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("odd attribute name `{attr_name}`"));
            }
            let value = attr[name_end + 1..].strip_prefix('"').ok_or("unquoted attribute")?;
            let close = value.find('"').ok_or("unterminated attribute")?;
            let inner = &value[..close];
            if inner.contains(['<', '>']) {
                return Err(format!("unescaped attribute value `{inner}`"));
            }
            if attr_name.starts_with("on")
                || (attr_name == "href" && inner.trim_start().to_ascii_lowercase().starts_with("javascript:"))
            {
                return Err(format!("script in an attribute: {attr_name}=\"{inner}\""));
            }
            tag = &value[close + 1..];
        }
        // A Markdown table's caption repeats the heading above it: not text of its own.
        if name == "caption" && !closing {
            let end = rest.find("</caption>").ok_or("unclosed caption")?;
            rest = &rest[end..];
        }
    }
    text.push_str(rest);
    if text.contains('>') {
        return Err(format!("a bare `>` in the text of\n{html}"));
    }
    Ok(decode(&text))
}

fn decode(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Checks one chapter; `Ok(false)` when the parser refused it (with located errors).
fn check_chapter(body: &str) -> Result<bool, TestCaseError> {
    let file = "content/chapters/01-a.md";
    let doc = match markdown::parse(body, file, "content/chapters", 0) {
        Ok(doc) => doc,
        Err(d) => {
            // Refused only for the parser's own reasons, with a place.
            located(&d).map_err(TestCaseError::fail)?;
            return Ok(false);
        }
    };
    let lines = LineIndex::new(body, 0);
    let ctx = ChapterContext { file, slug: "01-a", body, lines: &lines, line_offset: 0, tables: None };
    let labels = markdown::build::Labels { footnotes: "Fotnoter", back_to_text: "Tillbaka" };
    let model = markdown::build::chapter(&doc, &ctx, &labels);
    let typst = markdown::typst::render(&model);
    // One chapter line for every line of markup, so typst's errors find their Markdown line.
    let markup_lines = typst.markup.matches('\n').count() + 1;
    if typst.line_map.len() != markup_lines {
        return Err(TestCaseError::fail(format!(
            "{} lines mapped for {markup_lines} lines of markup\n{}",
            typst.line_map.len(),
            typst.markup
        )));
    }
    let expected = visible_text(&doc);
    // An unclosed fence can swallow the heading the in-page links point at; a
    // link to a missing heading is the writer's mistake, reported with its
    // line, not what this property is about. Give such links their target.
    let mut markup = typst.markup.clone();
    if !doc.headings.iter().any(|h| h.id == "avsnitt") {
        markup.push_str("\n#metadata(none) <01-a--avsnitt>\n");
    }
    let found = compile(&markup).map_err(|e| TestCaseError::fail(format!("{e}\n--- markup\n{}", typst.markup)))?;
    compare(&expected, &visible(&found))
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- markup\n{}", typst.markup)))?;

    let html = markdown::html::render(&model);
    let page_text = html_text(&html).map_err(TestCaseError::fail)?;
    // The title is the page template's; the body holds everything else.
    let title = visible(&doc.title);
    let body_text = expected.replacen(&title, "", 1);
    compare(&body_text, &visible(&page_text).replace('↩', ""))
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- html\n{html}")))?;
    Ok(true)
}

#[test]
fn any_accepted_chapter_compiles_and_keeps_its_text() {
    use proptest::test_runner::TestRunner;
    use std::sync::atomic::{AtomicU32, Ordering};
    let config = config(32);
    let cases = config.cases;
    let accepted = AtomicU32::new(0);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&chapter(), |body| {
        if check_chapter(&body)? {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The generator must mostly make chapters the parser accepts, or the test tests little.
    let accepted = accepted.into_inner();
    eprintln!("markdown property: {accepted} of {cases} chapters accepted, compiled and compared");
    // About 85 % are; half leaves room for chance in a short run.
    assert!(accepted * 2 >= cases, "only {accepted} of {cases} generated chapters were accepted");
}

/// Pieces of chapters that use the figures: Tera's syntax, whole and broken.
fn template_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => word(),
        2 => prop::sample::select(vec![
            "{{ figures.rr.arets_resultat[\"2013\"] | belopp }}", "{{ figures.rr.arets_resultat[\"2014\"] | belopp }}",
            "{{ figures.rr.saknas | belopp }}", "{{ figures.rr | belopp }}", "{{ figures | procent }}",
            "{{ table(id=\"rr\") }}", "{{ table(id=\"br\") }}", "{{ table(id=\"x\") }}", "{{ table() }}",
            "{{ notes(level=3) }}", "{{ notes(level=99) }}", "{{ notes(level=-1) }}", "{{ report.title }}",
            "{{ 10000000000000000000000000000 | belopp(decimaler=4) }}", "{{ 5 | belopp(decimaler=99999999999) }}",
            "{{ \"x\" | belopp }}", "{{ 1/0 }}", "{{ data.saknas.x }}", "{% for i in range(end=3) %}{{ i }}{% endfor %}",
            "{% if true %}", "{% endif %}", "{% raw %}", "{% endraw %}", "{% set x = 1 %}", "{% include \"x\" %}",
            "{% extends \"x\" %}", "{% block b %}", "{% macro m() %}", "{{", "}}", "{%", "%}", "{#", "#}",
            "{{ \"<script>\" }}", "{{ \"[x](javascript:y)\" }}", "{{ \"\\n# Två\\n\" }}", "\n", "\n\n", "\n## Del\n",
            "\n| a | b |\n| --- | ---: |\n| x | -5 |\n", "![Bild](../images/saknas.png)", "[^1]", "\n[^1]: Not.\n",
        ])
        .prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(config(24))]

    /// The whole build, from a chapter's text to both outputs in memory:
    /// it succeeds, or it fails with errors that each say where.
    #[test]
    fn any_chapter_builds_or_fails_with_located_errors(pieces in prop::collection::vec(template_piece(), 0..16)) {
        let project = tempfile::tempdir().unwrap();
        crate::common::copy_dir(&crate::common::repo().join("tests/fixtures/base"), project.path());
        let text = format!("# Kapitel\n\n{}\n", pieces.join(" "));
        std::fs::write(project.path().join("content/chapters/02-prov.md"), &text).unwrap();
        let loaded = arsrapport::project::Project::load(Some(project.path()), project.path()).unwrap();
        if let Err(d) = arsrapport::pipeline::build(&loaded, &loaded.documents[0]) {
            located(&d).map_err(|e| TestCaseError::fail(format!("{e}\n--- chapter\n{text}")))?;
        }
    }
}
