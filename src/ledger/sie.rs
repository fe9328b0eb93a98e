//! A streaming reader of SIE 4 files (edition 4B; types 1–4). The file is read
//! line by line; balances are kept per account and transactions are summed as
//! they pass, so memory does not grow with the number of rows. Every problem is
//! a located diagnostic, and all of them are reported at once.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::encoding::{self, Encoding};
use super::fields::{self, Field};
use super::{Account, AccountKind, Balances, Date, Dimension, FiscalYear, Ledger, ObjectRef, Skipped};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The largest ledger file read: 1 GiB, some twenty times a large kommun's
/// year of transactions.
pub const MAX_LEDGER_BYTES: u64 = 1 << 30;
/// The longest line read; the longest real posts are a few hundred bytes.
const MAX_LINE_BYTES: usize = 64 * 1024;
/// After this many problems the rest are only counted, so a file that is not
/// SIE at all does not print a million messages.
const MAX_PROBLEMS: usize = 200;

/// Posts of the format that are understood but not needed for statements.
const IGNORED_POSTS: &[&str] =
    &["#ADRESS", "#BKOD", "#FNR", "#FTYP", "#OMFATTN", "#PROSA", "#TAXAR", "#VALUTA", "#FLAGGA"];

/// Reads the SIE file at `path`; `shown` is its name in messages. On success
/// the warnings come with the ledger.
pub fn read_file(path: &Path, shown: &str) -> Result<(Ledger, Diagnostics), Diagnostics> {
    let file_error = |message: String| Diagnostics::from(Diagnostic::error(Some(Location::file(shown)), message));
    let file = std::fs::File::open(path).map_err(|e| file_error(format!("cannot read the ledger file: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_LEDGER_BYTES {
        return Err(file_error(format!(
            "the ledger file is {} MiB; a ledger file may be at most {} MiB",
            size >> 20,
            MAX_LEDGER_BYTES >> 20
        )));
    }
    read(BufReader::with_capacity(1 << 16, file), shown)
}

/// Reads a SIE file from `input`; `shown` names it in messages.
pub fn read(input: impl BufRead, shown: &str) -> Result<(Ledger, Diagnostics), Diagnostics> {
    let mut reader = Reader::new(shown);
    let mut input = input.take(MAX_LEDGER_BYTES + 1);
    let mut bytes = Vec::new();
    let mut text = String::new();
    let mut total: u64 = 0;
    loop {
        let line = match next_line(&mut input, &mut bytes) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                reader.problem(Diagnostic::error(
                    Some(Location::file(shown)),
                    format!("cannot read the ledger file: {e}"),
                ));
                break;
            }
        };
        reader.number += 1;
        total += line.length as u64;
        if total > MAX_LEDGER_BYTES {
            reader.error_at(1, format!("the ledger file is larger than {} MiB, the limit", MAX_LEDGER_BYTES >> 20), "");
            break;
        }
        if line.too_long {
            reader.error_at(
                1,
                format!("the line is longer than {} KiB; no SIE post is that long", MAX_LINE_BYTES / 1024),
                "",
            );
            continue;
        }
        text.clear();
        reader.decode(&bytes, &mut text);
        reader.line(&text);
    }
    reader.finish()
}

struct RawLine {
    /// Bytes the line took in the file, newline included.
    length: usize,
    too_long: bool,
}

/// Reads the next line into `buf` (without its line ending), keeping at most
/// [`MAX_LINE_BYTES`] of it so memory stays bounded whatever the input.
fn next_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<RawLine>> {
    buf.clear();
    let mut line = RawLine { length: 0, too_long: false };
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        let (taken, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (available.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(buf.len());
        buf.extend_from_slice(&available[..taken.min(room)]);
        line.too_long |= taken > room;
        let consumed = taken + usize::from(done);
        line.length += consumed;
        input.consume(consumed);
        if done {
            break;
        }
    }
    if line.length == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(line))
}

/// A `#VER` whose rows are being read.
struct Voucher {
    line: usize,
    source: String,
    name: String,
    /// `None` when the `#VER` line's date is wrong (already reported).
    date: Option<Date>,
    sum: Decimal,
    opened: bool,
}

/// The fields of a row that tell whether a `#TRANS` repeats the `#RTRANS` before it.
#[derive(PartialEq)]
struct RowKey {
    account: String,
    objects: Vec<ObjectRef>,
    amount: Decimal,
}

struct Reader {
    ledger: Ledger,
    problems: Diagnostics,
    suppressed: usize,
    /// The 1-based number of the line being read.
    number: usize,
    /// The current line, for messages.
    source: String,
    encoding: Encoding,
    /// Whether a line with bytes above 0x7F has decided the encoding yet.
    encoding_known: bool,
    unreadable_reported: bool,
    format_line: Option<usize>,
    voucher: Option<Voucher>,
    /// The last `#RTRANS`, while its repetition as `#TRANS` may follow.
    last_added_row: Option<RowKey>,
    /// The CRC-32 running from an opening `#KSUMMA`, and that post's line.
    checksum: Option<(crc32fast::Hasher, usize)>,
    /// A field encoded back to the file's bytes, for the checksum.
    field_bytes: Vec<u8>,
}

impl Reader {
    fn new(shown: &str) -> Self {
        Reader {
            ledger: Ledger { file: shown.to_owned(), ..Ledger::default() },
            problems: Diagnostics::new(),
            suppressed: 0,
            number: 0,
            source: String::new(),
            encoding: Encoding::Cp437,
            encoding_known: false,
            unreadable_reported: false,
            format_line: None,
            voucher: None,
            last_added_row: None,
            checksum: None,
            field_bytes: Vec::new(),
        }
    }

    fn problem(&mut self, diagnostic: Diagnostic) {
        if self.problems.error_count() + self.problems.warning_count() >= MAX_PROBLEMS {
            self.suppressed += 1;
        } else {
            self.problems.push(diagnostic);
        }
    }

    fn located(&self, column: usize, message: String, hint: &str) -> Diagnostic {
        let mut d = Diagnostic::error(Some(Location::new(&self.ledger.file, self.number, column)), message);
        d.source_line = Some(self.source.clone());
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        d
    }

    fn error_at(&mut self, column: usize, message: String, hint: &str) {
        let d = self.located(column, message, hint);
        self.problem(d);
    }

    fn warning_at(&mut self, column: usize, message: String, hint: &str) {
        let mut d = self.located(column, message, hint);
        d.severity = crate::diagnostics::Severity::Warning;
        self.problem(d);
    }

    /// Decodes a line, deciding the file's encoding at the first line with a
    /// byte above 0x7F and warning there if it is not code page 437.
    fn decode(&mut self, bytes: &[u8], out: &mut String) {
        let telling = !self.encoding_known && !bytes.is_ascii();
        if telling {
            self.encoding_known = true;
            self.encoding = encoding::recognise(bytes);
        }
        encoding::decode_into(bytes, self.encoding, out);
        if telling && self.encoding != Encoding::Cp437 {
            self.source = out.clone();
            let column = out.chars().position(|c| !c.is_ascii()).map_or(1, |i| i + 1);
            let name = self.encoding.name();
            self.warning_at(
                column,
                format!("the file is written in {name}, not in code page 437 (`#FORMAT PC8`) as SIE 4 prescribes; it is read as {name}"),
                "check the names read from it; export the file again as SIE 4 from the finance system to be sure",
            );
        }
        if self.encoding == Encoding::Utf8 && !self.unreadable_reported && out.contains('\u{fffd}') {
            self.unreadable_reported = true;
            self.source = out.clone();
            let column = out.chars().position(|c| c == '\u{fffd}').map_or(1, |i| i + 1);
            self.warning_at(
                column,
                "the line holds characters that cannot be read, shown as `\u{fffd}`: bytes that are not UTF-8 like the rest of the file, or letters lost before the file was written".into(),
                "names with `\u{fffd}` are shown as they are; export the file again from the finance system",
            );
        }
    }

    /// Reads one decoded line.
    fn line(&mut self, text: &str) {
        self.source.clear();
        self.source.push_str(text);
        // An old end-of-file mark (Ctrl-Z) is no content.
        let trimmed = text.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{1a}');
        if trimmed.is_empty() {
            return;
        }
        // A voucher's rows are held by braces on lines of their own.
        if trimmed == "{" || trimmed == "}" {
            self.last_added_row = None;
            let column = text.chars().position(|c| c == '{' || c == '}').map_or(1, |i| i + 1);
            if trimmed == "{" {
                self.open_voucher(column);
            } else {
                self.close_voucher(column);
            }
            return;
        }
        let fields = match fields::split(text) {
            Ok(f) => f,
            Err(e) => {
                self.error_at(e.column, e.message, "");
                return;
            }
        };
        let Some(Field::Text { text: label, column }) = fields.first() else {
            self.error_at(
                fields[0].column(),
                "expected a post label such as `#KONTO`, found an object list".into(),
                "",
            );
            return;
        };
        let label = label.to_ascii_uppercase();
        let column = *column;
        if label != "#KSUMMA" {
            self.add_to_checksum(&fields);
        }
        if label != "#RTRANS" && label != "#TRANS" {
            self.last_added_row = None;
        }
        match label.as_str() {
            "#TRANS" | "#RTRANS" | "#BTRANS" => self.row(&label, &fields),
            _ if self.voucher.as_ref().is_some_and(|v| v.opened) => {
                let v = self.voucher.as_ref().map_or(0, |v| v.line);
                self.error_at(
                    column,
                    format!("expected `#TRANS`, `#RTRANS`, `#BTRANS` or `}}` inside the voucher of line {v}, found `{label}`"),
                    "close the voucher with a line holding only `}`",
                );
            }
            _ if self.voucher.is_some() => {
                let v = self.voucher.take().map_or(0, |v| v.line);
                self.error_at(
                    column,
                    format!("expected `{{` opening the rows of the voucher of line {v}, found `{label}`"),
                    "",
                );
                self.post(&label, &fields);
            }
            _ => self.post(&label, &fields),
        }
    }

    /// A post outside a voucher.
    fn post(&mut self, label: &str, fields: &[Field]) {
        let mut args = Args { reader: self, fields, label };
        match label {
            "#FORMAT" => {
                if let Some((value, column)) = args.text(1, "the character set, `PC8`") {
                    if !value.eq_ignore_ascii_case("PC8") {
                        args.reader.error_at(
                            column,
                            format!("expected `PC8` (code page 437), the only character set of SIE 4, found `{value}`"),
                            "",
                        );
                    }
                    args.reader.format_line = Some(args.reader.number);
                }
            }
            "#PROGRAM" => {
                if let Some((name, _)) = args.text(1, "the program's name") {
                    let version = args.optional(2).map(|(v, _)| v);
                    args.reader.ledger.program = Some(match version {
                        Some(v) if !v.is_empty() => format!("{name} {v}"),
                        _ => name,
                    });
                }
            }
            "#GEN" => args.reader.ledger.generated = args.date(1, "the date the file was written"),
            "#SIETYP" => {
                if let Some((value, column)) = args.text(1, "the file type, 1 to 4") {
                    match value.parse::<u8>() {
                        Ok(n @ 1..=4) => args.reader.ledger.sie_type = Some(n),
                        _ => args.reader.error_at(
                            column,
                            format!("expected the file type 1, 2, 3 or 4, found `{value}`"),
                            "",
                        ),
                    }
                }
            }
            "#FNAMN" => args.reader.ledger.organisation = args.text(1, "the organisation's name").map(|(t, _)| t),
            "#ORGNR" => args.reader.ledger.org_number = args.text(1, "the organisation number").map(|(t, _)| t),
            "#KPTYP" => args.reader.ledger.chart = args.text(1, "the type of chart of accounts").map(|(t, _)| t),
            "#RAR" => {
                let index = args.year(1);
                let start = args.date(2, "the first day of the year");
                let end = args.date(3, "the last day of the year");
                if let (Some(index), Some(start), Some(end)) = (index, start, end) {
                    if end < start {
                        let column = fields[3].column();
                        args.reader.error_at(
                            column,
                            format!("the year ends on {end}, before it starts on {start}"),
                            "",
                        );
                    } else if args.reader.ledger.year(index).is_some() {
                        args.reader.error_at(
                            fields[1].column(),
                            format!("year {index} is already given by an earlier `#RAR`"),
                            "",
                        );
                    } else {
                        args.reader.ledger.years.push(FiscalYear { index, start, end });
                    }
                }
            }
            "#KONTO" => {
                let number = args.account(1);
                let name = args.text(2, "the account's name");
                if let (Some(number), Some((name, _))) = (number, name) {
                    let line = args.reader.number;
                    let account = args.reader.ledger.accounts.entry(number).or_insert_with(|| Account {
                        name: String::new(),
                        kind: None,
                        unit: None,
                        sru: None,
                        line,
                    });
                    account.name = name;
                    account.line = line;
                }
            }
            "#KTYP" => {
                let number = args.account(1);
                let kind = args.text(2, "the account type T, S, K or I").and_then(|(value, column)| {
                    let kind = match value.to_ascii_uppercase().as_str() {
                        "T" => Some(AccountKind::Asset),
                        "S" => Some(AccountKind::Liability),
                        "K" => Some(AccountKind::Cost),
                        "I" => Some(AccountKind::Income),
                        _ => None,
                    };
                    if kind.is_none() {
                        args.reader.error_at(
                            column,
                            format!("expected the account type T (tillgång), S (skuld), K (kostnad) or I (intäkt), found `{value}`"),
                            "",
                        );
                    }
                    kind
                });
                if let (Some(number), Some(kind)) = (number, kind) {
                    args.account_entry(number).kind = Some(kind);
                }
            }
            "#ENHET" | "#SRU" => {
                let number = args.account(1);
                let what = if label == "#ENHET" { "the unit" } else { "the SRU code" };
                let value = args.text(2, what);
                if let (Some(number), Some((value, _))) = (number, value) {
                    let account = args.account_entry(number);
                    if label == "#ENHET" {
                        account.unit = Some(value);
                    } else {
                        account.sru = Some(value);
                    }
                }
            }
            "#DIM" | "#UNDERDIM" => {
                let number = args.dimension(1);
                let name = args.text(2, "the dimension's name");
                let parent = if label == "#UNDERDIM" { args.dimension(3).map(Some) } else { Some(None) };
                if let (Some(number), Some((name, _)), Some(parent)) = (number, name, parent) {
                    let dim = args.reader.ledger.dimensions.entry(number).or_insert_with(|| Dimension {
                        name: String::new(),
                        parent: None,
                        objects: BTreeMap::new(),
                    });
                    dim.name = name;
                    dim.parent = parent;
                }
            }
            "#OBJEKT" => {
                let dim = args.dimension(1);
                let object = args.text(2, "the object's id");
                let name = args.text(3, "the object's name");
                if let (Some(dim), Some((object, _)), Some((name, _))) = (dim, object, name) {
                    let dimensions = &mut args.reader.ledger.dimensions;
                    let entry = dimensions.entry(dim).or_insert_with(|| Dimension {
                        name: standard_dimension_name(dim).to_owned(),
                        parent: None,
                        objects: BTreeMap::new(),
                    });
                    entry.objects.insert(object, name);
                }
            }
            "#IB" | "#UB" | "#RES" => {
                let year = args.year(1);
                let account = args.account(2);
                let amount = args.amount(3, "the balance");
                if let (Some(year), Some(account), Some(amount)) = (year, account, amount) {
                    let balances = args.reader.ledger.balances.entry((year, account)).or_default();
                    set_balance(balances, label, amount);
                }
            }
            "#OIB" | "#OUB" => {
                let year = args.year(1);
                let account = args.account(2);
                let objects = args.objects(3);
                let amount = args.amount(4, "the balance");
                if let (Some(year), Some(account), Some(objects), Some(amount)) = (year, account, objects, amount) {
                    if let [object] = objects.as_slice() {
                        let key = (year, account, object.clone());
                        let balances = args.reader.ledger.object_balances.entry(key).or_default();
                        set_balance(balances, label, amount);
                    } else {
                        let column = fields[3].column();
                        args.reader.error_at(
                            column,
                            format!("expected one object, such as `{{1 \"100\"}}`, found {}", objects.len()),
                            "",
                        );
                    }
                }
            }
            "#PSALDO" | "#PBUDGET" => {
                let year = args.year(1);
                let month = args.month(2);
                let account = args.account(3);
                let objects = args.objects(4);
                let amount = args.amount(5, "the balance");
                if let (Some(year), Some(month), Some(account), Some(objects), Some(amount)) =
                    (year, month, account, objects, amount)
                {
                    let ledger = &mut args.reader.ledger;
                    let map = if label == "#PSALDO" { &mut ledger.period_balances } else { &mut ledger.period_budgets };
                    *map.entry((year, month, account, objects)).or_default() += amount;
                }
            }
            "#VER" => self.voucher_head(fields),
            "#KSUMMA" => self.checksum_post(fields),
            _ if IGNORED_POSTS.contains(&label) => {}
            _ if label.starts_with('#') => {
                let line = self.number;
                let skipped =
                    self.ledger.skipped.entry(label.to_owned()).or_insert(Skipped { count: 0, first_line: line });
                skipped.count += 1;
            }
            _ => {
                let (column, found) = match &fields[0] {
                    Field::Text { text, column } => (*column, text.as_str()),
                    Field::List { column, .. } => (*column, "{"),
                };
                self.error_at(column, format!("expected a post label such as `#KONTO`, found `{found}`"), "");
            }
        }
    }

    /// Adds a post's fields to the running checksum. SIE 4B §#KSUMMA: the
    /// CRC-32 covers the fields' characters as the file holds them, label
    /// included; not the spaces and tabs between fields, the quotes around
    /// them, the braces of object lists and vouchers, nor the line ends.
    fn add_to_checksum(&mut self, fields: &[Field]) {
        let Some((hasher, _)) = &mut self.checksum else { return };
        let bytes = &mut self.field_bytes;
        bytes.clear();
        for field in fields {
            match field {
                Field::Text { text, .. } => encoding::encode_into(text, self.encoding, bytes),
                Field::List { items, .. } => {
                    for (item, _) in items {
                        encoding::encode_into(item, self.encoding, bytes);
                    }
                }
            }
        }
        hasher.update(bytes);
    }

    /// An opening `#KSUMMA` starts the checksum; the closing one carries the
    /// value it must come to.
    fn checksum_post(&mut self, fields: &[Field]) {
        let Some((hasher, opened)) = self.checksum.take() else {
            match fields.get(1) {
                None => self.checksum = Some((crc32fast::Hasher::new(), self.number)),
                Some(value) => self.error_at(
                    value.column(),
                    "this `#KSUMMA` closes a checksum that no `#KSUMMA` opened: expected `#KSUMMA` without a value before the posts it covers".into(),
                    "",
                ),
            }
            return;
        };
        let computed = hasher.finalize();
        let mut args = Args { reader: self, fields, label: "#KSUMMA" };
        let Some((text, column)) = args.text(1, "the checksum") else { return };
        self.ledger.checksum = Some(text.clone());
        match text.parse::<u32>() {
            Ok(stated) if stated == computed => {}
            Ok(_) => self.error_at(
                column,
                format!("the file's checksum does not match its content: `#KSUMMA` states {text}, the posts since line {opened} come to {computed}"),
                "the file was changed or damaged after the finance system wrote it; export it again, or, if it was corrected by hand on purpose, remove both `#KSUMMA` lines",
            ),
            Err(_) => self.error_at(column, format!("expected the checksum as a whole number, found `{text}`"), ""),
        }
    }

    fn voucher_head(&mut self, fields: &[Field]) {
        let mut args = Args { reader: self, fields, label: "#VER" };
        let series = args.text(1, "the voucher series").map(|(t, _)| t).unwrap_or_default();
        let number = args.text(2, "the voucher number").map(|(t, _)| t).unwrap_or_default();
        let date = args.date(3, "the voucher date");
        // A voucher with a broken head still holds its rows, so they are not
        // reported again as rows outside a voucher.
        let name = match (series.is_empty(), number.is_empty()) {
            (false, false) => format!("{series} {number}"),
            (false, true) => series,
            _ => number,
        };
        self.voucher = Some(Voucher {
            line: self.number,
            source: self.source.clone(),
            name,
            date,
            sum: Decimal::ZERO,
            opened: false,
        });
        self.ledger.transactions.vouchers += 1;
    }

    fn open_voucher(&mut self, column: usize) {
        match &mut self.voucher {
            Some(v) if !v.opened => v.opened = true,
            _ => self.error_at(
                column,
                "expected `#VER` before `{`: braces on their own line hold a voucher's rows".into(),
                "",
            ),
        }
    }

    fn close_voucher(&mut self, column: usize) {
        match self.voucher.take() {
            Some(v) if v.opened => {
                if !v.sum.is_zero() {
                    let mut d = Diagnostic::warning(
                        Some(Location::new(&self.ledger.file, v.line, 1)),
                        format!(
                            "the rows of voucher {} do not balance: they sum to {}, not 0; they are summed as they are",
                            v.name,
                            v.sum.normalize()
                        ),
                    )
                    .with_hint("a voucher's rows (debit positive, credit negative) sum to zero; ask for the voucher to be corrected in the finance system");
                    d.source_line = Some(v.source);
                    self.problem(d);
                }
            }
            other => {
                self.voucher = other;
                self.error_at(column, "expected `}` only after the `{` that opens a voucher's rows".into(), "");
            }
        }
    }

    /// A `#TRANS`, `#RTRANS` or `#BTRANS` row inside a voucher.
    fn row(&mut self, label: &str, fields: &[Field]) {
        let voucher_date = match &self.voucher {
            Some(v) if v.opened => v.date,
            _ => {
                let column = fields[0].column();
                self.error_at(
                    column,
                    format!("`{label}` is a voucher's row: expected it between the `{{` and `}}` after a `#VER`"),
                    "",
                );
                return;
            }
        };
        let mut args = Args { reader: self, fields, label };
        let account = args.account(1);
        let objects = args.objects(2);
        let amount = args.amount(3, "the amount");
        let date = match args.optional(4) {
            Some((text, _)) if !text.is_empty() => args.date(4, "the row's date"),
            _ => voucher_date,
        };
        let (Some(account), Some(objects), Some(amount), Some(date)) = (account, objects, amount, date) else {
            self.last_added_row = None;
            return;
        };
        let transactions = &mut self.ledger.transactions;
        if label == "#BTRANS" {
            transactions.removed_rows += 1;
            return;
        }
        let key = RowKey { account, objects, amount };
        if label == "#TRANS" && self.last_added_row.take().is_some_and(|added| added == key) {
            transactions.repeated_rows += 1;
            return;
        }
        transactions.rows += 1;
        let month = date.month_key();
        *transactions.by_month.entry(key.account.clone()).or_default().entry(month).or_default() += amount;
        for (dim, object) in &key.objects {
            let by_object = transactions.by_object.entry((key.account.clone(), *dim, object.clone())).or_default();
            *by_object.entry(month).or_default() += amount;
        }
        if let Some(v) = &mut self.voucher {
            v.sum += amount;
        }
        self.last_added_row = (label == "#RTRANS").then_some(key);
    }

    fn finish(mut self) -> Result<(Ledger, Diagnostics), Diagnostics> {
        if let Some(v) = self.voucher.take() {
            let what = if v.opened { "`}` closing its rows" } else { "`{` and the voucher's rows" };
            let mut d = Diagnostic::error(
                Some(Location::new(&self.ledger.file, v.line, 1)),
                format!("the file ends inside voucher {}: expected {what}", v.name),
            )
            .with_hint("the file may be cut short; export it again");
            d.source_line = Some(v.source);
            self.problems.push(d);
        }
        if let Some((_, line)) = self.checksum.take() {
            self.problems.push(
                Diagnostic::error(
                    Some(Location::new(&self.ledger.file, line, 1)),
                    "the file ends before the `#KSUMMA` closing the checksum this one opens",
                )
                .with_hint("the file may be cut short; export it again"),
            );
        }
        if self.number == 0 {
            self.problems.push(Diagnostic::error(Some(Location::file(&self.ledger.file)), "the ledger file is empty"));
        } else if self.ledger.sie_type.is_none() && self.ledger.accounts.is_empty() && self.ledger.balances.is_empty() {
            self.problems.push(
                Diagnostic::error(
                    Some(Location::file(&self.ledger.file)),
                    "the file holds no SIE posts (`#SIETYP`, `#KONTO`, `#IB` …)",
                )
                .with_hint("a ledger is a SIE 4 file exported from the finance system"),
            );
        }
        if self.suppressed > 0 {
            self.problems.push(Diagnostic::error(
                Some(Location::file(&self.ledger.file)),
                format!("{} more problems in this file are not shown", self.suppressed),
            ));
        }
        self.ledger.lines = self.number;
        self.problems.into_result().map(|warnings| (self.ledger, warnings))
    }
}

fn set_balance(balances: &mut Balances, label: &str, amount: Decimal) {
    let slot = match label {
        "#IB" | "#OIB" => &mut balances.opening,
        "#UB" | "#OUB" => &mut balances.closing,
        _ => &mut balances.result,
    };
    *slot = Some(slot.unwrap_or_default() + amount);
}

/// The names SIE 4 reserves for dimensions used without a `#DIM`.
fn standard_dimension_name(dim: u32) -> &'static str {
    match dim {
        1 => "Kostnadsställe / resultatenhet",
        2 => "Kostnadsbärare",
        6 => "Projekt",
        7 => "Anställd",
        8 => "Kund",
        9 => "Leverantör",
        10 => "Faktura",
        _ => "",
    }
}

/// The fields of one post, read with located errors.
struct Args<'a> {
    reader: &'a mut Reader,
    fields: &'a [Field],
    label: &'a str,
}

impl Args<'_> {
    /// Field `i` if the line has it, as text.
    fn optional(&mut self, i: usize) -> Option<(String, usize)> {
        match self.fields.get(i)? {
            Field::Text { text, column } => Some((text.clone(), *column)),
            Field::List { .. } => None,
        }
    }

    /// Field `i`, which must be text; an error names `what` was expected.
    fn text(&mut self, i: usize, what: &str) -> Option<(String, usize)> {
        match self.fields.get(i) {
            Some(Field::Text { text, column }) => Some((text.clone(), *column)),
            Some(Field::List { column, .. }) => {
                self.reader.error_at(*column, format!("expected {what} in `{}`, found an object list", self.label), "");
                None
            }
            None => {
                let column = self.reader.source.trim_end().chars().count() + 1;
                self.reader.error_at(
                    column,
                    format!("expected {what} in `{}`, found the end of the line", self.label),
                    "",
                );
                None
            }
        }
    }

    fn account(&mut self, i: usize) -> Option<String> {
        let (text, column) = self.text(i, "the account number")?;
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 10 {
            self.reader.error_at(column, format!("expected an account number (digits only), found `{text}`"), "");
            return None;
        }
        Some(text)
    }

    fn account_entry(&mut self, number: String) -> &mut Account {
        let line = self.reader.number;
        self.reader.ledger.accounts.entry(number).or_insert_with(|| Account {
            name: String::new(),
            kind: None,
            unit: None,
            sru: None,
            line,
        })
    }

    fn dimension(&mut self, i: usize) -> Option<u32> {
        let (text, column) = self.text(i, "the dimension number")?;
        match text.parse::<u32>() {
            Ok(n) if n >= 1 && text.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => {
                self.reader.error_at(column, format!("expected a dimension number (1, 2, …), found `{text}`"), "");
                None
            }
        }
    }

    /// A relative year number: 0 the current year, −1 the one before.
    fn year(&mut self, i: usize) -> Option<i32> {
        let (text, column) = self.text(i, "the year number (0, -1, …)")?;
        match text.parse::<i32>() {
            Ok(n) if (-99..=99).contains(&n) => Some(n),
            _ => {
                let hint = "SIE numbers years relative to the current one: 0 this year, -1 the year before";
                self.reader.error_at(column, format!("expected a year number such as 0 or -1, found `{text}`"), hint);
                None
            }
        }
    }

    fn date(&mut self, i: usize, what: &str) -> Option<Date> {
        let (text, column) = self.text(i, what)?;
        let date = Date::parse(&text);
        if date.is_none() {
            self.reader.error_at(column, format!("expected {what} as a date YYYYMMDD, found `{text}`"), "");
        }
        date
    }

    /// A period `YYYYMM`.
    fn month(&mut self, i: usize) -> Option<u32> {
        let (text, column) = self.text(i, "the period YYYYMM")?;
        let month = Date::parse(&format!("{text}01")).filter(|_| text.len() == 6).map(Date::month_key);
        if month.is_none() {
            self.reader.error_at(column, format!("expected the period as YYYYMM, found `{text}`"), "");
        }
        month
    }

    /// An amount: digits with an optional sign and decimal point, read
    /// straight into a decimal.
    fn amount(&mut self, i: usize, what: &str) -> Option<Decimal> {
        let (text, column) = self.text(i, what)?;
        let amount = parse_amount(&text);
        match amount {
            None => {
                let hint = if text.contains(',') { "SIE amounts use a decimal point: `-1234.50`" } else { "" };
                self.reader.error_at(
                    column,
                    format!("expected {what} as an amount such as -1234.50, found `{text}`"),
                    hint,
                );
            }
            Some(a) if a.abs() > Decimal::from(MAX_AMOUNT) => {
                self.reader.error_at(
                    column,
                    format!("expected {what} of at most {MAX_AMOUNT} kronor either way, found `{text}`"),
                    "no ledger holds such an amount; the field may be corrupt",
                );
                return None;
            }
            Some(_) => {}
        }
        amount
    }

    /// An object list, `{dim "object" …}`.
    fn objects(&mut self, i: usize) -> Option<Vec<ObjectRef>> {
        let items = match self.fields.get(i) {
            Some(Field::List { items, .. }) => items,
            Some(Field::Text { text, column }) => {
                let (text, column) = (text.clone(), *column);
                let hint = "an empty list `{}` when the row has no objects";
                self.reader.error_at(
                    column,
                    format!("expected an object list such as `{{1 \"100\"}}`, found `{text}`"),
                    hint,
                );
                return None;
            }
            None => {
                let column = self.reader.source.trim_end().chars().count() + 1;
                self.reader.error_at(
                    column,
                    "expected an object list such as `{1 \"100\"}`, found the end of the line".into(),
                    "",
                );
                return None;
            }
        };
        if items.len() % 2 == 1 {
            let (last, column) = &items[items.len() - 1];
            let message = format!(
                "expected the object of dimension {last} before `}}`: objects come in pairs of dimension and object"
            );
            self.reader.error_at(*column + last.chars().count(), message, "");
            return None;
        }
        let mut objects = Vec::with_capacity(items.len() / 2);
        for pair in items.chunks(2) {
            let (dim, column) = &pair[0];
            match dim.parse::<u32>() {
                Ok(n) if n >= 1 && dim.bytes().all(|b| b.is_ascii_digit()) => objects.push((n, pair[1].0.clone())),
                _ => {
                    self.reader.error_at(
                        *column,
                        format!("expected a dimension number in the object list, found `{dim}`"),
                        "",
                    );
                    return None;
                }
            }
        }
        Some(objects)
    }
}

/// `-1234.50` → the decimal; `None` for anything else (a comma, an exponent,
/// more digits than a decimal holds).
/// The largest amount a ledger row may carry, in kronor. Far above any
/// organisation's turnover, and small enough that no file within the ledger
/// size limit can sum its rows past what a decimal holds.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

pub fn parse_amount(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) || unsigned.ends_with('.') {
        return None;
    }
    Decimal::from_str(text).ok()
}

#[cfg(test)]
mod tests;
