//! Outcomes taken from the computed figures: `outcome: {from: "femar.soliditet[2013]"}`,
//! any expression of [`crate::figures::expr`], so that a goal table and the
//! statements cannot disagree.
//!
//! Each term is the figure as the statement shows it (in its table's shown
//! unit, rounded to its decimals). Amounts in kr, tkr or mnkr are converted
//! into the unit of the first amount's table. An expression whose result is
//! an amount (`br.eget_kapital[2013]`, a sum, an amount times a number) is
//! counted in that unit; one whose result is a plain number (a ratio of
//! amounts, a figure of an `antal` table) counts something the figures do
//! not name, so the outcome says what with `unit:`.

use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostic, Location};
use crate::figures::compute::Computed;
use crate::figures::expr::{self, Expr, ExprError, Func, Op, Ref};
use crate::figures::model::{Table, Unit, expr_diagnostic};
use crate::figures::view;
use crate::yaml::{Node, NodeKind};

/// The value of the expression in `node` and the unit it is counted in
/// (`None` for counts, whose unit the outcome must give). `Ok(None)` for the
/// value: an empty cell.
pub fn evaluate(
    node: &Node,
    file: &str,
    source: &str,
    figures: &Computed,
) -> Result<(Option<Decimal>, Option<Unit>), Diagnostic> {
    let NodeKind::Scalar { text, quoted } = &node.kind else {
        return Err(Diagnostic::error(
            Some(node.location(file)),
            format!("expected an expression such as `femar.soliditet[2013]`, found {}", node.describe()),
        )
        .with_source(source));
    };
    let expr = expr::parse(text, &node.location(file), *quoted).map_err(|e| expr_diagnostic(e, source))?;
    let mut first: Option<Unit> = None;
    let value = expr
        .eval(&mut |r: &Ref| {
            let (table, t) = lookup_table(figures, r)?;
            let row = table
                .row_index(&r.row)
                .ok_or_else(|| term_error(&r.loc, format!("the table `{}` has no line `{}`", table.id, r.row), None))?;
            let column = match &r.column {
                Some(c) => table.column_index(c).ok_or_else(|| {
                    let ids: Vec<&str> = table.columns.iter().map(|c| c.id.as_str()).collect();
                    term_error(
                        &r.loc,
                        format!("the table `{}` has no column `{c}`", table.id),
                        Some(format!("its columns are: {}", ids.join(", "))),
                    )
                })?,
                None if table.columns.len() == 1 => 0,
                None => {
                    return Err(term_error(
                        &r.loc,
                        format!("`{}.{}` has {} columns: name one", table.id, r.row, table.columns.len()),
                        Some(format!("for example `{}.{}[{}]`", table.id, r.row, table.columns[0].id)),
                    ));
                }
            };
            // Each line is read in the unit it is shown in, which may be its own.
            let unit = table.row_unit(row);
            if unit.is_money() && first.is_none() {
                first = Some(unit);
            }
            Ok(figures.lines[t][row][column].map(|v| {
                let shown = view::shown(table, row, v);
                if unit.is_money() { shown * unit.kronor() / first.unwrap_or(unit).kronor() } else { shown }
            }))
        })
        .map_err(|e| expr_diagnostic(e, source))?;
    let is_amount = |r: &Ref| {
        let table = r.table.as_ref().and_then(|id| figures.table(id));
        table.and_then(|t| t.row_index(&r.row).map(|row| t.row_unit(row).is_money())).unwrap_or(false)
    };
    let unit = match amount(&expr, &is_amount) {
        Ok(true) => first,
        Ok(false) => None,
        Err(loc) => {
            return Err(Diagnostic::error(
                Some(loc),
                "this multiplies or divides amounts in a way that gives no unit (kr × kr, or a number per kr)",
            )
            .with_hint("an outcome is an amount, an amount times a number, or a ratio of two amounts")
            .with_source(source));
        }
    };
    Ok((value, unit))
}

/// Whether `expr` is an amount (kr, tkr, mnkr) rather than a plain number;
/// `Err`: the place of an operation whose result has no unit.
fn amount(expr: &Expr, is_amount: &dyn Fn(&Ref) -> bool) -> Result<bool, Location> {
    Ok(match expr {
        Expr::Number(_) => false,
        Expr::Ref(r) => is_amount(r),
        Expr::Neg(e, _) => amount(e, is_amount)?,
        // `round(x; n)` has the unit of x; abs, min and max of their figures.
        Expr::Call(Func::Round, args, _) => args.first().map(|x| amount(x, is_amount)).transpose()?.unwrap_or(false),
        Expr::Call(_, args, _) => {
            let mut any = false;
            for arg in args {
                any |= amount(arg, is_amount)?;
            }
            any
        }
        Expr::Binary(op, a, b, loc) => {
            let (a, b) = (amount(a, is_amount)?, amount(b, is_amount)?);
            match op {
                Op::Add | Op::Sub => a || b,
                Op::Mul if a && b => return Err(loc.clone()),
                Op::Mul => a || b,
                Op::Div if b && !a => return Err(loc.clone()),
                Op::Div => a && !b,
            }
        }
    })
}

fn lookup_table<'a>(figures: &'a Computed, r: &Ref) -> Result<(&'a Table, usize), ExprError> {
    let Some(id) = &r.table else {
        return Err(term_error(
            &r.loc,
            format!("`{}` names no table", r.row),
            Some(format!("a goal's outcome names the table too, e.g. `femar.{}[2013]`", r.row)),
        ));
    };
    match figures.index.get(id) {
        Some(&t) => Ok((&figures.tables[t], t)),
        None => Err(term_error(&r.loc, format!("there is no table `{id}`"), None)),
    }
}

/// A mistake in a term, at the term.
fn term_error(loc: &Location, message: String, hint: Option<String>) -> ExprError {
    ExprError { loc: loc.clone(), message, hint }
}
