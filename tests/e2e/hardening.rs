//! Hostile or broken input: it never crashes the tool, never makes it read
//! outside the project, never turns into script on the website, and never
//! costs the last good output. Property tests of the parsers are in
//! `hardening/properties.rs`.

mod properties;

/// Inputs the property tests found to crash the tool, kept as plain tests.
mod regressions {
    use arsrapport::data::DataFiles;
    use arsrapport::figures::Figures;
    use arsrapport::figures::view::TableLabels;

    fn figures(text: &str) -> Result<(), String> {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("content/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("figurer.yaml"), text).unwrap();
        let files = DataFiles::load(dir.path()).map_err(|d| d.to_string())?;
        Figures::load(&files, &TableLabels { amounts_in: "belopp i" }).map(drop).map_err(|d| d.to_string())
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
