//! The part of Prometheus's alert templating that rule files actually use.
//!
//! `{{ $labels.job }}`, `{{ .Labels.job }}`, `{{ index $labels "job" }}`, `{{ $value }}`,
//! `{{ .Value }}`, string literals, pipes into `humanize`, `humanize1024`,
//! `humanizePercentage`, `humanizeDuration`, `toUpper`, `toLower`, `title` and `printf` with one
//! verb. Numbers print as Go prints them, so a watch rule's text reads like the same rule's
//! text in Prometheus. Anything else is refused when the file is checked, with Go's message.

mod go_format;

pub use go_format::{go_float, humanize};

use crate::alert::LabelSet;
use go_format::{go_g, humanize_1024, humanize_duration};

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Action { head: Head, funcs: Vec<Func> },
}

#[derive(Debug, Clone, PartialEq)]
enum Head {
    Label(String),
    Value,
    Literal(String),
    /// `printf "fmt" arg`.
    Printf(String, Box<Head>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Func {
    Humanize,
    Humanize1024,
    HumanizePercentage,
    HumanizeDuration,
    ToUpper,
    ToLower,
    Title,
}

#[derive(Debug, Clone, PartialEq)]
enum Printed {
    Number(f64),
    Text(String),
}

impl Printed {
    fn into_text(self) -> String {
        match self {
            Self::Number(v) => go_float(v),
            Self::Text(text) => text,
        }
    }

    fn as_number(&self) -> Result<f64, String> {
        match self {
            Self::Number(v) => Ok(*v),
            Self::Text(text) => text
                .trim()
                .parse()
                .map_err(|_| format!("can't convert {text:?} to float")),
        }
    }
}

impl Template {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            let mut literal = &rest[..open];
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| "unclosed action".to_owned())?;
            let mut action = &after[..close];
            // `{{-` and `-}}` trim the surrounding spaces.
            if let Some(trimmed) = action.strip_prefix('-') {
                action = trimmed;
                literal = literal.trim_end();
            }
            let mut trim_next = false;
            if let Some(trimmed) = action.strip_suffix('-') {
                action = trimmed;
                trim_next = true;
            }
            if !literal.is_empty() {
                parts.push(Part::Text(literal.to_owned()));
            }
            parts.push(parse_action(action.trim())?);
            rest = &after[close + 2..];
            if trim_next {
                rest = rest.trim_start();
            }
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    pub fn render(&self, labels: &LabelSet, value: f64) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Action { head, funcs } => {
                    let mut printed = eval_head(head, labels, value)?;
                    for func in funcs {
                        printed = apply(*func, printed)?;
                    }
                    out.push_str(&printed.into_text());
                }
            }
        }
        Ok(out)
    }
}

fn parse_action(action: &str) -> Result<Part, String> {
    let mut stages = split_pipes(action).into_iter();
    let first = stages.next().unwrap_or_default();
    let mut head = parse_head(first.trim())?;
    let mut funcs = Vec::new();
    for stage in stages {
        let stage = stage.trim();
        if let Some(format) = stage.strip_prefix("printf ") {
            // `x | printf "%.2f"`: the piped value is the last argument.
            head = Head::Printf(string_literal(format.trim())?, Box::new(head));
            if !funcs.is_empty() {
                return Err("printf after another function is not supported".into());
            }
            continue;
        }
        funcs.push(parse_func(stage)?);
    }
    Ok(Part::Action { head, funcs })
}

/// Splits on `|` outside string literals.
fn split_pipes(action: &str) -> Vec<&str> {
    let mut stages = Vec::new();
    let mut start = 0;
    let mut in_string = false;
    for (at, c) in action.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '|' if !in_string => {
                stages.push(&action[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    stages.push(&action[start..]);
    stages
}

fn parse_head(text: &str) -> Result<Head, String> {
    if text == "$value" || text == ".Value" {
        return Ok(Head::Value);
    }
    if let Some(name) = text
        .strip_prefix("$labels.")
        .or_else(|| text.strip_prefix(".Labels."))
    {
        return Ok(Head::Label(name.to_owned()));
    }
    if let Some(args) = text.strip_prefix("index ") {
        let args = args.trim();
        let name = args
            .strip_prefix("$labels")
            .or_else(|| args.strip_prefix(".Labels"))
            .ok_or_else(|| format!("unsupported index expression: {text}"))?;
        return Ok(Head::Label(string_literal(name.trim())?));
    }
    if let Some(args) = text.strip_prefix("printf ") {
        let args = args.trim();
        let end =
            closing_quote(args).ok_or_else(|| format!("printf needs a quoted format: {text}"))?;
        let format = string_literal(&args[..=end])?;
        let arg = parse_head(args[end + 1..].trim())?;
        return Ok(Head::Printf(format, Box::new(arg)));
    }
    if text.starts_with('"') {
        return Ok(Head::Literal(string_literal(text)?));
    }
    if let Some(variable) = text.strip_prefix('$') {
        return Err(format!("undefined variable \"${variable}\""));
    }
    if text.is_empty() {
        return Err("missing value for command".into());
    }
    Err(format!("function {text:?} not defined"))
}

fn closing_quote(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut escaped = false;
    for (at, c) in chars {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(at),
            _ => escaped = false,
        }
    }
    None
}

fn string_literal(text: &str) -> Result<String, String> {
    serde_json::from_str::<String>(text).map_err(|_| format!("bad string literal {text}"))
}

fn parse_func(name: &str) -> Result<Func, String> {
    Ok(match name {
        "humanize" => Func::Humanize,
        "humanize1024" => Func::Humanize1024,
        "humanizePercentage" => Func::HumanizePercentage,
        "humanizeDuration" => Func::HumanizeDuration,
        "toUpper" => Func::ToUpper,
        "toLower" => Func::ToLower,
        "title" => Func::Title,
        other => return Err(format!("function {other:?} not defined")),
    })
}

fn eval_head(head: &Head, labels: &LabelSet, value: f64) -> Result<Printed, String> {
    Ok(match head {
        // A missing label prints as nothing, as Prometheus's `<no value>` is rarely wanted and
        // Alertmanager templates do the same.
        Head::Label(name) => Printed::Text(labels.get(name).cloned().unwrap_or_default()),
        Head::Value => Printed::Number(value),
        Head::Literal(text) => Printed::Text(text.clone()),
        Head::Printf(format, arg) => Printed::Text(printf(format, eval_head(arg, labels, value)?)?),
    })
}

fn apply(func: Func, input: Printed) -> Result<Printed, String> {
    Ok(Printed::Text(match func {
        Func::Humanize => humanize(input.as_number()?),
        Func::Humanize1024 => humanize_1024(input.as_number()?),
        Func::HumanizePercentage => format!("{}%", go_g(input.as_number()? * 100.0, 4)),
        Func::HumanizeDuration => humanize_duration(input.as_number()?),
        Func::ToUpper => input.into_text().to_uppercase(),
        Func::ToLower => input.into_text().to_lowercase(),
        Func::Title => title(&input.into_text()),
    }))
}

fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// One verb (`%s`, `%v`, `%d`, `%f`, `%.2f`, `%g`), plus `%%`.
fn printf(format: &str, arg: Printed) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = format;
    let mut arg = Some(arg);
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let spec = &rest[at + 1..];
        if let Some(after) = spec.strip_prefix('%') {
            out.push('%');
            rest = after;
            continue;
        }
        let verb_at = spec
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| format!("bad printf format {format:?}"))?;
        let precision: Option<usize> = spec[..verb_at]
            .strip_prefix('.')
            .map(|p| {
                p.parse()
                    .map_err(|_| format!("bad printf format {format:?}"))
            })
            .transpose()?;
        let value = arg
            .take()
            .ok_or_else(|| format!("printf {format:?}: missing argument"))?;
        let text = match (&spec[verb_at..verb_at + 1], precision) {
            ("s" | "v", _) => value.into_text(),
            ("d", _) => format!("{}", value.as_number()?.trunc()),
            ("f", precision) => format!("{:.*}", precision.unwrap_or(6), value.as_number()?),
            ("g", Some(precision)) => go_g(value.as_number()?, precision.max(1)),
            ("g", None) => go_float(value.as_number()?),
            (verb, _) => return Err(format!("printf verb %{verb} is not supported")),
        };
        out.push_str(&text);
        rest = &spec[verb_at + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::tests::labels;

    fn render(template: &str, value: f64) -> String {
        Template::parse(template)
            .unwrap()
            .render(
                &labels(&[("job", "api"), ("instance", "127.0.0.1:8000")]),
                value,
            )
            .unwrap()
    }

    #[test]
    fn labels_and_values_render_like_prometheus() {
        assert_eq!(
            render("監視対象がダウンしています: {{ $labels.job }}", 0.0),
            "監視対象がダウンしています: api"
        );
        assert_eq!(
            render("{{.Labels.instance}} = {{ .Value }}", 0.25),
            "127.0.0.1:8000 = 0.25"
        );
        assert_eq!(render(r#"{{ index $labels "job" }}"#, 1.0), "api");
        assert_eq!(render("{{ $labels.missing }}", 1.0), "");
        assert_eq!(render("{{ $value }}", 1e-7), "1e-07");
        assert_eq!(render("{{ $value }}", 12345678.0), "1.2345678e+07");
        assert_eq!(render("{{ $value }}", 123456.0), "123456");
        assert_eq!(render("a {{- \" b \" -}} c", 0.0), "a b c");
    }

    #[test]
    fn humanize_functions_match_prometheus() {
        // Expected values from Prometheus's template tests.
        assert_eq!(humanize(0.0), "0");
        assert_eq!(humanize(1.0), "1");
        assert_eq!(humanize(1234567.0), "1.235M");
        assert_eq!(humanize(12.5), "12.5");
        assert_eq!(humanize(0.001), "1m");
        assert_eq!(humanize(1e-9), "1n");
        assert_eq!(render("{{ $value | humanize }}", 1_500_000.0), "1.5M");
        assert_eq!(
            render("{{ $value | humanizePercentage }}", 0.0512345),
            "5.123%"
        );
        assert_eq!(render("{{ $value | humanizePercentage }}", 0.1), "10%");
        assert_eq!(render("{{ $value | humanize1024 }}", 1024.0), "1ki");
        assert_eq!(
            render("{{ $value | humanizeDuration }}", 3661.0),
            "1h 1m 1s"
        );
        assert_eq!(
            render("{{ $value | humanizeDuration }}", 90061.0),
            "1d 1h 1m 1s"
        );
        assert_eq!(render("{{ $value | humanizeDuration }}", 1.5), "1.5s");
        assert_eq!(render("{{ $value | humanizeDuration }}", 0.0015), "1.5ms");
        assert_eq!(render(r#"{{ printf "%.2f" $value }}"#, 0.12345), "0.12");
        assert_eq!(render(r#"{{ $value | printf "%.1f%%" }}"#, 99.44), "99.4%");
        assert_eq!(render("{{ $labels.job | toUpper }}", 0.0), "API");
    }

    #[test]
    fn unsupported_templates_are_refused_with_gos_words() {
        assert_eq!(
            Template::parse("{{ $value | frobnicate }}").unwrap_err(),
            r#"function "frobnicate" not defined"#
        );
        assert_eq!(
            Template::parse("{{ $valeu }}").unwrap_err(),
            r#"undefined variable "$valeu""#
        );
        assert_eq!(
            Template::parse("{{ $value ").unwrap_err(),
            "unclosed action"
        );
    }
}
