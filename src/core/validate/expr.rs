//! Cross-field checks: `left OP right`, each side a column, a number, or arithmetic of them
//! (`quantity * unit_price`). Column names with spaces go in backticks or double quotes.

use crate::core::error::{CoreError, Result};

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Column(String),
    Number(f64),
    Binary(Box<Operand>, char, Box<Operand>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub left: Operand,
    pub cmp: Cmp,
    pub right: Operand,
}

impl Operand {
    pub fn columns(&self, out: &mut Vec<String>) {
        match self {
            Operand::Column(c) if !out.contains(c) => out.push(c.clone()),
            Operand::Binary(a, _, b) => {
                a.columns(out);
                b.columns(out);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64),
    Op(char),
    Cmp(Cmp),
}

fn tokens(text: &str) -> Result<Vec<Tok>> {
    let bad = |m: String| CoreError::step(format!("cross-field check \"{text}\": {m}"));
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '`' || c == '"' {
            let end = chars[i + 1..].iter().position(|&d| d == c).ok_or_else(|| bad(format!("unclosed {c}")))?;
            out.push(Tok::Ident(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == 'e') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            out.push(Tok::Num(s.parse().map_err(|_| bad(format!("\"{s}\" is not a number")))?));
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let (tok, len) = match two.as_str() {
                "<=" => (Tok::Cmp(Cmp::Le), 2),
                ">=" => (Tok::Cmp(Cmp::Ge), 2),
                "==" => (Tok::Cmp(Cmp::Eq), 2),
                "!=" | "<>" => (Tok::Cmp(Cmp::Ne), 2),
                _ => match c {
                    '<' => (Tok::Cmp(Cmp::Lt), 1),
                    '>' => (Tok::Cmp(Cmp::Gt), 1),
                    '=' => (Tok::Cmp(Cmp::Eq), 1),
                    '+' | '-' | '*' | '/' => (Tok::Op(c), 1),
                    _ => return Err(bad(format!("unexpected \"{c}\""))),
                },
            };
            out.push(tok);
            i += len;
        }
    }
    Ok(out)
}

/// Parses `left OP right`; `*` and `/` bind tighter than `+` and `-`.
pub fn parse(text: &str) -> Result<Check> {
    let toks = tokens(text)?;
    let bad = |m: &str| CoreError::step(format!("cross-field check \"{text}\": {m}"));
    let at = toks.iter().position(|t| matches!(t, Tok::Cmp(_))).ok_or_else(|| bad("needs one of < <= > >= == !="))?;
    let Tok::Cmp(cmp) = toks[at] else { unreachable!() };
    let left = sum(&toks[..at]).ok_or_else(|| bad("the left side is not a column or arithmetic of columns"))?;
    let right = sum(&toks[at + 1..]).ok_or_else(|| bad("the right side is not a column or arithmetic of columns"))?;
    Ok(Check { left, cmp, right })
}

fn sum(toks: &[Tok]) -> Option<Operand> {
    let split = toks.iter().rposition(|t| matches!(t, Tok::Op('+') | Tok::Op('-')));
    if let Some(i) = split.filter(|&i| i > 0) {
        let Tok::Op(op) = toks[i] else { return None };
        return Some(Operand::Binary(Box::new(sum(&toks[..i])?), op, Box::new(product(&toks[i + 1..])?)));
    }
    product(toks)
}

fn product(toks: &[Tok]) -> Option<Operand> {
    let split = toks.iter().rposition(|t| matches!(t, Tok::Op('*') | Tok::Op('/')));
    if let Some(i) = split {
        let Tok::Op(op) = toks[i] else { return None };
        return Some(Operand::Binary(Box::new(product(&toks[..i])?), op, Box::new(atom(&toks[i + 1..])?)));
    }
    atom(toks)
}

fn atom(toks: &[Tok]) -> Option<Operand> {
    match toks {
        [Tok::Ident(s)] => Some(Operand::Column(s.clone())),
        [Tok::Num(n)] => Some(Operand::Number(*n)),
        [Tok::Op('-'), Tok::Num(n)] => Some(Operand::Number(-n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comparisons_and_arithmetic() {
        let c = parse("order_date >= signup_date").unwrap();
        assert_eq!(c.cmp, Cmp::Ge);
        assert_eq!(c.left, Operand::Column("order_date".into()));
        let c = parse("quantity * unit_price == `total amount` + 1").unwrap();
        let mut cols = Vec::new();
        c.left.columns(&mut cols);
        c.right.columns(&mut cols);
        assert_eq!(cols, ["quantity", "unit_price", "total amount"]);
        assert!(parse("a b").unwrap_err().to_string().contains("needs one of"));
        assert!(parse("a <= ").is_err());
    }
}
