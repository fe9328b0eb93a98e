//! Checks of a ledger's own balances, made before statements are summed from
//! it: the opening balances balance, the balance sheet balances after årets
//! resultat, and each year opens where the year before closed. They are
//! warnings: real exports (a SoftOne XE test file among them) fail them, and
//! the statements summed from such a file still show what it holds.

use rust_decimal::Decimal;

use super::Ledger;
use super::mapping::is_result_account;
use crate::diagnostics::{Diagnostic, Location};
use crate::format::format_amount;

fn shown(amount: Decimal) -> String {
    format_amount(amount, Some(2)).replace('\u{a0}', " ")
}

/// Every problem of `ledger`'s balances, located at the account's `#KONTO`
/// (or the file, for a whole year).
pub fn check(ledger: &Ledger) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let at = |account: &str| {
        ledger
            .accounts
            .get(account)
            .map_or_else(|| Location::file(&ledger.file), |a| Location::new(&ledger.file, a.line, 1))
    };
    let name = |account: &str| ledger.accounts.get(account).map_or("without #KONTO", |a| a.name.as_str()).to_owned();
    for year in &ledger.years {
        let end = year.end.year;
        let of_year = || ledger.balances.iter().filter(move |((y, _), _)| *y == year.index);
        let opening: Decimal = of_year().filter_map(|(_, b)| b.opening).sum();
        let closing: Decimal = of_year().filter_map(|(_, b)| b.closing).sum();
        let result: Decimal =
            of_year().filter(|((_, a), _)| is_result_account(ledger, a)).filter_map(|(_, b)| b.result).sum();
        let has = |f: fn(&super::Balances) -> Option<Decimal>| of_year().any(|(_, b)| f(b).is_some());
        if has(|b| b.opening) && !opening.is_zero() {
            problems.push(
                Diagnostic::warning(
                    Some(Location::file(&ledger.file)),
                    format!("the opening balances (#IB) of {end} do not balance: they sum to {}", shown(opening)),
                )
                .with_hint(
                    "a balance sheet's debits and credits are equal; export the file again from the finance system",
                ),
            );
        }
        // Before the year is closed the balance sheet lacks årets resultat
        // (#UB + #RES sum to zero); after, it holds it (#UB sum to zero).
        if has(|b| b.closing) && !closing.is_zero() && !(closing + result).is_zero() {
            problems.push(
                Diagnostic::warning(
                    Some(Location::file(&ledger.file)),
                    format!(
                        "the balance sheet of {end} does not balance after årets resultat: the closing balances (#UB) sum to {} and the result accounts (#RES) to {}",
                        shown(closing),
                        shown(result)
                    ),
                )
                .with_hint("the closing balances and the result must cancel out (or the closing balances alone, once the result is booked)"),
            );
        }
        // Each account opens the year where it closed the year before.
        let Some(before) = ledger.year(year.index - 1) else { continue };
        for ((_, account), b) in of_year() {
            let Some(opening) = b.opening else { continue };
            let Some(closed) = ledger.balances(before.index, account).and_then(|b| b.closing) else { continue };
            if opening != closed {
                problems.push(
                    Diagnostic::warning(
                        Some(at(account)),
                        format!(
                            "the account {account} ({}) opens {end} with {} (#IB) but closed {} with {} (#UB)",
                            name(account),
                            shown(opening),
                            before.end.year,
                            shown(closed)
                        ),
                    )
                    .with_hint(
                        "a year opens where the year before closed; export both years again after the year-end closing",
                    ),
                );
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let (ledger, _) = super::super::read(text.as_bytes(), "a.se").unwrap();
        check(&ledger)
            .iter()
            .map(|d| format!("{} {}", d.location.as_ref().unwrap().line, d.message.replace('\u{2212}', "-")))
            .collect()
    }

    const HEAD: &str = "#SIETYP 4\n#RAR 0 20240101 20241231\n#RAR -1 20230101 20231231\n#KONTO 1930 Bank\n#KONTO 2010 Kapital\n#KONTO 3010 Taxor\n";

    /// An open year (#UB + #RES = 0) and a closed one (#UB = 0) both pass.
    #[test]
    fn a_consistent_ledger_passes() {
        let open = format!(
            "{HEAD}#IB 0 1930 10\n#IB 0 2010 -10\n#UB 0 1930 15\n#UB 0 2010 -10\n#RES 0 3010 -5\n#UB -1 1930 10\n#UB -1 2010 -10\n"
        );
        assert_eq!(problems(&open), Vec::<String>::new());
    }

    /// Fails when the checks are not made: each broken balance is named.
    #[test]
    fn broken_balances_are_named() {
        let text = format!(
            "{HEAD}#IB 0 1930 10\n#IB 0 2010 -9\n#UB 0 1930 15\n#UB 0 2010 -10\n#RES 0 3010 -4\n#UB -1 1930 10\n#UB -1 2010 -10\n"
        );
        assert_eq!(
            problems(&text),
            [
                "0 the opening balances (#IB) of 2024 do not balance: they sum to 1,00",
                "0 the balance sheet of 2024 does not balance after årets resultat: the closing balances (#UB) sum to 5,00 and the result accounts (#RES) to -4,00",
                "5 the account 2010 (Kapital) opens 2024 with -9,00 (#IB) but closed 2023 with -10,00 (#UB)",
            ]
        );
    }
}
