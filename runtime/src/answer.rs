//! Helpers for decoding platform answers: progress values, envelopes, ids that may be numbers,
//! and the mapping between output kinds and error families.

use serde::Deserialize as _;
use serde_json::Value;

use crate::{Family, Kind};

/// The error family of a model kind.
pub(crate) fn family_of(kind: Kind) -> Family {
    match kind {
        Kind::Video => Family::Video,
        Kind::Image => Family::Image,
        Kind::Audio => Family::Tts,
    }
}

/// The output kind of an error family.
pub(crate) fn kind_of(family: Family) -> Kind {
    match family {
        Family::Video => Kind::Video,
        Family::Image => Kind::Image,
        Family::Tts => Kind::Audio,
    }
}

/// A number, or a string holding one with an optional `%`: the number and whether `%` was written.
fn number_in(value: &Value) -> Option<(f64, bool)> {
    let (n, percent) = match value {
        Value::Number(n) => (n.as_f64()?, false),
        Value::String(s) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(p) => (p.trim().parse::<f64>().ok()?, true),
                None => (s.parse::<f64>().ok()?, false),
            }
        }
        _ => return None,
    };
    n.is_finite().then_some((n, percent))
}

/// A progress value as a fraction from 0.0 to 1.0: `"37%"` is 0.37, a bare number up to 1.0 is
/// a fraction and above it a percent.
pub(crate) fn parse_progress(value: &Value) -> Option<f64> {
    let (n, percent) = number_in(value)?;
    let fraction = if percent || n > 1.0 { n / 100.0 } else { n };
    Some(fraction.clamp(0.0, 1.0))
}

/// A progress value that is a percent whether or not it says so (`"37%"`, `37`, `"37"`).
pub(crate) fn parse_percent(value: &Value) -> Option<f64> {
    number_in(value).map(|(n, _)| n)
}

/// A platform answer wrapped as `{code, message, data: {...}}`: the inner object when it is the
/// job (has `id_key` or `status`) and the outer one is not.
pub(crate) fn unwrap_envelope(value: Value, id_key: &str) -> Value {
    let is_job = |m: &serde_json::Map<String, Value>| m.contains_key(id_key) || m.contains_key("status");
    match value {
        Value::Object(mut outer) if !is_job(&outer) => match outer.remove("data") {
            Some(Value::Object(inner)) if is_job(&inner) => Value::Object(inner),
            Some(data) => {
                outer.insert("data".into(), data);
                Value::Object(outer)
            }
            None => Value::Object(outer),
        },
        other => other,
    }
}

/// A string or a number as a string (ids).
pub(crate) fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected a string id, got {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn progress_values() {
        for (v, want) in [
            (json!("0%"), Some(0.0)),
            (json!("37%"), Some(0.37)),
            (json!(" 100 % "), Some(1.0)),
            (json!(0.5), Some(0.5)),
            (json!(1), Some(1.0)),
            (json!(50), Some(0.5)),
            (json!("150%"), Some(1.0)),
            (json!(""), None),
            (json!(null), None),
        ] {
            assert_eq!(parse_progress(&v), want, "{v}");
        }
        assert_eq!(parse_percent(&json!("37%")), Some(37.0));
        assert_eq!(parse_percent(&json!(1)), Some(1.0));
        assert_eq!(parse_percent(&json!("0.5")), Some(0.5));
    }

    #[test]
    fn envelopes() {
        let inner = json!({"task_id": "t", "status": "QUEUED"});
        assert_eq!(unwrap_envelope(json!({"code": "success", "data": inner.clone()}), "task_id"), inner);
        // A job whose `data` holds its outputs is not an envelope.
        let job = json!({"task_id": "t", "status": "SUCCESS", "data": {"output": "https://x/y.mp4"}});
        assert_eq!(unwrap_envelope(job.clone(), "task_id"), job);
        let failed = json!({"code": "fail", "message": "no", "data": null});
        assert_eq!(unwrap_envelope(failed.clone(), "task_id"), failed);
    }
}
