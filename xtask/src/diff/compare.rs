//! The walk over two revisions of one model's input schema, in step, emitting [`Change`]s.
//!
//! Each pair of locations is compared once (a visited set keyed by both JSON pointers), so
//! recursive schemas end; a definition reached from two places reports its changes once.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::kind::Kind;
use super::view::View;

/// Which revision a pointer points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Old,
    New,
}

/// One change, located in the NEW document where the changed thing exists, else in the OLD one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub side: Side,
    pub pointer: String,
    pub kind: Kind,
    /// `15 -> 10`, `"9:16"`, `duration`.
    pub detail: String,
    /// Whether the field is required in the new schema (the Rust verdict of nullability uses it).
    pub required: bool,
}

/// Compare two input schemas: `old_doc` at `old_pointer` against `new_doc` at `new_pointer`.
pub fn compare(old_doc: &Value, old_pointer: &str, new_doc: &Value, new_pointer: &str) -> Vec<Change> {
    let mut walk = Walk { old: old_doc, new: new_doc, visited: HashSet::new(), changes: Vec::new() };
    walk.schema(old_pointer, new_pointer, true);
    let mut seen = HashSet::new();
    walk.changes.retain(|c| seen.insert((c.side, c.pointer.clone(), c.kind, c.detail.clone())));
    walk.changes
}

struct Walk<'a> {
    old: &'a Value,
    new: &'a Value,
    visited: HashSet<(String, String)>,
    changes: Vec<Change>,
}

/// A value as the report shows it: strings quoted, `none` when absent.
fn show(v: Option<&Value>) -> String {
    v.map(Value::to_string).unwrap_or_else(|| "none".into())
}

fn number(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

/// Lower or upper bounds, and which kinds tighten and loosen them.
const BOUNDS: &[(&str, bool, Kind, Kind)] = &[
    ("minimum", true, Kind::BoundTightened, Kind::BoundLoosened),
    ("exclusiveMinimum", true, Kind::BoundTightened, Kind::BoundLoosened),
    ("maximum", false, Kind::BoundTightened, Kind::BoundLoosened),
    ("exclusiveMaximum", false, Kind::BoundTightened, Kind::BoundLoosened),
    ("minLength", true, Kind::LengthTightened, Kind::LengthLoosened),
    ("maxLength", false, Kind::LengthTightened, Kind::LengthLoosened),
    ("minItems", true, Kind::ItemsTightened, Kind::ItemsLoosened),
    ("maxItems", false, Kind::ItemsTightened, Kind::ItemsLoosened),
];

impl<'a> Walk<'a> {
    fn push(&mut self, side: Side, pointer: String, kind: Kind, detail: String, required: bool) {
        self.changes.push(Change { side, pointer, kind, detail, required });
    }

    /// Where a keyword is reported: in the new view if it is there, else in the old one.
    fn locate(o: &View, n: &View, keyword: &str) -> (Side, String) {
        match (n.get(keyword), o.get(keyword)) {
            (Some((_, p)), _) => (Side::New, p),
            (None, Some((_, p))) => (Side::Old, p),
            (None, None) => (Side::New, String::new()),
        }
    }

    fn schema(&mut self, old_pointer: &str, new_pointer: &str, required: bool) {
        if !self.visited.insert((old_pointer.to_string(), new_pointer.to_string())) {
            return;
        }
        let (o, n) = (View::of(self.old, old_pointer), View::of(self.new, new_pointer));
        let (om, nm) = (o.union_members(), n.union_members());
        if om.is_empty() != nm.is_empty() {
            // A union on one side only: the other side's schema is its one member, so a union
            // cut down to one type reports the members removed, and nothing about the rest.
            let om = if om.is_empty() { vec![(old_pointer.to_string(), o.own_key())] } else { om };
            let nm = if nm.is_empty() { vec![(new_pointer.to_string(), n.own_key())] } else { nm };
            return self.unions(om, nm, required);
        }
        self.types(&o, &n, new_pointer, required);
        self.values(&o, &n, required);
        self.bounds(&o, &n, required);
        self.annotations(&o, &n, required);
        self.properties(&o, &n);
        if let (Some((_, op)), Some((_, np))) = (o.get("items"), n.get("items")) {
            self.schema(&op, &np, false);
        }
        if let (Some((Value::Object(_), op)), Some((Value::Object(_), np))) =
            (o.get("additionalProperties"), n.get("additionalProperties"))
        {
            self.schema(&op, &np, false);
        }
        self.unions(om, nm, required);
    }

    fn types(&mut self, o: &View, n: &View, new_pointer: &str, required: bool) {
        let (ot, nt) = (o.types(), n.types());
        if ot != nt {
            let widened = nt.is_empty()
                || (!ot.is_empty() && ot.iter().all(|t| nt.contains(t) || (t == "integer" && nt.contains("number"))));
            let kind = if widened { Kind::TypeWidened } else { Kind::TypeChanged };
            let names = |s: &std::collections::BTreeSet<String>| {
                if s.is_empty() {
                    "any".to_string()
                } else {
                    s.iter().cloned().collect::<Vec<_>>().join("|")
                }
            };
            let (side, pointer) = match Self::locate(o, n, "type") {
                (_, p) if p.is_empty() => (Side::New, new_pointer.to_string()),
                other => other,
            };
            self.push(side, pointer, kind, format!("{} -> {}", names(&ot), names(&nt)), required);
        }
        match (o.nullable, n.nullable) {
            (false, true) => {
                self.push(Side::New, new_pointer.to_string(), Kind::BecameNullable, String::new(), required)
            }
            (true, false) => {
                self.push(Side::New, new_pointer.to_string(), Kind::NoLongerNullable, String::new(), required)
            }
            _ => {}
        }
    }

    /// `enum` and `const`.
    fn values(&mut self, o: &View, n: &View, required: bool) {
        match (o.get("enum"), n.get("enum")) {
            // A one-value enum is a constant (codegen fills it in): its change is a const change.
            (Some((Value::Array(ov), _)), Some((Value::Array(nv), np)))
                if ov.len() == 1 && nv.len() == 1 && ov != nv =>
            {
                self.push(Side::New, np, Kind::ConstChanged, format!("{} -> {}", ov[0], nv[0]), required);
            }
            (Some((Value::Array(ov), _)), Some((Value::Array(nv), _))) if ov.len() == 1 && nv.len() == 1 => {}
            (Some((Value::Array(ov), op)), Some((Value::Array(nv), np))) => {
                for (i, v) in ov.iter().enumerate().filter(|(_, v)| !nv.contains(v)) {
                    self.push(Side::Old, format!("{op}/{i}"), Kind::EnumValueRemoved, v.to_string(), required);
                }
                for (i, v) in nv.iter().enumerate().filter(|(_, v)| !ov.contains(v)) {
                    self.push(Side::New, format!("{np}/{i}"), Kind::EnumValueAdded, v.to_string(), required);
                }
            }
            (None, Some((v, np))) => self.push(Side::New, np, Kind::EnumAdded, v.to_string(), required),
            (Some((v, op)), None) => self.push(Side::Old, op, Kind::EnumRemoved, v.to_string(), required),
            _ => {}
        }
        let (ov, nv) = (o.get("const").map(|(v, _)| v), n.get("const").map(|(v, _)| v));
        if ov != nv {
            let kind = match (ov, nv) {
                (None, _) => Kind::ConstAdded,
                (_, None) => Kind::ConstRemoved,
                _ => Kind::ConstChanged,
            };
            let (side, pointer) = Self::locate(o, n, "const");
            self.push(side, pointer, kind, format!("{} -> {}", show(ov), show(nv)), required);
        }
    }

    /// Numeric, length and item-count bounds; `multipleOf`; `uniqueItems`.
    fn bounds(&mut self, o: &View, n: &View, required: bool) {
        for &(keyword, lower, tightened, loosened) in BOUNDS {
            let (ov, nv) = (o.get(keyword).map(|(v, _)| v), n.get(keyword).map(|(v, _)| v));
            // OpenAPI 3.0's boolean `exclusiveMinimum: true` qualifies `minimum`, compared there.
            let (on, nn) = (number(ov), number(nv));
            if on == nn {
                continue;
            }
            let tighter = match (on, nn) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => (b > a) == lower,
                (None, None) => continue,
            };
            let (side, pointer) = Self::locate(o, n, keyword);
            let kind = if tighter { tightened } else { loosened };
            self.push(side, pointer, kind, format!("{} -> {}", show(ov), show(nv)), required);
        }
        let (ov, nv) = (o.get("multipleOf").map(|(v, _)| v), n.get("multipleOf").map(|(v, _)| v));
        if number(ov) != number(nv) {
            let tighter = match (number(ov), number(nv)) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => (a / b).fract() != 0.0,
            };
            let (side, pointer) = Self::locate(o, n, "multipleOf");
            let kind = if tighter { Kind::BoundTightened } else { Kind::BoundLoosened };
            self.push(side, pointer, kind, format!("{} -> {}", show(ov), show(nv)), required);
        }
        let unique = |v: &View| v.get("uniqueItems").is_some_and(|(v, _)| v == &Value::Bool(true));
        if unique(o) != unique(n) {
            let (side, pointer) = Self::locate(o, n, "uniqueItems");
            let kind = if unique(n) { Kind::ItemsTightened } else { Kind::ItemsLoosened };
            self.push(side, pointer, kind, format!("uniqueItems {} -> {}", unique(o), unique(n)), required);
        }
    }

    /// `pattern`, `format`, `default`, `description`.
    fn annotations(&mut self, o: &View, n: &View, required: bool) {
        for keyword in ["pattern", "format", "default", "description"] {
            let (ov, nv) = (o.get(keyword).map(|(v, _)| v), n.get(keyword).map(|(v, _)| v));
            if ov == nv {
                continue;
            }
            let kind = match (keyword, ov, nv) {
                ("pattern", None, _) => Kind::PatternAdded,
                ("pattern", _, None) => Kind::PatternRemoved,
                ("pattern", _, _) => Kind::PatternChanged,
                ("format", _, None) => Kind::FormatRemoved,
                ("format", _, _) => Kind::FormatChanged,
                ("default", _, _) => Kind::DefaultChanged,
                _ => Kind::DescriptionChanged,
            };
            let detail = if keyword == "description" { String::new() } else { format!("{} -> {}", show(ov), show(nv)) };
            let (side, pointer) = Self::locate(o, n, keyword);
            self.push(side, pointer, kind, detail, required);
        }
    }

    fn properties(&mut self, o: &View, n: &View) {
        let (op, np) = (o.properties(), n.properties());
        let (or, nr): (BTreeMap<_, _>, BTreeMap<_, _>) = (o.required(), n.required());
        for (name, pointer) in &np {
            match op.get(name) {
                None if nr.contains_key(name) => {
                    self.push(Side::New, pointer.clone(), Kind::RequiredPropertyAdded, name.clone(), true)
                }
                None => self.push(Side::New, pointer.clone(), Kind::PropertyAdded, name.clone(), false),
                Some(old) => {
                    match (or.get(name), nr.get(name)) {
                        (None, Some(p)) => self.push(Side::New, p.clone(), Kind::BecameRequired, name.clone(), true),
                        (Some(p), None) => self.push(Side::Old, p.clone(), Kind::BecameOptional, name.clone(), false),
                        _ => {}
                    }
                    let old = old.clone();
                    self.schema(&old, pointer, nr.contains_key(name));
                }
            }
        }
        for (name, pointer) in op.iter().filter(|(name, _)| !np.contains_key(*name)) {
            self.push(Side::Old, pointer.clone(), Kind::PropertyRemoved, name.clone(), or.contains_key(name));
        }
    }

    /// Union members, matched by the definition they name, else title, constant or type (in
    /// order among members with the same key).
    fn unions(&mut self, mut om: Vec<(String, String)>, nm: Vec<(String, String)>, required: bool) {
        for (pointer, key) in nm {
            match om.iter().position(|(_, k)| *k == key) {
                Some(i) => {
                    let (old, _) = om.remove(i);
                    self.schema(&old, &pointer, required);
                }
                None => self.push(Side::New, pointer, Kind::UnionMemberAdded, key, required),
            }
        }
        for (pointer, key) in om {
            self.push(Side::Old, pointer, Kind::UnionMemberRemoved, key, required);
        }
    }
}
