//! Splits one line of a SIE file into its fields: words separated by spaces
//! or tabs, strings in double quotes (`\"` is a quote inside one), and object
//! lists in braces (`{1 "3" 6 "P12"}`).

/// One field of a line, with the 1-based character column it starts at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Text {
        text: String,
        column: usize,
    },
    /// An object list: its items in order (dimension, object, dimension, …).
    List {
        items: Vec<(String, usize)>,
        column: usize,
    },
}

impl Field {
    pub fn column(&self) -> usize {
        match self {
            Field::Text { column, .. } | Field::List { column, .. } => *column,
        }
    }
}

/// What is wrong with a line's syntax, and the 1-based column of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub column: usize,
    pub message: String,
}

/// The fields of `line`, or where its syntax breaks.
pub fn split(line: &str) -> Result<Vec<Field>, SyntaxError> {
    let chars: Vec<char> = line.chars().collect();
    let mut fields = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\t' {
            i += 1;
        } else if c == '{' {
            let column = i + 1;
            i += 1;
            let mut items = Vec::new();
            loop {
                while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                    i += 1;
                }
                match chars.get(i) {
                    None => {
                        return Err(SyntaxError {
                            column,
                            message: "the object list is not closed: expected `}` before the end of the line".into(),
                        });
                    }
                    Some('}') => {
                        i += 1;
                        break;
                    }
                    Some('{') => {
                        return Err(SyntaxError {
                            column: i + 1,
                            message: "expected an object or `}`, found `{` (object lists do not nest)".into(),
                        });
                    }
                    Some(_) => {
                        let start = i;
                        let (text, next) = word(&chars, i, true)?;
                        items.push((text, start + 1));
                        i = next;
                    }
                }
            }
            fields.push(Field::List { items, column });
        } else {
            let start = i;
            let (text, next) = word(&chars, i, false)?;
            fields.push(Field::Text { text, column: start + 1 });
            i = next;
        }
    }
    Ok(fields)
}

/// One word or quoted string starting at `i`, and the index after it.
fn word(chars: &[char], mut i: usize, in_list: bool) -> Result<(String, usize), SyntaxError> {
    let mut text = String::new();
    if chars[i] == '"' {
        let open = i;
        i += 1;
        loop {
            match chars.get(i) {
                None => {
                    return Err(SyntaxError {
                        column: open + 1,
                        message: "the string is not closed: expected `\"` before the end of the line".into(),
                    });
                }
                Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\')) => {
                    text.push(chars[i + 1]);
                    i += 2;
                }
                Some('"') => return Ok((text, i + 1)),
                Some(&c) => {
                    text.push(c);
                    i += 1;
                }
            }
        }
    }
    while let Some(&c) = chars.get(i) {
        if c == ' ' || c == '\t' || (in_list && (c == '}' || c == '{')) {
            break;
        }
        text.push(c);
        i += 1;
    }
    Ok((text, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str, column: usize) -> Field {
        Field::Text { text: t.into(), column }
    }

    #[test]
    fn words_strings_and_escapes() {
        assert_eq!(
            split("#KONTO\t1930  \"Bank \\\"Nord\\\" \\\\ C:\\x\"").unwrap(),
            vec![text("#KONTO", 1), text("1930", 8), text("Bank \"Nord\" \\ C:\\x", 14)]
        );
        assert_eq!(split("#FNAMN \"\"").unwrap(), vec![text("#FNAMN", 1), text("", 8)]);
    }

    #[test]
    fn object_lists_keep_their_items_and_columns() {
        assert_eq!(
            split("#TRANS 3010 {1 \"3\" 6 \"P 12\"} -100.50").unwrap(),
            vec![
                text("#TRANS", 1),
                text("3010", 8),
                Field::List {
                    items: vec![("1".into(), 14), ("3".into(), 16), ("6".into(), 20), ("P 12".into(), 22)],
                    column: 13
                },
                text("-100.50", 30),
            ]
        );
        assert_eq!(split("#TRANS 1 {} 5").unwrap()[2], Field::List { items: vec![], column: 10 });
        assert_eq!(split("#TRANS 1 {1 7}5").unwrap()[3], text("5", 15));
    }

    #[test]
    fn broken_syntax_is_located() {
        assert_eq!(split("#FNAMN \"Kommunen").unwrap_err().column, 8);
        assert_eq!(split("#TRANS 1 {1 \"7\" 5").unwrap_err().column, 10);
        assert_eq!(split("#TRANS 1 {1 {7}}").unwrap_err().column, 13);
    }
}
