//! Detailed budgets per account, aggregated into budget categories by declared
//! account ranges (with exceptions and a residual category; the ranges are the
//! ledger mapping's, `ledger::mapping`). Every account must
//! fall into exactly one category; the result is an ordinary figures table
//! whose lines are the categories, so it can be placed, referred to and checked
//! like any statement.

use rust_decimal::Decimal;

use super::model::{Amount, Column, ColumnKind, Row, RowSource, Table, Unit};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format::parse_amount;
use crate::ledger::mapping::{AccountRanges, Placement, place};
use crate::project::Fields;
use crate::yaml::Node;

struct Category {
    id: String,
    label: String,
    accounts: AccountRanges,
    residual: bool,
    loc: Location,
}

/// Parses one budget into a table: a line per category with the sum of its accounts.
pub fn parse_budget(node: &Node, file: &str, source: &str) -> Result<Table, Diagnostics> {
    let mut f = Fields::new(node, file, source, "a budget")?;
    let id = f.required("id", "budget_bas").and_then(|n| f.string(Some(n)));
    let title = f.required("title", "Budget 2013, basverksamhet").and_then(|n| f.string(Some(n)));
    let unit = f.optional("unit").and_then(|n| f.one_of(Some(n), &Unit::NAMES)).unwrap_or(Unit::Tkr);
    let input_unit = f.optional("input_unit").and_then(|n| f.one_of(Some(n), &Unit::NAMES)).unwrap_or(Unit::Kr);
    let column = f.optional("column").and_then(|n| f.string(Some(n))).unwrap_or_else(|| "Budget".into());
    let total_label = f.optional("total").and_then(|n| f.string(Some(n))).unwrap_or_else(|| "Summa".into());
    let mut diagnostics = Diagnostics::new();
    let error = |node: &Node, message: String, hint: Option<String>| {
        let d = Diagnostic::error(Some(node.location(file)), message).with_source(source);
        match hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    };

    let mut categories = Vec::new();
    for item in f
        .required("categories", "[{id: personal, label: Personalkostnader, accounts: \"7020-7699\"}]")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let Ok(mut c) = Fields::new(item, file, source, "a budget category") else { continue };
        let cid = c.required("id", "personal").and_then(|n| c.string(Some(n)));
        let label = c.required("label", "Personalkostnader").and_then(|n| c.string(Some(n)));
        let ranges_of = |c: &mut Fields, key: &'static str, diagnostics: &mut Diagnostics| match c.optional(key) {
            Some(n) => match AccountRanges::parse(n.as_str().unwrap_or_default(), "") {
                Ok(r) => r,
                Err(message) => {
                    diagnostics.push(error(
                        n,
                        message,
                        Some("write account numbers and ranges separated by commas: `5611-5615, 7020-7699`".into()),
                    ));
                    AccountRanges::default()
                }
            },
            None => AccountRanges::default(),
        };
        let accounts = ranges_of(&mut c, "accounts", &mut diagnostics);
        let except = ranges_of(&mut c, "except", &mut diagnostics);
        let residual = c.optional("residual").and_then(|n| c.boolean(Some(n))).unwrap_or(false);
        diagnostics.extend(c.finish());
        if let (Some(id), Some(label)) = (cid, label) {
            categories.push(Category {
                id,
                label,
                accounts: accounts.except(except),
                residual,
                loc: item.location(file),
            });
        }
    }
    if categories.iter().filter(|c| c.residual).count() > 1 {
        diagnostics.push(error(node, "a budget may have one residual category only".into(), None));
    }

    let ranges: Vec<AccountRanges> = categories.iter().map(|c| c.accounts.clone()).collect();
    let mut sums: Vec<Option<Decimal>> = vec![None; categories.len()];
    for item in f
        .required("lines", "[{account: 7020, name: Löner, amount: 4 946 000}]")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let Ok(mut l) = Fields::new(item, file, source, "a budget line") else { continue };
        let account_node = l.optional("account");
        let name = l.required("name", "Löner").and_then(|n| l.string(Some(n))).unwrap_or_default();
        let category = l.optional("category");
        let amount =
            l.required("amount", "4 946 000").and_then(|n| match parse_amount(n.as_str().unwrap_or_default()) {
                Ok(v) => Some(v),
                Err(message) => {
                    diagnostics.push(error(n, message, None));
                    None
                }
            });
        diagnostics.extend(l.finish());
        let Some(amount) = amount else { continue };
        // An explicit category wins; otherwise the account number decides.
        let index = if let Some(c) = category {
            let wanted = c.as_str().unwrap_or_default();
            match categories.iter().position(|cat| cat.id == wanted) {
                Some(i) => Some(i),
                None => {
                    diagnostics.push(error(c, format!("there is no budget category `{wanted}`"), None));
                    None
                }
            }
        } else if let Some(n) = account_node {
            let digits = |t: &&str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            let Some(account) = n.as_str().map(str::trim).filter(digits) else {
                diagnostics.push(error(n, format!("expected an account number, found {}", n.describe()), None));
                continue;
            };
            match place(&ranges, account) {
                Placement::One(one) => Some(one),
                Placement::None => match categories.iter().position(|c| c.residual) {
                    Some(r) => Some(r),
                    None => {
                        diagnostics.push(error(
                            n,
                            format!("the account {account} ({name}) belongs to no budget category"),
                            Some("add it to a category's `accounts`, or add a category with `residual: true`".into()),
                        ));
                        None
                    }
                },
                Placement::Many(many) => {
                    let names: Vec<String> = many
                        .iter()
                        .map(|&i| format!("{} (line {})", categories[i].label, categories[i].loc.line))
                        .collect();
                    diagnostics.push(error(
                        n,
                        format!(
                            "the account {account} ({name}) belongs to more than one category: {}",
                            names.join(", ")
                        ),
                        Some("make the ranges disjoint, or list the account under `except` in all but one".into()),
                    ));
                    None
                }
            }
        } else {
            diagnostics.push(error(item, "a budget line needs an `account` or a `category`".into(), None));
            None
        };
        if let Some(i) = index {
            sums[i] = Some(sums[i].unwrap_or_default() + amount);
        }
    }
    diagnostics.extend(f.finish());
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let (Some(id), Some(title)) = (id, title) else { return Err(diagnostics) };
    let loc = node.location(file);
    let mut rows: Vec<Row> = categories
        .iter()
        .zip(sums)
        .map(|(c, sum)| {
            let values = RowSource::Values(vec![sum.map(|value| Amount { value, loc: c.loc.clone() })]);
            Row::generated(&c.id, c.label.clone(), values, false, c.loc.clone())
        })
        .collect();
    rows.push(Row::generated("summa", total_label, RowSource::SumAll, true, loc.clone()));
    Ok(Table {
        id,
        title,
        unit,
        input_unit,
        decimals: 0,
        tolerance: Decimal::ZERO,
        columns: vec![Column { id: "budget".into(), label: column, kind: ColumnKind::Input, loc: loc.clone() }],
        rows,
        note_number: None,
        row_label: String::new(),
        empty: String::new(),
        // A category no account falls into has a budget of nothing: it adds as 0.
        empty_is_zero: true,
        text_before: String::new(),
        text_after: String::new(),
        role: None,
        role_loc: None,
        file: file.to_owned(),
        loc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    const CATEGORIES: &str = "categories:\n  - {id: personal, label: Personalkostnader, accounts: \"5611-5615, 7020-7699\", except: \"7460, 7530\"}\n  - {id: pension, label: Pensionskostnader, accounts: \"7460, 7530\"}\n  - {id: ovrigt, label: Övriga kostnader, residual: true}\n";

    fn budget(lines: &str) -> Result<Table, Diagnostics> {
        let text = format!("id: b\ntitle: B\n{CATEGORIES}lines:\n{lines}");
        parse_budget(&yaml::parse(&text, "b.yaml").unwrap(), "b.yaml", &text)
    }

    fn sums(t: &Table) -> Vec<Option<i64>> {
        t.rows
            .iter()
            .map(|r| match &r.source {
                RowSource::Values(v) => v[0].as_ref().map(|a| a.value.try_into().unwrap()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn aggregates_accounts_by_ranges_exceptions_and_residual() {
        let t = budget("  - {account: 7020, name: Löner, amount: 4 946 000}\n  - {account: 5611, name: Drivmedel, amount: 10 000}\n  - {account: 7460, name: Pensioner, amount: 800 000}\n  - {account: 7530, name: Löneskatt, amount: 195 000}\n  - {account: 6110, name: Kontorsmaterial, amount: 25 000}\n  - {name: Tillväxtmedel, category: ovrigt, amount: 8 000 000}\n").unwrap();
        assert_eq!(sums(&t), [Some(4_956_000), Some(995_000), Some(8_025_000), None]);
        assert!(matches!(t.rows[3].source, RowSource::SumAll));
    }

    /// The ranges are the ledger mapping's and match by prefix: a six-digit
    /// account lands in the category of its four-digit group. Fails with the
    /// whole-number ranges budgets had before.
    #[test]
    fn six_digit_accounts_fall_into_their_groups_category() {
        let t = budget("  - {account: 702012, name: Löner, amount: 100}\n  - {account: 746001, name: Pensioner, amount: 20}\n  - {account: 611000, name: Kontorsmaterial, amount: 3}\n").unwrap();
        assert_eq!(sums(&t), [Some(100), Some(20), Some(3), None]);
    }

    #[test]
    fn an_account_in_two_categories_or_none_is_an_error_naming_it() {
        let text = "id: b\ntitle: B\ncategories:\n  - {id: a, label: A, accounts: \"5000-5999\"}\n  - {id: c, label: C, accounts: \"5500-5600\"}\nlines:\n  - {account: 5510, name: Dubbel, amount: 1}\n  - {account: 9999, name: Ingenstans, amount: 1}\n";
        let err = parse_budget(&yaml::parse(text, "b.yaml").unwrap(), "b.yaml", text).unwrap_err().to_string();
        assert!(
            err.contains("b.yaml:7:15")
                && err.contains("the account 5510 (Dubbel) belongs to more than one category: A (line 4), C (line 5)"),
            "{err}"
        );
        assert!(
            err.contains("b.yaml:8:15") && err.contains("the account 9999 (Ingenstans) belongs to no budget category"),
            "{err}"
        );
    }
}
