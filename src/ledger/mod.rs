//! What a ledger export holds: a SIE 4 file read into accounts, balances,
//! dimensions and summed transactions. Reading is in `sie`; this module is the
//! model the rest of the program uses.

pub mod consistency;
pub mod encoding;
pub mod fields;
pub mod mapping;
pub mod sie;
pub mod tables;

/// The default mapping of Kommun-Bas account groups to the standard lines of
/// the resultaträkning and balansräkning: a figures file users copy and adapt.
pub const KOMMUN_BAS_MAPPING: &str = include_str!("kommun-bas/rakenskaper.yaml");

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use rust_decimal::Decimal;

pub use sie::{MAX_LEDGER_BYTES, read, read_file};

/// A calendar date, checked when read (`YYYYMMDD` in SIE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A `YYYYMMDD` date, or `None` if it is no real date.
    pub fn parse(text: &str) -> Option<Date> {
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u16 = text[0..4].parse().ok()?;
        let month: u8 = text[4..6].parse().ok()?;
        let day: u8 = text[6..8].parse().ok()?;
        let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }

    /// The month as `YYYYMM`, the key of period sums.
    pub fn month_key(self) -> u32 {
        u32::from(self.year) * 100 + u32::from(self.month)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A financial year named by `#RAR`: 0 the current one, −1 the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalYear {
    pub index: i32,
    pub start: Date,
    pub end: Date,
}

/// The account types of `#KTYP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// `T`, tillgång
    Asset,
    /// `S`, skuld (also eget kapital)
    Liability,
    /// `K`, kostnad
    Cost,
    /// `I`, intäkt
    Income,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub kind: Option<AccountKind>,
    pub unit: Option<String>,
    pub sru: Option<String>,
    /// The line of its `#KONTO`, for messages about it.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    pub name: String,
    /// The dimension above it, for an `#UNDERDIM`.
    pub parent: Option<u32>,
    /// Object id → name.
    pub objects: BTreeMap<String, String>,
}

/// An object of a dimension: `{1 "3"}` is `(1, "3")`.
pub type ObjectRef = (u32, String);

/// The year balances of one account: `#IB`, `#UB` and `#RES`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balances {
    pub opening: Option<Decimal>,
    pub closing: Option<Decimal>,
    pub result: Option<Decimal>,
}

/// A post the reader does not know, skipped as the format prescribes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub count: usize,
    pub first_line: usize,
}

/// The transactions of the file, summed as they stream past: only the sums the
/// statements need are kept, never the rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transactions {
    /// Account → month (`YYYYMM`) → sum of its counted rows.
    pub by_month: HashMap<String, BTreeMap<u32, Decimal>>,
    /// (account, dimension, object) → month → sum, for rows tagged with objects.
    pub by_object: HashMap<(String, u32, String), BTreeMap<u32, Decimal>>,
    pub vouchers: usize,
    /// `#TRANS` and `#RTRANS` rows counted in the sums.
    pub rows: usize,
    /// `#TRANS` rows that repeat the `#RTRANS` before them, counted once.
    pub repeated_rows: usize,
    /// `#BTRANS` rows (removed afterwards), never summed.
    pub removed_rows: usize,
}

impl Transactions {
    /// The sum of an account's rows dated in the months `from..=to` (`YYYYMM`).
    pub fn sum(&self, account: &str, from: u32, to: u32) -> Decimal {
        self.by_month.get(account).map_or(Decimal::ZERO, |months| months.range(from..=to).map(|(_, v)| *v).sum())
    }
}

/// Everything read from one SIE file.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// The file as named in messages, relative to the project.
    pub file: String,
    pub program: Option<String>,
    pub generated: Option<Date>,
    pub sie_type: Option<u8>,
    pub organisation: Option<String>,
    pub org_number: Option<String>,
    /// `#KPTYP`, the chart of accounts it follows.
    pub chart: Option<String>,
    pub years: Vec<FiscalYear>,
    pub accounts: BTreeMap<String, Account>,
    pub dimensions: BTreeMap<u32, Dimension>,
    /// (year, account) → its `#IB`, `#UB`, `#RES`.
    pub balances: BTreeMap<(i32, String), Balances>,
    /// (year, account, object) → its `#OIB`, `#OUB`.
    pub object_balances: BTreeMap<(i32, String, ObjectRef), Balances>,
    /// (year, month, account, objects) → `#PSALDO`.
    pub period_balances: BTreeMap<(i32, u32, String, Vec<ObjectRef>), Decimal>,
    /// (year, month, account, objects) → `#PBUDGET`.
    pub period_budgets: BTreeMap<(i32, u32, String, Vec<ObjectRef>), Decimal>,
    pub transactions: Transactions,
    /// `#KSUMMA`'s checksum, when the file ends with one.
    pub checksum: Option<String>,
    /// Posts skipped, by label.
    pub skipped: BTreeMap<String, Skipped>,
    pub lines: usize,
}

impl Ledger {
    pub fn year(&self, index: i32) -> Option<&FiscalYear> {
        self.years.iter().find(|y| y.index == index)
    }

    /// The balances of an account in a year, if the file gives any.
    pub fn balances(&self, year: i32, account: &str) -> Option<&Balances> {
        self.balances.get(&(year, account.to_owned()))
    }

    /// The sum of an account's transactions within fiscal year `index`.
    pub fn transaction_sum(&self, index: i32, account: &str) -> Option<Decimal> {
        let year = self.year(index)?;
        Some(self.transactions.sum(account, year.start.month_key(), year.end.month_key()))
    }
}
