//! Hostile or broken input: it never crashes the tool, never makes it read
//! outside the project, never turns into script on the website, and never
//! costs the last good output. Property tests of the parsers are in
//! `hardening/properties.rs`.

mod markdown;
mod properties;

/// Inputs the property tests found to crash the tool, kept as plain tests.
mod regressions {
    use arsrapport::markdown::{self, ChapterContext, LineIndex};

    fn typst(body: &str) -> markdown::typst::TypstChapter {
        let doc = markdown::parse(body, "content/chapters/01-a.md", "content/chapters", 0).unwrap();
        let lines = LineIndex::new(body, 0);
        let ctx = ChapterContext {
            file: "content/chapters/01-a.md",
            slug: "01-a",
            body,
            lines: &lines,
            line_offset: 0,
            tables: None,
        };
        markdown::typst::render(&doc, &ctx)
    }

    /// A table's head is inserted before its rows when the table ends; the
    /// line count then sliced the markup inside a multi-byte letter (a panic).
    #[test]
    fn a_table_with_letters_beyond_ascii_keeps_its_line_map() {
        let out = typst("# Titel Förbundet\n\n|  |\n| :--- |\n| äöaö !aA:! |\n| https://example.se/a?b=c&d ääaa |\n");
        assert_eq!(out.line_map.len(), out.markup.matches('\n').count() + 1, "{}", out.markup);
    }

    /// Text in a code block was escaped as markup inside a string literal,
    /// so the PDF showed `\#` for `#`.
    #[test]
    fn a_code_block_reaches_the_pdf_literally() {
        let out = typst("# T\n\n```\n#set x = \"a\\b\"\n```\n");
        assert!(out.markup.contains(r##"#raw(block: true, "#set x = \"a\\b\"\n")"##), "{}", out.markup);
    }

    use arsrapport::data::DataFiles;
    use arsrapport::figures::Figures;
    use arsrapport::figures::view::TableLabels;

    fn figures(text: &str) -> Result<(), String> {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("content/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("figurer.yaml"), text).unwrap();
        let files = DataFiles::load(dir.path()).map_err(|d| d.to_string())?;
        Figures::load(&files, &TableLabels { amounts_in: "belopp i", rounding: "Avrundning" })
            .map(drop)
            .map_err(|d| d.to_string())
    }

    /// `{:.4}` of a 29-digit decimal overflowed rust_decimal's buffer (a
    /// panic), reachable with `{{ 10000000000000000000000000000 | belopp(decimaler=4) }}`.
    #[test]
    fn a_long_number_with_decimals_is_formatted() {
        use arsrapport::format::format_amount;
        use rust_decimal::Decimal;
        let long = Decimal::from_parts(0, 0, 54210109, false, 0);
        assert_eq!(format_amount(long, Some(4)), format!("{},0000", format_amount(long, None)));
        assert_eq!(format_amount(Decimal::MAX, Some(2)).len(), format_amount(Decimal::MAX, None).len() + 3);
        assert_eq!(format_amount(Decimal::new(11, 1), Some(3)), "1,100");
    }

    /// Two figures near `Decimal::MAX` in one note made its sum overflow
    /// (a panic in `rust_decimal`). Amounts now have at most 15 digits.
    #[test]
    fn a_sum_of_huge_figures_is_an_error_not_a_crash() {
        let text = "defaults:\n  columns: [a, b]\ntables:\n  - id: t\n    title: T\n    rows:\n      - {id: r0, label: L0, note: n}\nnotes:\n  - id: n\n    title: N\n    rows:\n      - {label: X, values: [0, -1]}\n      - {label: X, values: [0, -79228162514264337593543950335]}\n      - {id: summa, label: Summa, sum: all}\n";
        let message = figures(text).unwrap_err();
        assert!(message.contains("content/data/figurer.yaml:13:") && message.contains("too large"), "{message}");
        // The largest accepted amounts still add up, in every unit.
        let max = "999 999 999 999 999";
        let ok = format!(
            "defaults:\n  unit: kr\n  input_unit: mnkr\n  columns: [a, b]\ntables:\n  - id: t\n    title: T\n    rows:\n      - {{id: x, label: X, values: [{max}, -{max}]}}\n      - {{id: y, label: Y, values: [{max}, -{max}]}}\n      - {{id: s, label: S, sum: [x, y, -x, -y, x]}}\n"
        );
        figures(&ok).unwrap();
    }
}

/// Links a browser would run as script are refused, however they are written.
#[test]
fn links_that_would_run_script_are_refused() {
    use arsrapport::markdown::unsafe_scheme;
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
    ] {
        assert!(unsafe_scheme(bad).is_some(), "{bad:?} should be refused");
    }
    for good in [
        "https://example.se/a?b=c",
        "http://example.se",
        "mailto:ekonomi@example.se",
        "tel:+4633123456",
        "03-noter.md#not-1",
        "#resultat",
        "noter.md#not:1",
        "bilagor/a:b.pdf",
        "java script:x",
    ] {
        assert_eq!(unsafe_scheme(good), None, "{good:?} should be allowed");
    }
}
