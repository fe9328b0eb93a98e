//! One exact expression language for computed lines, checks and figures in
//! text: `+ - * /` (also `×` `÷` and the real minus `−`), parentheses,
//! numbers, `round(x; n)`, `abs(x)`, `min(a; b; …)`, `max(a; b; …)` and
//! terms `table.line` or `table.line[column]` (a bare `line` is a line of the
//! table the expression belongs to, where there is one).
//!
//! Numbers take a decimal comma or point (`0,5` and `0.5` are the same), so
//! arguments are separated by `;`, never by a comma. Ids in an expression are
//! made of letters, digits and `_`: a `-` is always a minus.
//!
//! Arithmetic is `rust_decimal` only. Division by zero and overflow are
//! errors at the operator; `round` rounds half away from zero, as the
//! formatter does. An empty cell makes the whole expression empty.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::diagnostics::Location;

/// A reference to a line of a table, optionally to one of its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    /// `None`: a line of the table the expression belongs to.
    pub table: Option<String>,
    pub row: String,
    pub column: Option<String>,
    pub loc: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Round,
    Abs,
    Min,
    Max,
}

impl Func {
    const NAMES: [(&'static str, Func); 4] =
        [("round", Func::Round), ("abs", Func::Abs), ("min", Func::Min), ("max", Func::Max)];
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(Decimal),
    Ref(Ref),
    Neg(Box<Expr>, Location),
    Binary(Op, Box<Expr>, Box<Expr>, Location),
    Call(Func, Vec<Expr>, Location),
}

/// A mistake in an expression, at its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub loc: Location,
    pub message: String,
    pub hint: Option<String>,
}

impl ExprError {
    fn new(loc: Location, message: impl Into<String>) -> Self {
        Self { loc, message: message.into(), hint: None }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl Expr {
    /// Every term, in the order written.
    pub fn refs(&self) -> Vec<&Ref> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a Ref>) {
        match self {
            Expr::Number(_) => {}
            Expr::Ref(r) => out.push(r),
            Expr::Neg(e, _) => e.collect_refs(out),
            Expr::Binary(_, a, b, _) => {
                a.collect_refs(out);
                b.collect_refs(out);
            }
            Expr::Call(_, args, _) => args.iter().for_each(|a| a.collect_refs(out)),
        }
    }

    /// The value, with `value` giving each term's figure (`Ok(None)`: an
    /// empty cell, which leaves the result empty).
    pub fn eval(
        &self,
        value: &mut dyn FnMut(&Ref) -> Result<Option<Decimal>, ExprError>,
    ) -> Result<Option<Decimal>, ExprError> {
        let overflow = |loc: &Location| {
            ExprError::new(loc.clone(), "the result is too large to compute exactly")
                .hint("figures are exact to 28 digits; check the figures involved")
        };
        Ok(Some(match self {
            Expr::Number(n) => *n,
            Expr::Ref(r) => return value(r),
            Expr::Neg(e, _) => match e.eval(value)? {
                Some(v) => -v,
                None => return Ok(None),
            },
            Expr::Binary(op, a, b, loc) => {
                let (Some(a), Some(b)) = (a.eval(value)?, b.eval(value)?) else { return Ok(None) };
                match op {
                    Op::Add => a.checked_add(b).ok_or_else(|| overflow(loc))?,
                    Op::Sub => a.checked_sub(b).ok_or_else(|| overflow(loc))?,
                    Op::Mul => a.checked_mul(b).ok_or_else(|| overflow(loc))?,
                    Op::Div if b.is_zero() => {
                        return Err(ExprError::new(loc.clone(), "division by zero")
                            .hint("the figure divided by is 0 here; a ratio needs a figure other than 0"));
                    }
                    Op::Div => a.checked_div(b).ok_or_else(|| overflow(loc))?,
                }
            }
            Expr::Call(func, args, loc) => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    match arg.eval(value)? {
                        Some(v) => values.push(v),
                        None => return Ok(None),
                    }
                }
                match func {
                    Func::Abs => values[0].abs(),
                    Func::Min => values.iter().copied().min().unwrap_or_default(),
                    Func::Max => values.iter().copied().max().unwrap_or_default(),
                    Func::Round => {
                        let places = values[1];
                        if places.fract() != Decimal::ZERO || places < Decimal::ZERO || places > Decimal::from(20) {
                            return Err(ExprError::new(
                                loc.clone(),
                                format!("`round` takes a whole number of decimals from 0 to 20, found {places}"),
                            )
                            .hint("for example `round(x; 1)`"));
                        }
                        let places = u32::try_from(places.mantissa() / 10i128.pow(places.scale())).unwrap_or(0);
                        values[0].round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
                    }
                }
            }
        }))
    }
}

/// Parses `text`, the text of a YAML scalar at `at` (`quoted`: written in
/// quotes, so the text starts one column later). Errors point at the column
/// inside the string.
pub fn parse(text: &str, at: &Location, quoted: bool) -> Result<Expr, ExprError> {
    let mut p = Parser { chars: text.chars().collect(), pos: 0, at, quoted };
    p.skip_space();
    if p.peek().is_none() {
        return Err(ExprError::new(p.loc(0), "expected an expression, found nothing")
            .hint("for example `br.eget_kapital / br.summa_tillgangar * 100`"));
    }
    let expr = p.expr()?;
    p.skip_space();
    if let Some(c) = p.peek() {
        return Err(p.unexpected(c, "an operator (`+ - * /`) or the end"));
    }
    Ok(expr)
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    at: &'a Location,
    quoted: bool,
}

impl Parser<'_> {
    fn loc(&self, pos: usize) -> Location {
        let column = if self.at.line == 0 { 0 } else { self.at.column + pos + usize::from(self.quoted) };
        Location { file: self.at.file.clone(), line: self.at.line, column }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, c: char, expected: &str) -> ExprError {
        let e = ExprError::new(self.loc(self.pos), format!("expected {expected}, found `{c}`"));
        match c {
            ',' => e.hint("arguments are separated by `;`, as in `round(x; 1)`: a comma is a decimal comma"),
            '=' | '<' | '>' => e.hint("a comparison belongs in a check, not in a computed figure"),
            _ => e,
        }
    }

    /// expr := term (('+' | '-') term)*
    fn expr(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.term()?;
        loop {
            self.skip_space();
            let op = match self.peek() {
                Some('+') => Op::Add,
                Some('-' | '\u{2212}') => Op::Sub,
                _ => return Ok(left),
            };
            let loc = self.loc(self.pos);
            self.pos += 1;
            let right = self.term()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right), loc);
        }
    }

    /// term := unary (('*' | '×' | '/' | '÷') unary)*
    fn term(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        loop {
            self.skip_space();
            let op = match self.peek() {
                Some('*' | '×') => Op::Mul,
                Some('/' | '÷') => Op::Div,
                _ => return Ok(left),
            };
            let loc = self.loc(self.pos);
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right), loc);
        }
    }

    /// unary := ('-' | '+') unary | atom
    fn unary(&mut self) -> Result<Expr, ExprError> {
        self.skip_space();
        match self.peek() {
            Some('-' | '\u{2212}') => {
                let loc = self.loc(self.pos);
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.unary()?), loc))
            }
            Some('+') => {
                self.pos += 1;
                self.unary()
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        self.skip_space();
        let start = self.pos;
        match self.peek() {
            None => Err(ExprError::new(self.loc(start), "the expression ends where a figure was expected")
                .hint("complete it, e.g. `a.x - b.y`")),
            Some('(') => {
                self.pos += 1;
                let inner = self.expr()?;
                self.skip_space();
                match self.peek() {
                    Some(')') => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    Some(c) => Err(self.unexpected(c, "`)`")),
                    None => {
                        Err(ExprError::new(self.loc(start), "this `(` is never closed")
                            .hint("add the `)` that closes it"))
                    }
                }
            }
            Some(c) if c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => self.name(),
            Some(c) => Err(self.unexpected(c, "a number, a `table.line` or `(`")),
        }
    }

    fn number(&mut self) -> Result<Expr, ExprError> {
        let start = self.pos;
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                text.push(c);
            } else if (c == ',' || c == '.')
                && !text.contains('.')
                && self.chars.get(self.pos + 1).is_some_and(char::is_ascii_digit)
            {
                text.push('.');
            } else {
                break;
            }
            self.pos += 1;
        }
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') {
            return Err(ExprError::new(self.loc(start), "an id in an expression starts with a letter or `_`")
                .hint("a table or line whose id starts with a digit cannot be named here; give it another id"));
        }
        text.parse::<Decimal>().map(Expr::Number).map_err(|_| {
            ExprError::new(self.loc(start), format!("the number `{text}` is too large to compute exactly"))
        })
    }

    fn ident(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek().filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
            s.push(c);
            self.pos += 1;
        }
        s
    }

    fn name(&mut self) -> Result<Expr, ExprError> {
        let start = self.pos;
        let first = self.ident();
        self.skip_space();
        if self.peek() == Some('(') {
            return self.call(&first, start);
        }
        let (table, row) = if self.peek() == Some('.') {
            self.pos += 1;
            let row = self.ident();
            if row.is_empty() {
                return Err(ExprError::new(self.loc(self.pos), format!("expected a line id after `{first}.`"))
                    .hint("for example `br.eget_kapital`"));
            }
            (Some(first), row)
        } else {
            (None, first)
        };
        if self.peek() == Some('.') {
            let line = format!("{}.{row}", table.as_deref().unwrap_or_default());
            let after: String = self.chars[self.pos + 1..].iter().take_while(|c| c.is_ascii_alphanumeric()).collect();
            return Err(ExprError::new(
                self.loc(start),
                format!(
                    "`{line}.{after}`: a column is written in brackets after the line, `{line}[\"{after}\"]`, not after a dot"
                ),
            ));
        }
        let column = if self.peek() == Some('[') {
            let open = self.pos;
            self.pos += 1;
            let mut c = String::new();
            loop {
                match self.peek() {
                    Some(']') => break,
                    Some(ch) => c.push(ch),
                    None => {
                        return Err(ExprError::new(self.loc(open), "this `[` is never closed")
                            .hint("a column is written `table.line[column]`"));
                    }
                }
                self.pos += 1;
            }
            self.pos += 1;
            let c = c.trim().trim_matches('"').trim_matches('\'').trim().to_owned();
            if c.is_empty() {
                return Err(ExprError::new(self.loc(open), "expected a column id in the brackets, found nothing"));
            }
            Some(c)
        } else {
            None
        };
        Ok(Expr::Ref(Ref { table, row, column, loc: self.loc(start) }))
    }

    fn call(&mut self, name: &str, start: usize) -> Result<Expr, ExprError> {
        let loc = self.loc(start);
        let Some(&(_, func)) = Func::NAMES.iter().find(|(n, _)| *n == name) else {
            return Err(ExprError::new(loc, format!("there is no function `{name}`"))
                .hint("the functions are round(x; n), abs(x), min(a; b) and max(a; b)"));
        };
        self.pos += 1; // the `(`
        let mut args = Vec::new();
        loop {
            args.push(self.expr()?);
            self.skip_space();
            match self.peek() {
                Some(';') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                Some(c) => return Err(self.unexpected(c, "`;` or `)`")),
                None => {
                    return Err(ExprError::new(loc, format!("the `(` of `{name}` is never closed"))
                        .hint("add the `)` that closes it"));
                }
            }
        }
        let arity_ok = match func {
            Func::Abs => args.len() == 1,
            Func::Round => args.len() == 2,
            Func::Min | Func::Max => args.len() >= 2,
        };
        if !arity_ok {
            let wanted = match func {
                Func::Abs => "one argument: `abs(x)`",
                Func::Round => "two arguments: `round(x; decimals)`",
                Func::Min | Func::Max => "two or more arguments separated by `;`",
            };
            return Err(ExprError::new(loc, format!("`{name}` takes {wanted}, found {}", args.len()))
                .hint("arguments are separated by `;` (a comma is a decimal comma)"));
        }
        Ok(Expr::Call(func, args, loc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;
    use std::str::FromStr;

    fn at() -> Location {
        Location::new("d.yaml", 3, 10)
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn eval_with(text: &str, figures: &HashMap<&str, Option<Decimal>>) -> Result<Option<Decimal>, ExprError> {
        let expr = parse(text, &at(), false)?;
        expr.eval(&mut |r| {
            let key = format!("{}.{}", r.table.as_deref().unwrap_or(""), r.row);
            Ok(figures.get(key.as_str()).copied().flatten())
        })
    }

    fn eval(text: &str) -> Result<Option<Decimal>, ExprError> {
        eval_with(text, &HashMap::new())
    }

    #[test]
    fn precedence_signs_and_both_decimal_marks() {
        assert_eq!(eval("1 + 2 * 3").unwrap(), Some(d("7")));
        assert_eq!(eval("(1 + 2) × 3").unwrap(), Some(d("9")));
        assert_eq!(eval("10 − 4 - 3").unwrap(), Some(d("3")));
        assert_eq!(eval("12 ÷ 4 / 3").unwrap(), Some(d("1")));
        assert_eq!(eval("-2 * -3").unwrap(), Some(d("6")));
        assert_eq!(eval("0,5 + 0.25").unwrap(), Some(d("0.75")));
        assert_eq!(eval("max(1; 3,5; 2) - min(4; -1)").unwrap(), Some(d("4.5")));
        assert_eq!(eval("abs(-2,25)").unwrap(), Some(d("2.25")));
    }

    /// Failed with `MidpointNearestEven` put in deliberately: 2 and -2 for 2,5 and -2,5.
    #[test]
    fn round_goes_half_away_from_zero() {
        assert_eq!(eval("round(2,5; 0)").unwrap(), Some(d("3")));
        assert_eq!(eval("round(-2,5; 0)").unwrap(), Some(d("-3")));
        assert_eq!(eval("round(0,125; 2)").unwrap(), Some(d("0.13")));
        assert_eq!(eval("round(1 / 3; 3)").unwrap(), Some(d("0.333")));
        let e = eval("round(2; 0,5)").unwrap_err();
        assert!(e.message.contains("whole number of decimals"), "{e:?}");
    }

    #[test]
    fn terms_across_tables_and_empty_cells() {
        let figures = HashMap::from([("br.ek", Some(d("397"))), ("br.summa", Some(d("1000"))), ("br.tom", None)]);
        assert_eq!(eval_with("br.ek / br.summa * 100", &figures).unwrap(), Some(d("39.7")));
        assert_eq!(eval_with("br.ek + br.tom", &figures).unwrap(), None);
        let expr = parse("br.ek[\"2013\"] - x[2012]", &at(), false).unwrap();
        let refs = expr.refs();
        assert_eq!(refs[0].column.as_deref(), Some("2013"));
        assert_eq!((refs[1].table.as_deref(), refs[1].row.as_str()), (None, "x"));
        assert_eq!(refs[1].loc.column, 10 + 16);
    }

    #[test]
    fn division_by_zero_and_overflow_are_errors_at_the_operator() {
        let e = eval("1 + 2 / (3 - 3)").unwrap_err();
        assert_eq!((e.message.as_str(), e.loc.column), ("division by zero", 10 + 6));
        let e = eval("79228162514264337593543950335 * 2").unwrap_err();
        assert!(e.message.contains("too large"), "{e:?}");
        assert_eq!(e.loc.column, 10 + 30);
    }

    #[test]
    fn mistakes_are_located_inside_the_string() {
        let cases = [
            ("round(x, 1)", 7, "expected `;` or `)`, found `,`"),
            ("a.b +", 5, "the expression ends where a figure was expected"),
            ("a.b ? c.d", 4, "expected an operator"),
            ("(a.b + 1", 0, "this `(` is never closed"),
            ("sqrt(4)", 0, "there is no function `sqrt`"),
            ("min(4)", 0, "`min` takes two or more arguments"),
            ("rr.res.2013", 0, "a column is written in brackets"),
            ("", 0, "expected an expression"),
        ];
        for (text, offset, message) in cases {
            // Quoted: the text starts one column after the quote.
            let e = parse(text, &at(), true).unwrap_err();
            assert!(e.message.contains(message), "{text}: {e:?}");
            assert_eq!(e.loc.column, 10 + 1 + offset, "{text}: {e:?}");
        }
    }

    // ------------------------------------------------ against a reference evaluation

    /// An expression as a tree, written out and evaluated independently.
    #[derive(Debug, Clone)]
    enum Tree {
        Num(Decimal),
        Var(usize),
        Neg(Box<Tree>),
        Bin(char, Box<Tree>, Box<Tree>),
        Round(Box<Tree>, u32),
        Abs(Box<Tree>),
        Min(Box<Tree>, Box<Tree>),
        Max(Box<Tree>, Box<Tree>),
    }

    fn precedence(t: &Tree) -> u8 {
        match t {
            Tree::Bin('+' | '-', ..) => 1,
            Tree::Bin(..) => 2,
            Tree::Neg(_) => 3,
            _ => 4,
        }
    }

    /// Written with as few parentheses as precedence allows, so that the
    /// parser's precedence and associativity are what is tested; numbers
    /// alternate between decimal comma and point.
    fn write(t: &Tree, out: &mut String) {
        let child = |c: &Tree, min: u8, out: &mut String| {
            if precedence(c) < min {
                out.push('(');
                write(c, out);
                out.push(')');
            } else {
                write(c, out);
            }
        };
        match t {
            Tree::Num(n) => {
                let s = n.to_string();
                out.push_str(&if n.scale() % 2 == 1 { s.replace('.', ",") } else { s });
            }
            Tree::Var(i) => out.push_str(&format!("t.v{i}")),
            Tree::Neg(e) => {
                out.push('-');
                child(e, 3, out);
            }
            Tree::Bin(op, a, b) => {
                let p = precedence(t);
                child(a, p, out);
                out.push_str(&format!(" {op} "));
                // The right side of - and / (and, to keep it simple, every
                // operator) needs parentheses at the same precedence.
                child(b, p + 1, out);
            }
            Tree::Round(e, n) => {
                out.push_str("round(");
                write(e, out);
                out.push_str(&format!("; {n})"));
            }
            Tree::Abs(e) => {
                out.push_str("abs(");
                write(e, out);
                out.push(')');
            }
            Tree::Min(a, b) | Tree::Max(a, b) => {
                out.push_str(if matches!(t, Tree::Min(..)) { "min(" } else { "max(" });
                write(a, out);
                out.push_str("; ");
                write(b, out);
                out.push(')');
            }
        }
    }

    /// Why the reference has no value: the evaluator must report an error
    /// (division by zero, overflow), or the case is beyond the reference's
    /// own rounding by hand and is skipped.
    #[derive(Debug)]
    enum NoValue {
        Error,
        Skip,
    }

    /// Rounding half away from zero done by hand: |x|·10ⁿ + ½, truncated.
    fn reference_round(x: Decimal, n: u32) -> Result<Decimal, NoValue> {
        let factor = Decimal::from(10i64.pow(n));
        let shifted = x.abs().checked_mul(factor).and_then(|v| v.checked_add(d("0.5"))).ok_or(NoValue::Skip)?;
        let rounded = shifted.trunc() / factor;
        Ok(if x.is_sign_negative() { -rounded } else { rounded })
    }

    fn reference(t: &Tree, vars: &[Decimal]) -> Result<Decimal, NoValue> {
        let exact = |v: Option<Decimal>| v.ok_or(NoValue::Error);
        Ok(match t {
            Tree::Num(n) => *n,
            Tree::Var(i) => vars[*i],
            Tree::Neg(e) => -reference(e, vars)?,
            Tree::Bin(op, a, b) => {
                let (a, b) = (reference(a, vars)?, reference(b, vars)?);
                match op {
                    '+' => exact(a.checked_add(b))?,
                    '-' => exact(a.checked_sub(b))?,
                    '*' => exact(a.checked_mul(b))?,
                    _ => exact(a.checked_div(b))?,
                }
            }
            Tree::Round(e, n) => reference_round(reference(e, vars)?, *n)?,
            Tree::Abs(e) => reference(e, vars)?.abs(),
            Tree::Min(a, b) => reference(a, vars)?.min(reference(b, vars)?),
            Tree::Max(a, b) => reference(a, vars)?.max(reference(b, vars)?),
        })
    }

    /// Numbers with up to 3 decimals, many of them ending in 5 so that
    /// rounding meets its midpoints.
    fn number() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0i64..2000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            (0i64..200, 1u32..4).prop_map(|(m, s)| Decimal::new(m * 10 + 5, s)),
        ]
    }

    fn tree() -> impl Strategy<Value = Tree> {
        let leaf = prop_oneof![number().prop_map(Tree::Num), (0usize..3).prop_map(Tree::Var)];
        leaf.prop_recursive(5, 40, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Tree::Neg(Box::new(e))),
                (prop::sample::select(vec!['+', '-', '*', '/']), inner.clone(), inner.clone())
                    .prop_map(|(op, a, b)| Tree::Bin(op, Box::new(a), Box::new(b))),
                (inner.clone(), 0u32..3).prop_map(|(e, n)| Tree::Round(Box::new(e), n)),
                inner.clone().prop_map(|e| Tree::Abs(Box::new(e))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Tree::Min(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| Tree::Max(Box::new(a), Box::new(b))),
            ]
        })
    }

    proptest! {
        /// Failed when `-` was deliberately parsed at the level of `*` (with
        /// round half to even at the same time, which `round_goes_half_away_from_zero` catches).
        #[test]
        fn matches_a_reference_evaluation(
            tree in tree(),
            vars in prop::collection::vec((-5000i64..5000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s)), 3),
        ) {
            let mut text = String::new();
            write(&tree, &mut text);
            let expr = parse(&text, &at(), false).map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
            let got = expr.eval(&mut |r| Ok(Some(vars[r.row[1..].parse::<usize>().unwrap()])));
            match reference(&tree, &vars) {
                Ok(want) => prop_assert_eq!(got, Ok(Some(want)), "{}", text),
                Err(NoValue::Error) => prop_assert!(got.is_err(), "{} gave {:?}", text, got),
                Err(NoValue::Skip) => {}
            }
        }
    }
}
