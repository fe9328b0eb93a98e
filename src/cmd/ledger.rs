//! `arsrapport ledger FILE`: what a SIE file holds — the organisation, its
//! years, the accounts by class with their balances, the dimensions and their
//! objects, and the posts skipped — so a user can see what was exported before
//! mapping it.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use rust_decimal::Decimal;

use super::{count, fail, report};
use crate::diagnostics::Diagnostics;
use crate::format::format_amount;
use crate::ledger::{self, AccountKind, Ledger};

/// Describes the file; inside a project (or with `--root`) also lists the
/// accounts its tables leave unmapped. The file's consistency (Σ result =
/// årets resultat, IB 0 = UB −1, a balancing balance sheet) is warned about.
pub fn run(file: &Path, verbose: bool, root: Option<&Path>) -> ExitCode {
    let shown = file.to_string_lossy().replace('\\', "/");
    match ledger::read_file(file, &shown) {
        Ok((ledger, mut warnings)) => {
            for problem in ledger::consistency::check(&ledger) {
                warnings.push(problem);
            }
            report(&warnings);
            print!("{}", describe(&ledger, verbose));
            let root = root
                .map(Path::to_path_buf)
                .or_else(|| std::env::current_dir().ok().and_then(|d| crate::project::find_root(&d)));
            match root {
                Some(root) => match unmapped(&ledger, file, &root) {
                    Ok(text) => print!("{text}"),
                    Err(d) => return fail(&d, "cannot read the project's figures"),
                },
                None => println!(
                    "\nNo project here (content/report.yaml): run inside one, or give --root, to see the accounts its tables leave unmapped."
                ),
            }
            ExitCode::SUCCESS
        }
        Err(d) => fail(&d, "cannot read the ledger"),
    }
}

/// The accounts with a balance in year 0 that no table of the project at
/// `root` reading this file maps (nor declares internal).
fn unmapped(ledger: &Ledger, file: &Path, root: &Path) -> Result<String, Diagnostics> {
    let mut out = String::new();
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (file, root) = (canonical(file), canonical(root));
    let Ok(relative) = file.strip_prefix(&root) else {
        let _ =
            writeln!(out, "\nThe file lies outside the project {}; no table of it can read the file.", root.display());
        return Ok(out);
    };
    let relative = relative.to_string_lossy().replace('\\', "/");
    let data = crate::data::DataFiles::load(&root)?;
    let ranges: Vec<_> = data
        .files
        .values()
        .filter(|node| crate::figures::model::is_figures_file(node))
        .flat_map(|node| ledger::tables::ranges_for(node, &relative))
        .collect();
    if ranges.is_empty() {
        let _ = writeln!(out, "\nNo table of the project reads {relative} (`ledger: {relative}`).");
        return Ok(out);
    }
    let mut rows = Vec::new();
    for account in ledger::mapping::accounts(ledger) {
        let balance = ledger::mapping::balance(ledger, account, 0);
        if balance.is_zero() || ranges.iter().any(|r| r.covers(account)) {
            continue;
        }
        let known = ledger.accounts.get(account.as_str());
        rows.push([
            account.clone(),
            known.map_or_else(|| "(no #KONTO)".to_owned(), |a| a.name.clone()),
            amount(Some(balance)),
            known.map_or_else(String::new, |a| format!("{}:{}", ledger.file, a.line)),
        ]);
    }
    if rows.is_empty() {
        let _ = writeln!(out, "\nEvery account with a balance in year 0 is mapped by the project's tables.");
    } else {
        let _ = writeln!(
            out,
            "\n{} with a balance in year 0 that no table of the project maps:",
            count(rows.len(), "account", "accounts")
        );
        for [number, name, balance, line] in rows {
            let _ = writeln!(out, "  {number:<8} {name:<36} {balance:>20}  {line}");
        }
    }
    Ok(out)
}

/// Whether an account's year is told by `#RES` (result accounts) rather than
/// `#IB`/`#UB`: by its `#KTYP`, otherwise by its class (1–2 balance sheet,
/// 3–8 result, as in BAS and Kommun-Bas).
fn is_result_account(number: &str, kind: Option<AccountKind>) -> bool {
    match kind {
        Some(AccountKind::Asset | AccountKind::Liability) => false,
        Some(AccountKind::Cost | AccountKind::Income) => true,
        None => matches!(number.as_bytes().first(), Some(b'3'..=b'8')),
    }
}

fn amount(value: Option<Decimal>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format_amount(v, Some(2)).replace('\u{a0}', " "))
}

/// The whole description, as printed.
pub fn describe(ledger: &Ledger, verbose: bool) -> String {
    let mut out = String::new();
    let name = ledger.organisation.as_deref().unwrap_or("(no #FNAMN)");
    let number = ledger.org_number.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
    let _ = writeln!(out, "{}: {name}{number}", ledger.file);
    let mut about = Vec::new();
    if let Some(t) = ledger.sie_type {
        about.push(format!("SIE type {t}"));
    }
    if let Some(p) = &ledger.program {
        about.push(format!("written by {p}"));
    }
    if let Some(g) = ledger.generated {
        about.push(format!("on {g}"));
    }
    if let Some(c) = &ledger.chart {
        about.push(format!("chart of accounts {c}"));
    }
    if !about.is_empty() {
        let _ = writeln!(out, "{}", about.join(", "));
    }
    let mut years: Vec<_> = ledger.years.iter().collect();
    years.sort_by_key(|y| -y.index);
    for y in &years {
        let _ = writeln!(out, "year {:>2}: {} to {}", y.index, y.start, y.end);
    }
    let t = &ledger.transactions;
    let _ = writeln!(
        out,
        "{}, {}, {} summed ({} repeating the #RTRANS before it, {} removed and not summed)",
        count(ledger.lines, "line", "lines"),
        count(t.vouchers, "voucher", "vouchers"),
        count(t.rows, "row", "rows"),
        t.repeated_rows,
        t.removed_rows
    );

    out.push_str(
        "\nAccounts, year 0: opening and closing balance (#IB, #UB) or result (#RES), and the sum of the rows\n",
    );
    let mut class: Option<u8> = None;
    // Σ opening (none when no account of the class has one), Σ closing/result, Σ rows.
    let mut class_total: (Option<Decimal>, Decimal, Decimal) = Default::default();
    let mut rows: Vec<[String; 5]> = Vec::new();
    let flush = |class: Option<u8>, total: (Option<Decimal>, Decimal, Decimal), rows: &mut Vec<[String; 5]>| {
        if let Some(c) = class {
            rows.push([
                String::new(),
                format!("class {}", c as char),
                amount(total.0),
                amount(Some(total.1)),
                amount(Some(total.2)),
            ]);
        }
    };
    for (number, account) in &ledger.accounts {
        let balances = ledger.balances(0, number);
        let sum = ledger.transaction_sum(0, number).unwrap_or_else(|| t.sum(number, 0, u32::MAX));
        let (opening, closing) = if is_result_account(number, account.kind) {
            (None, balances.and_then(|b| b.result))
        } else {
            (balances.and_then(|b| b.opening), balances.and_then(|b| b.closing))
        };
        if opening.is_none() && closing.is_none() && sum.is_zero() && !verbose {
            continue;
        }
        let first = number.as_bytes()[0];
        if class != Some(first) {
            flush(class, class_total, &mut rows);
            class = Some(first);
            class_total = Default::default();
        }
        if let Some(o) = opening {
            class_total.0 = Some(class_total.0.unwrap_or_default() + o);
        }
        class_total.1 += closing.unwrap_or_default();
        class_total.2 += sum;
        rows.push([number.clone(), account.name.clone(), amount(opening), amount(closing), amount(Some(sum))]);
    }
    flush(class, class_total, &mut rows);
    let hidden = ledger.accounts.len() - rows.iter().filter(|r| !r[0].is_empty()).count();
    out.push_str(&table(&["account", "name", "opening", "closing/result", "rows"], &rows));
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{} without balance or rows not shown (--verbose shows them)",
            count(hidden, "account", "accounts")
        );
    }

    if !ledger.dimensions.is_empty() {
        out.push_str("\nDimensions and objects\n");
        for (number, dim) in &ledger.dimensions {
            let parent = dim.parent.map(|p| format!(", under dimension {p}")).unwrap_or_default();
            let _ = writeln!(out, "{number} {}{parent}: {}", dim.name, count(dim.objects.len(), "object", "objects"));
            for (id, name) in &dim.objects {
                let _ = writeln!(out, "    {id}  {name}");
            }
        }
    }

    if !ledger.skipped.is_empty() {
        let total: usize = ledger.skipped.values().map(|s| s.count).sum();
        let _ = writeln!(out, "\n{} of unknown kinds skipped", count(total, "post", "posts"));
        if verbose {
            for (label, skipped) in &ledger.skipped {
                let _ = writeln!(
                    out,
                    "    {label}: {} (first on line {})",
                    count(skipped.count, "post", "posts"),
                    skipped.first_line
                );
            }
        } else {
            out.push_str("(--verbose lists them)\n");
        }
    }
    out
}

/// Columns separated by two spaces; numbers (all but the first two) right-aligned.
fn table(header: &[&str; 5], rows: &[[String; 5]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 5]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let pad = " ".repeat(width - cell.chars().count());
            if i < 2 {
                let _ = write!(text, "{cell}{pad}  ");
            } else {
                let _ = write!(text, "{pad}{cell}  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(*header);
    for row in rows {
        line(row.each_ref().map(String::as_str));
    }
    out
}
