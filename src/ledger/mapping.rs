//! Account ranges and the mapping of accounts to lines: one mechanism for the
//! budgets' categories and for statement lines summed from a ledger.
//!
//! A range matches by prefix, so it is neutral to the length of the chart's
//! account numbers: `"30-36"` covers 3000–3699 and 300000–369999, `"7460"`
//! covers 7460 and 746000–746099. Every account must land in exactly one line.

use rust_decimal::Decimal;

use super::{AccountKind, Ledger};
use crate::diagnostics::{Diagnostic, Location};
use crate::format::format_amount;

/// One range of account-number prefixes, both ends of the same length.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prefixes {
    low: String,
    high: String,
}

impl Prefixes {
    fn covers(&self, account: &str) -> bool {
        let n = self.low.len();
        account.len() >= n && (self.low.as_str()..=self.high.as_str()).contains(&&account[..n])
    }
}

/// The accounts of one line: ranges, less the exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountRanges {
    include: Vec<Prefixes>,
    except: Vec<Prefixes>,
}

impl AccountRanges {
    /// `accounts` and `except` as written: `"5611-5615, 7020-7699"`.
    pub fn parse(accounts: &str, except: &str) -> Result<Self, String> {
        Ok(AccountRanges { include: parse_list(accounts)?, except: parse_list(except)? })
    }

    /// These ranges less every account of `other`.
    pub fn except(mut self, other: AccountRanges) -> Self {
        self.except.extend(other.include);
        self
    }

    pub fn covers(&self, account: &str) -> bool {
        account.bytes().all(|b| b.is_ascii_digit())
            && self.include.iter().any(|r| r.covers(account))
            && !self.except.iter().any(|r| r.covers(account))
    }

    /// The first digits (account classes) the ranges reach.
    fn classes(&self) -> impl Iterator<Item = u8> + '_ {
        self.include.iter().flat_map(|r| r.low.as_bytes()[0]..=r.high.as_bytes()[0])
    }
}

/// `5611-5615, 7020-7699` → prefix ranges.
fn parse_list(text: &str) -> Result<Vec<Prefixes>, String> {
    let mut ranges = Vec::new();
    for part in text.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (low, high) = part.split_once(['-', '–']).unwrap_or((part, part));
        let (low, high) = (low.trim(), high.trim());
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(low) || !digits(high) {
            return Err(format!("`{part}` is not an account number or a range such as `7020-7699`"));
        }
        if low.len() != high.len() {
            return Err(format!(
                "the ends of the range `{part}` have different numbers of digits; ranges match by prefix, so write `30-36` or `3000-3699`"
            ));
        }
        if low > high {
            return Err(format!("the range `{part}` runs backwards"));
        }
        ranges.push(Prefixes { low: low.to_owned(), high: high.to_owned() });
    }
    Ok(ranges)
}

/// Where an account lands among the lines of a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    One(usize),
    None,
    /// In more than one line: their indexes.
    Many(Vec<usize>),
}

/// The line of `lines` whose ranges cover `account`.
pub fn place(lines: &[AccountRanges], account: &str) -> Placement {
    let matching: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].covers(account)).collect();
    match matching.as_slice() {
        [one] => Placement::One(*one),
        [] => Placement::None,
        _ => Placement::Many(matching),
    }
}

/// Whether an account's year is told by `#RES` (result accounts) rather than
/// `#IB`/`#UB`: by its `#KTYP`, otherwise by its class (1–2 balance sheet,
/// 3–8 result, as in BAS and Kommun-Bas).
pub fn is_result_account(ledger: &Ledger, account: &str) -> bool {
    match ledger.accounts.get(account).and_then(|a| a.kind) {
        Some(AccountKind::Cost | AccountKind::Income) => true,
        Some(AccountKind::Asset | AccountKind::Liability) => false,
        None => matches!(account.as_bytes().first(), Some(b'3'..=b'8')),
    }
}

/// An account's balance in fiscal year `year` as the ledger states it (debit
/// positive): `#RES` for result accounts, `#UB` for balance accounts, and when
/// the file gives neither, the year's rows (added to `#IB` for a balance account).
pub fn balance(ledger: &Ledger, account: &str, year: i32) -> Decimal {
    let given = ledger.balances(year, account);
    let rows = ledger.transaction_sum(year, account).unwrap_or_default();
    if is_result_account(ledger, account) {
        given.and_then(|b| b.result).unwrap_or(rows)
    } else {
        given.and_then(|b| b.closing).unwrap_or_else(|| given.and_then(|b| b.opening).unwrap_or_default() + rows)
    }
}

/// An account's balance as a statement shows it: tillgångar as they stand
/// (+UB), skulder and eget kapital turned (−UB), and result accounts turned
/// so intäkter are positive and kostnader negative (−RES).
pub fn statement_amount(ledger: &Ledger, account: &str, year: i32) -> Decimal {
    statement_sign(ledger, account) * balance(ledger, account, year)
}

/// 1 for a tillgång, −1 for every other account (see `statement_amount`).
pub fn statement_sign(ledger: &Ledger, account: &str) -> Decimal {
    let asset = match ledger.accounts.get(account).and_then(|a| a.kind) {
        Some(kind) => kind == AccountKind::Asset,
        None => account.starts_with('1'),
    };
    if asset { Decimal::ONE } else { Decimal::NEGATIVE_ONE }
}

/// Every account the ledger names: by `#KONTO`, by a balance or by rows.
pub fn accounts(ledger: &Ledger) -> Vec<&String> {
    let mut accounts: Vec<&String> = ledger.accounts.keys().collect();
    accounts.extend(ledger.balances.keys().map(|(_, a)| a));
    accounts.extend(ledger.transactions.by_month.keys());
    accounts.sort();
    accounts.dedup();
    accounts
}

/// The accounts of a ledger checked against the lines of one mapping, in the
/// fiscal years it reads. `what` names the mapping in messages (`rr`).
pub struct MappingCheck<'a> {
    pub lines: &'a [AccountRanges],
    /// The lines' names, for an account in more than one.
    pub names: &'a [String],
    pub years: &'a [i32],
    pub what: &'a str,
    /// Whether every account of the classes the mapping reaches must land in a
    /// line (a statement), or only in at most one (a note with the detail of some).
    pub complete: bool,
    /// Accounts left out of the mapping: internal transactions, in a table of their own.
    pub internal: &'a AccountRanges,
}

/// Every account of the ledger with a non-zero balance in a class the mapping
/// reaches must land in exactly one line; an error for each that does not,
/// located at its `#KONTO` in the SIE file.
pub fn check_ledger(ledger: &Ledger, check: &MappingCheck) -> Vec<Diagnostic> {
    let classes: Vec<u8> = check.lines.iter().flat_map(AccountRanges::classes).collect();
    let mut problems = Vec::new();
    for account in accounts(ledger) {
        if !account.as_bytes().first().is_some_and(|c| classes.contains(c)) || check.internal.covers(account) {
            continue;
        }
        let Some((year, amount)) =
            check.years.iter().map(|&y| (y, balance(ledger, account, y))).find(|(_, amount)| !amount.is_zero())
        else {
            continue;
        };
        let placement = place(check.lines, account);
        match placement {
            Placement::One(_) => continue,
            Placement::None if !check.complete => continue,
            _ => {}
        }
        let known = ledger.accounts.get(account.as_str());
        let name = known.map_or_else(|| "without #KONTO".to_owned(), |a| a.name.clone());
        let shown = format_amount(amount, Some(2)).replace('\u{a0}', " ");
        let when = ledger.year(year).map(|y| format!(" in {}", y.end.year)).unwrap_or_default();
        let location = known.map_or_else(|| Location::file(&ledger.file), |a| Location::new(&ledger.file, a.line, 1));
        let what = check.what;
        let d = match placement {
            Placement::Many(found) => {
                let found: Vec<&str> = found.iter().map(|&i| check.names[i].as_str()).collect();
                Diagnostic::error(
                    Some(location),
                    format!(
                        "the account {account} ({name}, balance {shown}{when}) lands in more than one line of `{what}`: {}",
                        found.join(", ")
                    ),
                )
                .with_hint("make the ranges disjoint, or list the account under `except` in all but one")
            }
            _ => Diagnostic::error(
                Some(location),
                format!("the account {account} ({name}, balance {shown}{when}) lands in no line of `{what}`"),
            )
            .with_hint(format!(
                "add it to the `accounts` of a line of `{what}`; every account with a balance in a class the table maps must land in exactly one line"
            )),
        };
        problems.push(d);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(accounts: &str, except: &str) -> AccountRanges {
        AccountRanges::parse(accounts, except).unwrap()
    }

    /// Fails when ranges compare whole numbers instead of prefixes.
    #[test]
    fn ranges_match_by_prefix_whatever_the_account_length() {
        let r = ranges("30-36", "3500");
        for yes in ["3000", "3699", "300000", "369999", "3010"] {
            assert!(r.covers(yes), "{yes}");
        }
        for no in ["2999", "3700", "370000", "3", "3500", "350099", "30a0"] {
            assert!(!r.covers(no), "{no}");
        }
        let single = ranges("7460", "");
        assert!(single.covers("7460") && single.covers("746012") && !single.covers("7461"));
    }

    #[test]
    fn bad_ranges_are_explained() {
        assert!(AccountRanges::parse("7020-x", "").unwrap_err().contains("`7020-x` is not an account number"));
        assert!(AccountRanges::parse("3-3699", "").unwrap_err().contains("different numbers of digits"));
        assert!(AccountRanges::parse("36-30", "").unwrap_err().contains("runs backwards"));
    }

    #[test]
    fn an_account_lands_in_one_line_none_or_many() {
        let lines = [ranges("30-36", ""), ranges("37-39", ""), ranges("3910", "")];
        assert_eq!(place(&lines, "3010"), Placement::One(0));
        assert_eq!(place(&lines, "3910"), Placement::Many(vec![1, 2]));
        assert_eq!(place(&lines, "4010"), Placement::None);
    }

    /// Statements show intäkter and skulder turned, tillgångar and kostnader as
    /// the ledger has them turned into statement signs; without #UB or #RES a
    /// year's balance is #IB plus its rows. Fails when the sign follows the
    /// class instead of #KTYP, or rows are ignored without #UB.
    #[test]
    fn statement_amounts_follow_the_account_kind() {
        let text = "#SIETYP 4\n#RAR 0 20240101 20241231\n#KONTO 1930 Bank\n#KONTO 2440 Skuld\n#KONTO 3010 Taxor\n\
#KONTO 4010 Material\n#KONTO 1999 Konstig\n#KTYP 1999 S\n#IB 0 1930 100\n#RES 0 3010 -50\n#UB 0 1999 -3\n\
#VER A 1 20240301 x\n{\n#TRANS 1930 {} 20\n#TRANS 2440 {} -40\n#TRANS 4010 {} 20\n}\n";
        let (ledger, _) = super::super::read(text.as_bytes(), "a.se").unwrap();
        let amounts: Vec<String> = ["1930", "2440", "3010", "4010", "1999"]
            .iter()
            .map(|a| statement_amount(&ledger, a, 0).to_string())
            .collect();
        assert_eq!(amounts, ["120", "40", "50", "-20", "3"]);
    }

    /// Every non-zero account of a mapped class lands in exactly one line;
    /// zero balances and classes the mapping does not reach are left alone.
    /// Fails when `check_ledger` skips the class filter or the zero test.
    #[test]
    fn the_ledger_check_names_account_name_balance_and_line() {
        let text = "#SIETYP 4\n#RAR 0 20240101 20241231\n#KONTO 3010 Taxor\n#KONTO 3020 Avgifter\n#KONTO 3910 Hyror\n\
#KONTO 4010 Material\n#KONTO 1930 Bank\n#RES 0 3010 -100\n#RES 0 3020 -5.50\n#RES 0 3910 -7\n#RES 0 4010 0\n#UB 0 1930 12\n";
        let (ledger, _) = super::super::read(text.as_bytes(), "ledger/a.se").unwrap();
        let lines = [ranges("30", "3020"), ranges("39", ""), ranges("3910", ""), ranges("40-49", "")];
        let names: Vec<String> = ["Intäkter", "Övrigt", "Hyror", "Kostnader"].map(String::from).to_vec();
        let check = MappingCheck {
            lines: &lines,
            names: &names,
            years: &[0],
            what: "rr",
            complete: true,
            internal: &AccountRanges::default(),
        };
        let problems: Vec<String> = check_ledger(&ledger, &check)
            .iter()
            .map(|d| {
                format!("{}:{} {}", d.location.as_ref().unwrap().line, d.location.as_ref().unwrap().column, d.message)
            })
            .collect();
        assert_eq!(
            problems,
            [
                "4:1 the account 3020 (Avgifter, balance \u{2212}5,50 in 2024) lands in no line of `rr`",
                "5:1 the account 3910 (Hyror, balance \u{2212}7,00 in 2024) lands in more than one line of `rr`: Övrigt, Hyror",
            ]
        );
    }
}
