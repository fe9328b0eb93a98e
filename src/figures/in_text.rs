//! `{{ figure("br.eget_kapital[2013] / br.summa_tillgangar[2013] * 100") | procent(decimaler=1) }}`
//! in a chapter: an expression over the figures tables, evaluated exactly by
//! the one evaluator of [`super::expr`], never by Tera's own arithmetic.
//!
//! Every term names its table and its column. Terms are converted exactly
//! into the unit the first term's line is shown in, or into `unit=` (kr,
//! tkr, mnkr; other units are taken as they are), so a sum reads like the
//! table and a ratio is the same in any unit. The result is exact and unrounded: the filter
//! after it (`decimaler=`) or `round(x; n)` in the expression says how it is
//! shown.

use rust_decimal::Decimal;
use tera::{Kwargs, State, Tera, Value};

use super::compute::Computed;
use super::expr::{self, Ref};
use super::model::Unit;
use crate::diagnostics::Location;
use crate::project::nearest;

/// The name chapters call; its one argument may be written without a name
/// (`figure("…")`), which [`crate::templates::source`] turns into [`ARGUMENT`].
pub const FUNCTION: &str = "figure";
pub const ARGUMENT: &str = "expr";
/// The optional unit the result is converted into exactly (`unit="mnkr"`).
pub const UNIT: &str = "unit";

/// Registers `figure(expr)` with the computed figures.
pub fn register(tera: &mut Tera, computed: &Computed) {
    let computed = computed.clone();
    tera.register_function(FUNCTION, move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let text: String = kwargs.must_get(ARGUMENT)?;
        let unit = match kwargs.get::<String>(UNIT)? {
            None => None,
            Some(name) => Some(money_unit(&name).map_err(tera::Error::message)?),
        };
        let value = evaluate(&computed, &text, unit).map_err(tera::Error::message)?;
        Ok(Value::from(value.normalize().to_string()))
    });
}

/// The unit of money named by `unit=`: only kronor, tkr and mnkr convert.
fn money_unit(name: &str) -> Result<Unit, String> {
    match Unit::NAMES.iter().find(|(n, _)| *n == name) {
        Some((_, u)) if u.is_money() => Ok(*u),
        _ => Err(format!(
            "`{FUNCTION}(…, {UNIT}=\"{name}\")`: expected kr, tkr or mnkr, found `{name}` \
             (only amounts of money convert; other units are shown as their line is)"
        )),
    }
}

/// The exact value of `text`, or why there is none, in words that name the
/// place in the expression. Amounts of money are converted into `unit` when
/// it is given, else into the unit the first term's line is shown in.
pub fn evaluate(computed: &Computed, text: &str, unit: Option<Unit>) -> Result<Decimal, String> {
    let within = |message: &str, column: usize| {
        let rest: String = text.chars().skip(column).collect();
        match rest.trim() {
            "" => format!("`{FUNCTION}(\"{text}\")`: {message}"),
            rest => format!("`{FUNCTION}(\"{text}\")`: {message}, at `{rest}`"),
        }
    };
    // Columns are counted from 0 within the text (the chapter's place is the
    // expression's, found by the template engine).
    let at = Location { file: String::new(), line: 1, column: 0 };
    let parsed = expr::parse(text, &at, false).map_err(|e| with_hint(within(&e.message, e.loc.column), e.hint))?;
    let refs = parsed.refs();
    let Some(first) = refs.first() else {
        let hint = "`figure` computes with the figures of tables, e.g. `rr.arets_resultat[2013]`; write a plain number as it is";
        return Err(with_hint(within("names no figure", 0), Some(hint.into())));
    };
    let target = unit.or_else(|| shown_unit(computed, first)).unwrap_or(Unit::Antal);
    let mut empty: Option<String> = None;
    let mut value = |r: &Ref| -> Result<Option<Decimal>, expr::ExprError> {
        let fail = |message: String, hint: Option<String>| expr::ExprError { loc: r.loc.clone(), message, hint };
        let Some(table_id) = r.table.as_deref() else {
            return Err(fail(
                format!("expected `table.line[column]`, found `{}`", r.row),
                Some("a figure in text names its table, line and column, e.g. `rr.arets_resultat[2013]`".into()),
            ));
        };
        let Some(&t) = computed.index.get(table_id) else {
            let names: Vec<&str> = computed.index.keys().map(String::as_str).collect();
            return Err(fail(format!("there is no table or note `{table_id}`"), did_you_mean(table_id, &names)));
        };
        let table = &computed.tables[t];
        let Some(row) = table.row_index(&r.row) else {
            let names: Vec<&str> = table.rows.iter().filter_map(|r| r.id.as_deref()).collect();
            return Err(fail(format!("the table `{table_id}` has no line `{}`", r.row), did_you_mean(&r.row, &names)));
        };
        let columns: Vec<&str> = table.columns.iter().map(|c| c.id.as_str()).collect();
        let Some(column) = r.column.as_deref() else {
            return Err(fail(
                format!("`{table_id}.{}` names no column", r.row),
                Some(format!(
                    "text has no column of its own: write it in brackets, e.g. `{table_id}.{}[{}]`",
                    r.row,
                    columns.first().copied().unwrap_or("2013")
                )),
            ));
        };
        let Some(c) = table.column_index(column) else {
            let hint =
                did_you_mean(column, &columns).or_else(|| Some(format!("its columns are {}", columns.join(", "))));
            return Err(fail(format!("the table `{table_id}` has no column `{column}`"), hint));
        };
        let Some(v) = computed.lines[t][row][c] else {
            empty.get_or_insert_with(|| format!("{table_id}.{}[{column}]", r.row));
            return Ok(None);
        };
        let from = table.row_input_unit(row);
        let factor = if from.is_money() && target.is_money() { from.kronor() / target.kronor() } else { Decimal::ONE };
        v.checked_mul(factor).map(Some).ok_or_else(|| fail("the figure is too large to convert exactly".into(), None))
    };
    match parsed.eval(&mut value) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => {
            let term = empty.unwrap_or_default();
            Err(with_hint(
                within(&format!("`{term}` has no figure"), 0),
                Some("an empty cell is no figure, not 0: type the figure in the table, or 0 where it is zero".into()),
            ))
        }
        Err(e) => Err(with_hint(within(&e.message, e.loc.column), e.hint)),
    }
}

/// The unit the line of `r` is shown in, when it exists.
fn shown_unit(computed: &Computed, r: &Ref) -> Option<Unit> {
    let table = computed.table(r.table.as_deref()?)?;
    Some(table.row_unit(table.row_index(&r.row)?))
}

fn did_you_mean(name: &str, names: &[&str]) -> Option<String> {
    nearest(name, names).map(|n| format!("did you mean `{n}`?"))
}

/// A message with its hint in one text: the template engine carries only one.
fn with_hint(message: String, hint: Option<String>) -> String {
    match hint {
        Some(h) => format!("{message} ({h})"),
        None => message,
    }
}

/// Where in an expression `{{ … }}` a `figure(` takes its argument without a
/// name (`figure("…")`): the byte offsets of those arguments in `inner`.
pub fn unnamed_arguments(inner: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    for (i, c) in inner.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => {
                let starts_name =
                    i == 0 || !inner[..i].ends_with(|p: char| p.is_alphanumeric() || p == '_' || p == '.');
                if !(starts_name && inner[i..].starts_with(FUNCTION)) {
                    continue;
                }
                let after = inner[i + FUNCTION.len()..].trim_start();
                let Some(args) = after.strip_prefix('(') else { continue };
                let args_trimmed = args.trim_start();
                if args_trimmed.starts_with(['"', '\'', '`']) {
                    out.push(inner.len() - args_trimmed.len());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unnamed_argument_is_found_outside_strings_only() {
        assert_eq!(unnamed_arguments(" figure(\"a.b[x]\") | procent "), [8]);
        assert_eq!(unnamed_arguments(" figure( 'a' ) "), [9]);
        assert!(unnamed_arguments(" figure(expr=\"a\") ").is_empty());
        assert!(unnamed_arguments(" \"figure('a')\" ").is_empty());
        assert!(unnamed_arguments(" myfigure(\"a\") ").is_empty());
    }
}
