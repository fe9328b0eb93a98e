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

/// An account's balance in year 0, as a statement sees it: `#RES` for result
/// accounts, `#UB` for balance accounts, and the sum of its rows when the file
/// gives neither.
pub fn balance(ledger: &Ledger, account: &str) -> Decimal {
    let kind = ledger.accounts.get(account).and_then(|a| a.kind);
    let result = match kind {
        Some(AccountKind::Cost | AccountKind::Income) => true,
        Some(AccountKind::Asset | AccountKind::Liability) => false,
        None => matches!(account.as_bytes().first(), Some(b'3'..=b'8')),
    };
    let given = ledger.balances(0, account).and_then(|b| if result { b.result } else { b.closing });
    given.or_else(|| ledger.transaction_sum(0, account)).unwrap_or_default()
}

/// Every account of the ledger with a non-zero balance in a class the mapping
/// reaches must land in exactly one line; an error for each that does not,
/// located at its `#KONTO` in the SIE file. `names` are the lines' names.
pub fn check_ledger(ledger: &Ledger, lines: &[AccountRanges], names: &[String]) -> Vec<Diagnostic> {
    let classes: Vec<u8> = lines.iter().flat_map(AccountRanges::classes).collect();
    let mut accounts: Vec<&String> = ledger.accounts.keys().collect();
    accounts.extend(ledger.balances.keys().filter(|(year, _)| *year == 0).map(|(_, a)| a));
    accounts.extend(ledger.transactions.by_month.keys());
    accounts.sort();
    accounts.dedup();
    let mut problems = Vec::new();
    for account in accounts {
        if !account.as_bytes().first().is_some_and(|c| classes.contains(c)) {
            continue;
        }
        let amount = balance(ledger, account);
        if amount.is_zero() {
            continue;
        }
        let placement = place(lines, account);
        if let Placement::One(_) = placement {
            continue;
        }
        let known = ledger.accounts.get(account.as_str());
        let name = known.map_or_else(|| "without #KONTO".to_owned(), |a| a.name.clone());
        let shown = format_amount(amount, Some(2)).replace('\u{a0}', " ");
        let location = known.map_or_else(|| Location::file(&ledger.file), |a| Location::new(&ledger.file, a.line, 1));
        let d = match placement {
            Placement::Many(found) => {
                let found: Vec<&str> = found.iter().map(|&i| names[i].as_str()).collect();
                Diagnostic::error(
                    Some(location),
                    format!(
                        "the account {account} ({name}, balance {shown}) lands in more than one line: {}",
                        found.join(", ")
                    ),
                )
                .with_hint("make the ranges disjoint, or list the account under `except` in all but one")
            }
            _ => Diagnostic::error(
                Some(location),
                format!("the account {account} ({name}, balance {shown}) lands in no line of the mapping"),
            )
            .with_hint("add it to a line's `accounts`; every account with a balance must land in exactly one line"),
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
        let problems: Vec<String> = check_ledger(&ledger, &lines, &names)
            .iter()
            .map(|d| {
                format!("{}:{} {}", d.location.as_ref().unwrap().line, d.location.as_ref().unwrap().column, d.message)
            })
            .collect();
        assert_eq!(
            problems,
            [
                "4:1 the account 3020 (Avgifter, balance \u{2212}5,50) lands in no line of the mapping",
                "5:1 the account 3910 (Hyror, balance \u{2212}7,00) lands in more than one line: Övrigt, Hyror",
            ]
        );
    }
}
