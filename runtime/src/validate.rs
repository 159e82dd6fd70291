//! Checks of the schema constraints that the Rust types alone cannot express.
//!
//! codegen turns every `minimum`, `maxLength`, `pattern`, `maxItems`, `const`, ... of a model's
//! schema into a [`Rule`] table; [`check`] runs that table over the input serialized to JSON, so
//! the rules address fields by their wire names, exactly as the schema does.

use serde_json::Value;

use crate::Error;

/// One constraint of the schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Check {
    /// The property must be present.
    Required,
    /// `minimum`
    Minimum(f64),
    /// `exclusiveMinimum`
    ExclusiveMinimum(f64),
    /// `maximum`
    Maximum(f64),
    /// `exclusiveMaximum`
    ExclusiveMaximum(f64),
    /// `multipleOf`
    MultipleOf(f64),
    /// `minLength` (in characters)
    MinLength(u64),
    /// `maxLength` (in characters)
    MaxLength(u64),
    /// `pattern` (ECMA 262 regular expression)
    Pattern(&'static str),
    /// `minItems`
    MinItems(u64),
    /// `maxItems`
    MaxItems(u64),
    /// `uniqueItems`
    UniqueItems,
    /// `const`, as JSON text
    Const(&'static str),
    /// `enum`, each value as JSON text
    Enum(&'static [&'static str]),
    /// `format: uri`: an absolute URI (`scheme:...`).
    Uri,
    /// A media field: an `http(s)` URL or a `data:` URI, or a local file given as a
    /// [`crate::MediaInput`] file (which is uploaded instead).
    MediaUrl,
}

/// A constraint at a place in the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Wire names separated by `/`; `*` stands for every item of an array.
    pub path: &'static str,
    /// Only check when the property named here (at the root) has this JSON value: the
    /// discriminator of a tagged `oneOf` variant.
    pub when: Option<(&'static str, &'static str)>,
    /// The constraint.
    pub check: Check,
}

/// The request body of `input` checked against `rules`: serialized once, for the checks and
/// for sending.
pub fn body<T: serde::Serialize + ?Sized>(input: &T, rules: &[Rule]) -> Result<Value, Error> {
    let value = serde_json::to_value(input).map_err(|e| Error::Encode { message: e.to_string() })?;
    check(&value, rules)?;
    Ok(value)
}

/// Check `value` against `rules`; the first violation (in table order) is returned.
pub fn check(value: &Value, rules: &[Rule]) -> Result<(), Error> {
    for rule in rules {
        if let Some((prop, expected)) = rule.when {
            let matches = value
                .get(prop)
                .zip(serde_json::from_str::<Value>(expected).ok())
                .is_some_and(|(have, want)| *have == want);
            if !matches {
                continue;
            }
        }
        let segments: Vec<&str> = rule.path.split('/').collect();
        walk(value, &segments, String::new(), rule)?;
    }
    Ok(())
}

fn walk(value: &Value, segments: &[&str], at: String, rule: &Rule) -> Result<(), Error> {
    match segments.split_first() {
        None => apply(value, &at, rule.check),
        Some((&"*", rest)) => {
            if let Value::Array(items) = value {
                for (i, item) in items.iter().enumerate() {
                    walk(item, rest, format!("{at}[{i}]"), rule)?;
                }
            }
            Ok(())
        }
        Some((name, rest)) => {
            let here = if at.is_empty() { (*name).to_string() } else { format!("{at}.{name}") };
            match value.get(*name) {
                // An explicit null is "not set" for every rule but `required` of a non-nullable field,
                // which the types already guarantee.
                Some(Value::Null) => Ok(()),
                Some(v) => walk(v, rest, here, rule),
                None if rest.is_empty() && rule.check == Check::Required && value.is_object() => {
                    Err(Error::validation(here, "required", "is required"))
                }
                None => Ok(()),
            }
        }
    }
}

fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn apply(value: &Value, at: &str, check: Check) -> Result<(), Error> {
    let fail = |rule: &'static str, message: String| Err(Error::validation(at, rule, message));
    // A local file given for a URL field is not a string on the wire: string rules do not apply.
    if crate::media::is_file_marker(value) {
        return Ok(());
    }
    match check {
        Check::Required => Ok(()),
        Check::Minimum(min) => match value.as_f64() {
            Some(x) if x < min => fail("minimum", format!("{} is below the minimum {}", show(x), show(min))),
            _ => Ok(()),
        },
        Check::ExclusiveMinimum(min) => match value.as_f64() {
            Some(x) if x <= min => fail("exclusiveMinimum", format!("{} must be above {}", show(x), show(min))),
            _ => Ok(()),
        },
        Check::Maximum(max) => match value.as_f64() {
            Some(x) if x > max => fail("maximum", format!("{} is above the maximum {}", show(x), show(max))),
            _ => Ok(()),
        },
        Check::ExclusiveMaximum(max) => match value.as_f64() {
            Some(x) if x >= max => fail("exclusiveMaximum", format!("{} must be below {}", show(x), show(max))),
            _ => Ok(()),
        },
        Check::MultipleOf(step) => match value.as_f64() {
            Some(x) if step > 0.0 && ((x / step).round() * step - x).abs() > 1e-9 * step.max(1.0) => {
                fail("multipleOf", format!("{} is not a multiple of {}", show(x), show(step)))
            }
            _ => Ok(()),
        },
        Check::MinLength(min) => match value.as_str() {
            Some(s) if (s.chars().count() as u64) < min => {
                fail("minLength", format!("length {} is below the minimum length {min}", s.chars().count()))
            }
            _ => Ok(()),
        },
        Check::MaxLength(max) => match value.as_str() {
            Some(s) if (s.chars().count() as u64) > max => {
                fail("maxLength", format!("length {} is above the maximum length {max}", s.chars().count()))
            }
            _ => Ok(()),
        },
        Check::Pattern(pattern) => match value.as_str() {
            Some(s) => match regress::Regex::new(pattern) {
                Ok(re) if re.find(s).is_none() => {
                    fail("pattern", format!("{s:?} does not match the pattern {pattern}"))
                }
                _ => Ok(()),
            },
            None => Ok(()),
        },
        Check::MinItems(min) => match value.as_array() {
            Some(a) if (a.len() as u64) < min => {
                fail("minItems", format!("{} items is below the minimum of {min} items", a.len()))
            }
            _ => Ok(()),
        },
        Check::MaxItems(max) => match value.as_array() {
            Some(a) if (a.len() as u64) > max => {
                fail("maxItems", format!("{} items is above the maximum of {max} items", a.len()))
            }
            _ => Ok(()),
        },
        Check::UniqueItems => match value.as_array() {
            Some(a) if a.iter().enumerate().any(|(i, x)| a[..i].contains(x)) => {
                fail("uniqueItems", "items are not unique".to_string())
            }
            _ => Ok(()),
        },
        Check::Const(expected) => match serde_json::from_str::<Value>(expected) {
            Ok(want) if !same(value, &want) => fail("const", format!("{value} is not the constant {want}")),
            _ => Ok(()),
        },
        Check::Uri => match value.as_str() {
            Some(s) if !is_absolute_uri(s) => fail("format", format!("{s:?} is not a URI (scheme:...)")),
            _ => Ok(()),
        },
        Check::MediaUrl => match value.as_str() {
            Some(s) if !is_media_url(s) => fail(
                "format",
                format!(
                    "{s:?} is not an http(s) URL or a data: URI; for a local file use MediaInput::path({s:?}) \
                     (CLI: --file PARAM=PATH)"
                ),
            ),
            _ => Ok(()),
        },
        Check::Enum(allowed) => {
            let ok = allowed.iter().filter_map(|a| serde_json::from_str::<Value>(a).ok()).any(|a| same(value, &a));
            if ok {
                Ok(())
            } else {
                fail("enum", format!("{value} is not one of {}", allowed.join(", ")))
            }
        }
    }
}

/// `scheme:rest` with an RFC 3986 scheme and something after it.
fn is_absolute_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// An `http(s)://host...` URL or a `data:` URI: what a platform can fetch media from.
fn is_media_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    if lower.starts_with("data:") {
        return s.contains(',');
    }
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.chars().any(char::is_whitespace)
}

/// JSON equality where numbers compare by value (`1` and `1.0` are the same number).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const RULES: &[Rule] = &[
        Rule { path: "first_frame_url", when: None, check: Check::MediaUrl },
        Rule { path: "image_urls/*", when: None, check: Check::MediaUrl },
        Rule { path: "webhook", when: None, check: Check::Uri },
    ];

    #[test]
    fn media_fields_take_urls_or_files_and_say_how_to_give_a_file() {
        for ok in [
            json!({"first_frame_url": "https://cdn.example.com/a.png"}),
            json!({"first_frame_url": "HTTP://cdn/a.png?x=1"}),
            json!({"first_frame_url": "data:image/png;base64,AAAA"}),
            json!({"first_frame_url": {"$mediagen_file": {"path": "frame.png"}}}),
            json!({"image_urls": ["https://a/b.png", {"$mediagen_file": {"path": "x.png"}}]}),
            json!({"webhook": "s3://bucket/key"}),
        ] {
            check(&ok, RULES).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        let err = check(&json!({"first_frame_url": "frame.png"}), RULES).unwrap_err();
        assert_eq!(
            err.to_string(),
            "first_frame_url: \"frame.png\" is not an http(s) URL or a data: URI; for a local file use \
             MediaInput::path(\"frame.png\") (CLI: --file PARAM=PATH)"
        );
        for bad in ["not-a-url", "https://", "ftp://x/y.png", "https://a b/c.png", "data:nothing"] {
            assert!(check(&json!({"image_urls": [bad]}), RULES).is_err(), "{bad}");
        }
        assert!(check(&json!({"webhook": "not a uri"}), RULES).is_err());
        assert!(check(&json!({"webhook": "relative/path"}), RULES).is_err());
    }
}
