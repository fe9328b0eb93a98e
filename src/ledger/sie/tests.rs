use super::*;

const FILE: &str = "ledger/bokslut.se";

fn read_text(text: &str) -> Result<(Ledger, Diagnostics), Diagnostics> {
    read(text.as_bytes(), FILE)
}

fn ok(text: &str) -> Ledger {
    match read_text(text) {
        Ok((ledger, warnings)) => {
            assert!(warnings.is_empty(), "{warnings}");
            ledger
        }
        Err(d) => panic!("{d}"),
    }
}

/// The problems of a file that must not be read, as `line:column message`.
fn problems(text: &str) -> Vec<String> {
    problems_of(text.as_bytes())
}

fn problems_of(bytes: &[u8]) -> Vec<String> {
    let d = read(bytes, FILE).expect_err("the file should not be read");
    d.iter()
        .map(|d| {
            let at = d
                .location
                .as_ref()
                .filter(|l| l.line > 0)
                .map_or(String::new(), |l| format!("{}:{} ", l.line, l.column));
            format!("{at}{}", d.message)
        })
        .collect()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

const HEAD: &str = "#FLAGGA 0\n#PROGRAM \"Ekonomi \\\"X\\\"\" 4.2\n#FORMAT PC8\n#GEN 20250115\n#SIETYP 4\n\
#FNAMN \"Exempelstad kommun\"\n#ORGNR 212000-0000\n#KPTYP KBAS2024\n#RAR 0 20240101 20241231\n#RAR -1 20230101 20231231\n";

#[test]
fn identification_posts() {
    let l = ok(HEAD);
    assert_eq!(l.program.as_deref(), Some("Ekonomi \"X\" 4.2"));
    assert_eq!(l.generated, Date::parse("20250115"));
    assert_eq!(l.sie_type, Some(4));
    assert_eq!(l.organisation.as_deref(), Some("Exempelstad kommun"));
    assert_eq!(l.org_number.as_deref(), Some("212000-0000"));
    assert_eq!(l.chart.as_deref(), Some("KBAS2024"));
    assert_eq!(l.years.len(), 2);
    assert_eq!(l.year(-1).unwrap().start.to_string(), "2023-01-01");
    assert_eq!(l.year(0).unwrap().end.to_string(), "2024-12-31");
    assert_eq!(l.lines, 10);
}

#[test]
fn accounts_with_type_unit_and_sru() {
    let l = ok(&format!(
        "{HEAD}#KONTO 1930 \"Bank\"\n#KTYP 1930 T\n#KONTO 3010 Taxor\n#KTYP 3010 i\n#ENHET 3010 st\n#SRU 3010 7410\n#KTYP 4010 K\n#KTYP 2350 S\n"
    ));
    let a = &l.accounts["3010"];
    assert_eq!(
        (a.name.as_str(), a.kind, a.unit.as_deref(), a.sru.as_deref(), a.line),
        ("Taxor", Some(AccountKind::Income), Some("st"), Some("7410"), 13)
    );
    assert_eq!(l.accounts["1930"].kind, Some(AccountKind::Asset));
    assert_eq!(l.accounts["4010"].kind, Some(AccountKind::Cost));
    assert_eq!(l.accounts["2350"].kind, Some(AccountKind::Liability));
}

#[test]
fn dimensions_subdimensions_and_objects() {
    let l = ok(&format!(
        "{HEAD}#DIM 1 Namnd\n#UNDERDIM 21 Forvaltning 1\n#OBJEKT 1 \"10\" \"Kommunstyrelsen\"\n#OBJEKT 21 10a \"KS stab\"\n#OBJEKT 6 P1 Bro\n"
    ));
    assert_eq!(l.dimensions[&1].name, "Namnd");
    assert_eq!(l.dimensions[&1].objects["10"], "Kommunstyrelsen");
    assert_eq!(l.dimensions[&21].parent, Some(1));
    assert_eq!(l.dimensions[&21].objects["10a"], "KS stab");
    // A reserved dimension used without #DIM gets its standard name.
    assert_eq!(l.dimensions[&6].name, "Projekt");
    assert_eq!(l.dimensions[&6].objects["P1"], "Bro");
}

#[test]
fn balances_object_balances_and_periods() {
    let l = ok(&format!(
        "{HEAD}#IB 0 1930 1000.50\n#UB 0 1930 -250\n#IB -1 1930 12\n#RES 0 3010 -99.99 5\n\
#OIB 0 1510 {{1 \"10\"}} 40\n#OUB 0 1510 {{1 10}} 41\n#PSALDO 0 202403 3010 {{}} -10.5\n#PSALDO 0 202403 3010 {{1 \"10\"}} -4\n\
#PBUDGET 0 202403 3010 {{}} -11\n"
    ));
    let b = l.balances(0, "1930").unwrap();
    assert_eq!((b.opening, b.closing, b.result), (Some(dec("1000.50")), Some(dec("-250")), None));
    assert_eq!(l.balances(-1, "1930").unwrap().opening, Some(dec("12")));
    assert_eq!(l.balances(0, "3010").unwrap().result, Some(dec("-99.99")));
    let o = &l.object_balances[&(0, "1510".to_owned(), (1, "10".to_owned()))];
    assert_eq!((o.opening, o.closing), (Some(dec("40")), Some(dec("41"))));
    assert_eq!(l.period_balances[&(0, 202403, "3010".to_owned(), vec![])], dec("-10.5"));
    assert_eq!(l.period_balances[&(0, 202403, "3010".to_owned(), vec![(1, "10".to_owned())])], dec("-4"));
    assert_eq!(l.period_budgets[&(0, 202403, "3010".to_owned(), vec![])], dec("-11"));
}

#[test]
fn vouchers_are_summed_by_account_month_and_object() {
    let l = ok(&format!(
        "{HEAD}#VER A 1 20240105 \"Hyra\" 20240106\n{{\n#TRANS 5010 {{1 \"10\" 6 \"P1\"}} 1500.25\n#TRANS 1930 {{}} -1500.25 20240105 \"\" 0 \"sign\"\n}}\n\
#VER \"\" 7 20240210\n{{\n   #TRANS 5010 {{1 \"20\"}} 100\n\t#TRANS 1930 {{}} -100 \"\"\n}}\n"
    ));
    let t = &l.transactions;
    assert_eq!((t.vouchers, t.rows, t.repeated_rows, t.removed_rows), (2, 4, 0, 0));
    assert_eq!(t.sum("5010", 202401, 202412), dec("1600.25"));
    assert_eq!(t.sum("5010", 202402, 202402), dec("100"));
    assert_eq!(l.transaction_sum(0, "1930"), Some(dec("-1600.25")));
    assert_eq!(l.transaction_sum(-1, "1930"), Some(Decimal::ZERO));
    assert_eq!(t.by_object[&("5010".to_owned(), 1, "10".to_owned())][&202401], dec("1500.25"));
    assert_eq!(t.by_object[&("5010".to_owned(), 6, "P1".to_owned())][&202401], dec("1500.25"));
    assert_eq!(t.by_object[&("5010".to_owned(), 1, "20".to_owned())][&202402], dec("100"));
}

/// A row added afterwards (#RTRANS) is repeated as #TRANS for older readers and
/// counted once; a removed row (#BTRANS) is never summed. Fails when the
/// repetition is summed (`last_added_row` ignored) or #BTRANS is counted.
#[test]
fn added_rows_count_once_and_removed_rows_never() {
    let l = ok(&format!(
        "{HEAD}#VER A 1 20240105 \"\"\n{{\n#TRANS 5010 {{}} 100\n#BTRANS 5010 {{}} 100\n#TRANS 5010 {{}} 80\n#RTRANS 1930 {{}} -180\n#TRANS 1930 {{}} -180\n}}\n\
#VER A 2 20240105 \"\"\n{{\n#RTRANS 1930 {{}} -5\n#TRANS 1930 {{}} -5\n#TRANS 1930 {{}} -5\n#TRANS 5010 {{}} 10\n}}\n"
    ));
    let t = &l.transactions;
    assert_eq!(t.sum("5010", 202401, 202401), dec("190"));
    // The second voucher's second #TRANS -5 is a row of its own: only the one
    // right after the #RTRANS repeats it.
    assert_eq!(t.sum("1930", 202401, 202401), dec("-190"));
    assert_eq!((t.rows, t.repeated_rows, t.removed_rows), (6, 2, 1));
}

#[test]
fn unknown_posts_are_skipped_and_listed() {
    let l = ok(&format!("{HEAD}#ADRESS \"a\" \"b\" \"c\" \"d\"\n#FUTURE 1 2\n#FUTURE x\n#TAXAR 2025\n\u{1a}\n"));
    assert_eq!(l.skipped.len(), 1);
    assert_eq!(l.skipped["#FUTURE"], Skipped { count: 2, first_line: 12 });
}

#[test]
fn cp437_is_decoded_and_utf8_is_recognised_with_a_warning() {
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"#KONTO 2350 \"L\x86ng skuld \x84 \x94\"\r\n");
    let (l, warnings) = read(bytes.as_slice(), FILE).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(l.accounts["2350"].name, "Lång skuld ä ö");

    let text = format!("{HEAD}#KONTO 1930 Bank\n#KONTO 2350 \"Lång skuld\"\n#KONTO 2440 \"Leverantörsskulder\"\n");
    let (l, warnings) = read(text.as_bytes(), FILE).unwrap();
    assert_eq!(l.accounts["2350"].name, "Lång skuld");
    assert_eq!(l.accounts["2440"].name, "Leverantörsskulder");
    let w: Vec<_> = warnings.iter().collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].location, Some(Location::new(FILE, 12, 15)));
    assert!(w[0].message.contains("UTF-8"), "{}", w[0].message);

    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"#KONTO 2350 \"L\xe5ng skuld\"\n");
    let (l, warnings) = read(bytes.as_slice(), FILE).unwrap();
    assert_eq!(l.accounts["2350"].name, "Lång skuld");
    assert!(warnings.iter().next().unwrap().message.contains("Windows-1252"));
}

#[test]
fn every_problem_is_located_and_reported_at_once() {
    let text = format!(
        "{HEAD}#FORMAT UTF8\n#SIETYP 5\n#RAR 1 20241301 20241231\n#KONTO 19A0 Bank\n#KONTO 1930\n#KTYP 1930 X\n\
#DIM one Namnd\n#IB 0 1930 1,5\n#IB x 1930 1\n#UB 0 1930 1e5\n#OIB 0 1930 {{1}} 5\n#OUB 0 1930 5\n#PSALDO 0 202413 3010 {{}} 1\n\
#FNAMN \"Ingen slutquote\nhej\n{{\n#TRANS 1930 {{}} 5\n#VER A 1 20240230 \"\"\n#VER A 2 20240101 \"\"\n{{\n#TRANS 1930 {{}} 5 2024011\n#TRANS 1930 {{}} 1\n#KONTO 1 x\n}}\n}}\n#VER A 3 20240101\n{{\n#TRANS 1 {{}} 1\n"
    );
    assert_eq!(
        problems(&text),
        [
            "11:9 expected `PC8` (code page 437), the only character set of SIE 4, found `UTF8`",
            "12:9 expected the file type 1, 2, 3 or 4, found `5`",
            "13:8 expected the first day of the year as a date YYYYMMDD, found `20241301`",
            "14:8 expected an account number (digits only), found `19A0`",
            "15:12 expected the account's name in `#KONTO`, found the end of the line",
            "16:12 expected the account type T (tillgång), S (skuld), K (kostnad) or I (intäkt), found `X`",
            "17:6 expected a dimension number (1, 2, …), found `one`",
            "18:12 expected the balance as an amount such as -1234.50, found `1,5`",
            "19:5 expected a year number such as 0 or -1, found `x`",
            "20:12 expected the balance as an amount such as -1234.50, found `1e5`",
            "21:15 expected the object of dimension 1 before `}`: objects come in pairs of dimension and object",
            "22:13 expected an object list such as `{1 \"100\"}`, found `5`",
            "22:14 expected the balance in `#OUB`, found the end of the line",
            "23:11 expected the period as YYYYMM, found `202413`",
            "24:8 the string is not closed: expected `\"` before the end of the line",
            "25:1 expected a post label such as `#KONTO`, found `hej`",
            "26:1 expected `#VER` before `{`: braces on their own line hold a voucher's rows",
            "27:1 `#TRANS` is a voucher's row: expected it between the `{` and `}` after a `#VER`",
            "28:10 expected the voucher date as a date YYYYMMDD, found `20240230`",
            "29:1 expected `{` opening the rows of the voucher of line 28, found `#VER`",
            "31:18 expected the row's date as a date YYYYMMDD, found `2024011`",
            "33:1 expected `#TRANS`, `#RTRANS`, `#BTRANS` or `}` inside the voucher of line 29, found `#KONTO`",
            "29:1 the rows of voucher A 2 do not balance: they sum to 1, not 0; they are summed as they are",
            "35:1 expected `}` only after the `{` that opens a voucher's rows",
            "36:1 the file ends inside voucher A 3: expected `}` closing its rows",
        ]
    );
}

#[test]
fn diagnostics_carry_the_source_line() {
    let d = read_text(&format!("{HEAD}#IB 0 1930 1,5\n")).unwrap_err();
    let text = d.to_string();
    assert!(text.contains("--> ledger/bokslut.se:11:12"), "{text}");
    assert!(text.contains("11 | #IB 0 1930 1,5\n   |            ^"), "{text}");
    assert!(text.contains("decimal point"), "{text}");
}

#[test]
fn an_empty_file_or_one_that_is_not_sie_is_an_error() {
    assert_eq!(problems(""), ["the ledger file is empty"]);
    assert_eq!(problems("\n\n"), ["the file holds no SIE posts (`#SIETYP`, `#KONTO`, `#IB` …)"]);
}

/// A line without end is cut at the line limit, so memory stays bounded.
#[test]
fn an_overlong_line_is_an_error_not_a_memory_hog() {
    let text = format!("{HEAD}#KONTO 1930 \"{}\"\n#KONTO 1910 Kassa\n", "x".repeat(MAX_LINE_BYTES));
    assert_eq!(problems(&text), ["11:1 the line is longer than 64 KiB; no SIE post is that long"]);
}

#[test]
fn at_most_so_many_problems_are_shown() {
    let text = format!("{HEAD}{}", "#IB 0 1930 x\n".repeat(MAX_PROBLEMS + 50));
    let p = problems(&text);
    assert_eq!(p.len(), MAX_PROBLEMS + 1);
    assert_eq!(p[MAX_PROBLEMS], "50 more problems in this file are not shown");
}

#[test]
fn amounts_are_decimals_and_nothing_else() {
    assert_eq!(parse_amount("-1234.50"), Some(dec("-1234.50")));
    assert_eq!(parse_amount(".5"), Some(dec("0.5")));
    assert_eq!(parse_amount("12345678901234567890.12"), Some(dec("12345678901234567890.12")));
    for bad in ["", "-", "1.", "1,5", "1e5", "+5", "1 000", "0x10", "1.2.3", "99999999999999999999999999999999"] {
        assert_eq!(parse_amount(bad), None, "{bad}");
    }
}

#[test]
fn dates_are_checked() {
    assert!(Date::parse("20240229").is_some());
    for bad in ["20230229", "21000229", "20241131", "20240001", "2024011", "2024-01-01", "20240100"] {
        assert_eq!(Date::parse(bad), None, "{bad}");
    }
    assert!(Date::parse("20000229").is_some());
}

/// A voucher whose rows do not sum to zero is read, summed as it is, and
/// warned about at its #VER line.
#[test]
fn an_unbalanced_voucher_is_a_warning() {
    let (l, warnings) =
        read_text(&format!("{HEAD}#VER B 9 20240301 \"\"\n{{\n#TRANS 5010 {{}} 10\n#TRANS 1930 {{}} -9.50\n}}\n"))
            .unwrap();
    assert_eq!(l.transactions.sum("5010", 202403, 202403), dec("10"));
    let w: Vec<_> = warnings.iter().collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].location, Some(Location::new(FILE, 11, 1)));
    assert_eq!(
        w[0].message,
        "the rows of voucher B 9 do not balance: they sum to 0.5, not 0; they are summed as they are"
    );
}

/// The checksum as SIE 4B defines it, over the posts written out here by hand:
/// each post's fields run together, without separators, quotes or braces.
#[test]
fn ksumma_is_the_crc32_of_the_fields_between_the_two_posts() {
    let covered = "#FLAGGA0#SIETYP4#RAR02024010120241231#KONTO1930Bank konto#VERA120240105\
                   #TRANS19301Nämnd100.00#TRANS3010-100.00";
    let mut cp437 = Vec::new();
    super::encoding::encode_into(covered, super::encoding::Encoding::Cp437, &mut cp437);
    let sum = crc32fast::hash(&cp437);
    let file = |sum: u32| {
        let mut bytes = b"#KSUMMA\r\n#FLAGGA 0\r\n#SIETYP 4\r\n#RAR 0 20240101 20241231\r\n#KONTO 1930 \"Bank konto\"\r\n\
                          #VER A 1 20240105\r\n{\r\n\t#TRANS 1930 {1 \"N\x84mnd\"} 100.00\r\n\t#TRANS 3010 {} -100.00\r\n}\r\n"
            .to_vec();
        bytes.extend_from_slice(format!("#KSUMMA {sum}\r\n").as_bytes());
        bytes
    };
    let (l, warnings) = read(file(sum).as_slice(), FILE).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(l.checksum, Some(sum.to_string()));

    let wrong = problems_of(&file(sum ^ 1));
    assert_eq!(wrong.len(), 1);
    assert!(wrong[0].starts_with("11:9 the file's checksum does not match its content"), "{wrong:?}");
    assert!(wrong[0].contains(&format!("states {}, the posts since line 1 come to {sum}", sum ^ 1)), "{wrong:?}");
}

#[test]
fn ksumma_must_open_and_close() {
    let closing_only = problems(&format!("{HEAD}#KSUMMA 12345\n"));
    assert_eq!(closing_only.len(), 1);
    assert!(
        closing_only[0].starts_with("11:9 this `#KSUMMA` closes a checksum that no `#KSUMMA` opened"),
        "{closing_only:?}"
    );
    let opening_only = problems(&format!("#KSUMMA\n{HEAD}"));
    assert_eq!(opening_only, ["1:1 the file ends before the `#KSUMMA` closing the checksum this one opens"]);
}

/// Norstedts Bokslut wrote this file and its `#KSUMMA` (tests/fixtures/ledger/README.md).
#[test]
fn ksumma_written_by_another_program_is_verified() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger/norstedts-bokslut-sie4e.se");
    let bytes = std::fs::read(path).unwrap();
    let (l, _) = read(bytes.as_slice(), FILE).unwrap();
    assert_eq!(l.checksum.as_deref(), Some("854227682"));

    // One digit of one amount changed, as a hand edit would.
    let row = b"#TRANS\t2440 {}      18919";
    let at = bytes.windows(row.len()).position(|w| w == row).unwrap() + row.len() - 1;
    let mut edited = bytes.clone();
    edited[at] = b'8';
    let message = problems_of(&edited);
    // The edit also unbalances its voucher, which is reported too.
    assert_eq!(message.len(), 2, "{message:?}");
    assert!(message[1].starts_with("1819:10 the file's checksum does not match its content"), "{message:?}");
}
