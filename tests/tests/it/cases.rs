//! Real-world schema constructs, each on a small schema of our own (`tests/fixtures/cases/`).
//! `cargo xtask ci` also compiles all of them together through `cargo xtask corpus`.

use mediagen_codegen::{generate_model, ModelCode, SchemaFile, Settings};

fn case(name: &str) -> ModelCode {
    let dir = xtask::workspace_root().join("tests/fixtures/cases");
    let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
    let file = SchemaFile { path: format!("mindvideo/{name}.json"), text };
    generate_model(&file, &Settings::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The text of the item (struct, enum, fn) that starts with `head`, up to the next top-level item.
fn item<'a>(code: &'a str, head: &str) -> &'a str {
    let start = code.find(head).unwrap_or_else(|| panic!("no `{head}` in:\n{code}"));
    let rest = &code[start..];
    let end = rest[1..].find("\n}\n").map(|i| i + 3).unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn integer_enum_with_a_string_default_is_an_integer_checked_against_its_values() {
    let m = case("int-enum-string-default");
    let input = item(&m.code, "pub struct Input");
    assert!(input.contains("pub steps: ::std::option::Option<i64>"), "{input}");
    assert!(input.contains("pub guidance: ::std::option::Option<f64>"), "{input}");
    // The rule's path into the runtime (`crate::__private::validate`) is not what this is about.
    assert!(m.code.contains(r#"validate::Check::Enum(&["4", "6", "8"])"#), "{}", m.code);
    assert!(m.code.contains(r#"Check::Enum(&["1.5", "2.5", "7.5"])"#));
    // The default is documented, never a serde default.
    assert!(input.contains("/// Default (applied by the platform when unset): `\"8\"`."), "{input}");
    assert!(!m.code.contains("serde(default = "));
}

#[test]
fn every_nullable_form_is_an_option_and_required_nullable_still_sends_null() {
    let m = case("nullable-forms");
    let input = item(&m.code, "pub struct Input");
    for (field, ty) in [
        ("a_nullable", "::std::string::String"),
        ("b_type_array", "i64"),
        ("c_any_of", "f64"),
        ("d_bare_nullable", "bool"),
    ] {
        assert!(input.contains(&format!("pub {field}: ::std::option::Option<{ty}>")), "{field}: {input}");
    }
    // Required but nullable: an Option that is serialized even when None (an explicit null).
    let lines: Vec<&str> = input.lines().collect();
    let at = lines.iter().position(|l| l.contains("pub seed_required")).unwrap();
    assert!(!lines[at - 1].contains("skip_serializing_if"), "{input}");
    assert!(input.contains("pub seed_required: ::std::option::Option<i64>"));
    assert!(m.loose_fields.is_empty(), "{:?}", m.loose_fields);
}

#[test]
fn unions_of_scalars_or_objects_serialize_as_the_plain_value() {
    let m = case("unions");
    let duration = item(&m.code, "pub enum Duration");
    assert!(m.code.contains("#[serde(untagged)]\npub enum Duration"), "{duration}");
    assert!(duration.contains("Integer(i64)") && duration.contains("String(::std::string::String)"), "{duration}");
    // `image_size`: an enum-or-object with an inline title that matches an unrelated `$defs` name.
    assert!(m.code.contains("#[serde(untagged)]\npub enum ImageSize"), "{}", m.code);
    // The unreached `$defs/ImageSize` is not typed (and would not collide if it were).
    assert!(!m.code.contains("pub w:"), "{}", m.code);
}

#[test]
fn a_oneof_told_apart_by_a_const_property_is_a_tagged_choice() {
    let m = case("tagged-oneof");
    let input = item(&m.code, "pub enum Input");
    assert!(input.contains("TextToVideo(TextToVideo)") && input.contains("ImageToVideo(ImageToVideo)"), "{input}");
    // The tag is a one-value enum that the variant's builder fills in.
    assert!(
        m.code.contains("r#type: self.r#type.unwrap_or(") || m.code.contains("type_: self.type_.unwrap_or("),
        "{}",
        m.code
    );
    // Each variant's own constraints apply only when its tag is set.
    assert!(m.code.contains(r#"when: Some(("type", "\"text\"")),"#), "{}", m.code);
    assert!(m.code.contains(r#"when: Some(("type", "\"image\"")),"#));
}

#[test]
fn property_names_that_are_keywords_or_not_identifiers_keep_their_wire_names() {
    let m = case("awkward-names");
    let input = item(&m.code, "pub struct Input");
    for (wire, rust) in [
        ("type", "type_"),
        ("loop", "loop_"),
        ("3d_mode", "x3d_mode"),
        ("aspect-ratio", "aspect_ratio"),
        ("self", "self_"),
    ] {
        assert!(input.contains(&format!("rename = \"{wire}\"")), "{wire}: {input}");
        assert!(input.contains(&format!("pub {rust}:")), "{rust}: {input}");
    }
    assert!(input.contains("pub input:"));
    let variants = item(&m.code, "pub enum AspectRatio");
    for v in ["R16x9", "R2_4x1", "P1080", "Mp0_5", "V3dAnimation"] {
        assert!(variants.contains(v), "{v}: {variants}");
    }
    // No type at all: a documented JSON value.
    assert!(input.contains("pub untyped: ::std::option::Option<::serde_json::Value>"), "{input}");
    assert!(input.contains("Default (applied by the platform when unset): `5`."));
    assert_eq!(m.loose_fields, vec!["untyped".to_string()]);
}

#[test]
fn single_ref_allof_ref_chains_and_recursive_refs() {
    let m = case("refs");
    let input = item(&m.code, "pub struct Input");
    assert!(input.contains("pub style: ::std::option::Option<Style>"), "{input}");
    assert!(input.contains("pub chain: ::std::option::Option<"), "{input}");
    assert!(m.code.contains("pub struct Node"), "{}", m.code);
    assert!(item(&m.code, "pub struct Node").contains("::std::vec::Vec<Node>"));
    assert!(
        m.code.contains(r#"path: "chain", when: None, check: crate::validate::Check::Minimum(1f64)"#)
            || m.code.contains("\"chain\"")
    );
    assert!(m.code.contains(r#"path: "loras/*/scale""#), "{}", m.code);
    // Only what the body reaches: `Unused` (with an if/then/else typify cannot type) is ignored.
    assert!(!m.code.contains("Unused"));
}

#[test]
fn two_models_whose_inline_types_share_a_title_get_their_own_types() {
    let a = case("shared-title-a");
    let b = case("shared-title-b");
    assert!(item(&a.code, "pub enum AspectRatio").contains("R16x9"));
    assert!(item(&b.code, "pub enum AspectRatio").contains("R4x3"));
    assert!(!item(&a.code, "pub enum AspectRatio").contains("R4x3"));
}

#[test]
fn unsupported_keywords_are_dropped_not_fatal() {
    let m = case("if-then-else");
    assert!(m.code.contains("pub struct Input"));
}

/// The variants of `enum_name` as `(Rust name, wire value)`, read from the generated code.
fn variants(code: &str, enum_name: &str) -> Vec<(String, String)> {
    let body = item(code, &format!("pub enum {enum_name} "));
    let mut out = Vec::new();
    let mut wire = None;
    for line in body.lines().map(str::trim) {
        if let Some(w) = line.strip_prefix("/// `").and_then(|l| l.strip_suffix('`')) {
            wire = Some(w.to_string());
        } else if let Some(name) = line.strip_suffix(',').filter(|l| !l.starts_with('#')) {
            out.push((name.to_string(), wire.take().unwrap_or_else(|| name.to_string())));
        }
    }
    out
}

/// The `(variant, wire value)` pairs of an enum's `wire_enum!` call, read from the generated code.
fn wire_table(code: &str, enum_name: &str) -> Vec<(String, String)> {
    let call = code.split("wire_enum!(").find_map(|c| c.trim_start().strip_prefix(&format!("{enum_name} {{")));
    let body = call.and_then(|c| c.split('}').next()).unwrap_or_else(|| panic!("no wire_enum! for {enum_name}"));
    body.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(v, w)| (v.trim().to_string(), w.trim().trim_matches('"').to_string()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn enum_values_that_collide_after_conversion_get_their_own_readable_variants() {
    let m = case("colliding-enum-values");
    assert_eq!(variants(&m.code, "Quality"), pairs(&[("Hd", "hd"), ("HdUpper", "HD")]));
    assert_eq!(
        variants(&m.code, "Motion"),
        pairs(&[("ZoomDashIn", "zoom-in"), ("ZoomUnderscoreIn", "zoom_in"), ("ZoomSpaceIn", "zoom in")])
    );
    // A sign is a word: `-1` never reads as `V1`.
    assert_eq!(variants(&m.code, "Step"), pairs(&[("Minus1", "-1"), ("Plus1", "+1"), ("V0", "0")]));
    // Every variant keeps its wire value, in the table serde, `Display` and `FromStr` read.
    assert_eq!(wire_table(&m.code, "Quality"), pairs(&[("Hd", "hd"), ("HdUpper", "HD")]));
    assert_eq!(
        wire_table(&m.code, "Motion"),
        pairs(&[("ZoomDashIn", "zoom-in"), ("ZoomUnderscoreIn", "zoom_in"), ("ZoomSpaceIn", "zoom in")])
    );
    assert_eq!(wire_table(&m.code, "Step"), pairs(&[("Minus1", "-1"), ("Plus1", "+1"), ("V0", "0")]));
    assert!(!m.code.contains("Mgwire"), "a stand-in value leaked:\n{}", m.code);
}

#[test]
fn enum_values_without_ascii_letters_are_transliterated() {
    let m = case("unicode-enum-values");
    assert_eq!(
        variants(&m.code, "Voice"),
        pairs(&[("WenRouNuSheng", "温柔女声"), ("ChenWenNanSheng", "沉稳男声"), ("HuoPoTongSheng", "活泼童声")])
    );
    assert_eq!(
        variants(&m.code, "Style"),
        pairs(&[("Cafe", "café"), ("Naive", "naïve"), ("Clapper", "🎬"), ("U2605", "★")])
    );
}

/// The `(field, wire name)` pairs of a struct, read from the generated code.
fn fields(code: &str, struct_name: &str) -> Vec<(String, String)> {
    let body = item(code, &format!("pub struct {struct_name} "));
    let mut out = Vec::new();
    let mut rename = None;
    for line in body.lines().map(str::trim) {
        if let Some(at) = line.find("rename = \"") {
            let rest = &line[at + 10..];
            rename = rest.split('"').next().map(String::from);
        } else if let Some(field) =
            line.strip_prefix("pub ").filter(|l| !l.starts_with("struct")).and_then(|l| l.split(':').next())
        {
            out.push((field.to_string(), rename.take().unwrap_or_else(|| field.to_string())));
        }
    }
    out.sort();
    out
}

#[test]
fn property_names_that_collide_after_conversion_get_distinct_fields_and_setters() {
    let m = case("colliding-names");
    assert_eq!(
        fields(&m.code, "Input"),
        pairs(&[
            ("aspect_ratio", "aspect_ratio"),
            ("aspect_ratio_2", "aspect-ratio"),
            ("image_url", "image_url"),
            ("image_url_2", "imageUrl"),
            ("nested", "nested"),
            ("prompt", "prompt"),
            ("seed", "seed"),
            ("seed_2", "_seed"),
        ])
    );
    assert_eq!(fields(&m.code, "Nested"), pairs(&[("a_b", "a_b"), ("a_b_2", "a-b")]));
    for setter in ["seed", "seed_2", "image_url", "image_url_2", "aspect_ratio", "aspect_ratio_2", "a_b", "a_b_2"] {
        assert_eq!(m.code.matches(&format!("pub fn {setter}(")).count(), 1, "{setter}");
    }
    // The docs of a numbered field name its wire value.
    assert!(m.code.contains("/// Sent as `_seed` (`seed` is another field's name)."), "{}", m.code);
}

#[test]
fn keywords_beside_a_ref_apply_in_openapi_3_1_and_are_documented_as_ignored_in_3_0() {
    let rule = |path: &str, check: &str| {
        format!("path: \"{path}\",\n        when: None,\n        check: crate::__private::validate::Check::{check},")
    };
    let m = case("ref-siblings-openapi-3-1");
    let rules = item(&m.code, "pub static RULES");
    for (path, check) in [("duration", "Minimum(1f64)"), ("duration", "Maximum(10f64)"), ("prompt", "MaxLength(20u64)")]
    {
        assert!(rules.contains(&rule(path, check)), "{path} {check}: {rules}");
    }
    let input = item(&m.code, "pub struct Input");
    assert!(input.contains("Range: 1 ≤ x ≤ 10."), "{input}");
    assert!(input.contains("/// What to show.") && input.contains("Maximum length: 20."), "{input}");
    assert!(input.contains("Default (applied by the platform when unset): `5`."), "{input}");
    assert!(input.contains("pub negative: ::std::option::Option<Text>"), "{input}");
    // What `describe` shows is what is checked.
    let schema = m.code.split("schema: \"").nth(1).unwrap();
    assert!(schema.contains(r#"\"maximum\":10"#) && schema.contains(r#"\"minimum\":1"#), "{schema}");

    let m = case("ref-siblings-openapi-3-0");
    let rules = item(&m.code, "pub static RULES");
    assert!(rules.contains(&rule("duration", "Minimum(1f64)")), "{rules}");
    assert!(!rules.contains("Maximum(") && !rules.contains("MaxLength("), "{rules}");
    let input = item(&m.code, "pub struct Input");
    assert!(input.contains("Not applied: `maximum: 10`, beside a `$ref`"), "{input}");
    assert!(input.contains("Not applied: `maxLength: 20`, beside a `$ref`"), "{input}");
    assert!(!m.code.split("schema: \"").nth(1).unwrap().contains(r#"\"maximum\":10"#));
}

#[test]
fn required_constants_of_any_type_fill_themselves_in() {
    let m = case("required-consts");
    let input = item(&m.code, "pub struct Input");
    // Parsed without them (the CLI's path) and built without them, they are still sent.
    for (field, ty) in [("n", "i64"), ("watermark", "bool"), ("ratio", "f64"), ("mode", "Mode")] {
        let at = input.find(&format!("pub {field}: {ty},")).unwrap_or_else(|| panic!("{field}: {input}"));
        let attrs = &input[..at].rsplit("///").next().unwrap();
        assert!(attrs.contains("#[serde(default"), "{field}: {attrs}");
        assert!(!attrs.contains("skip_serializing_if"), "{field}: {attrs}");
    }
    let build = item(&m.code, "impl InputBuilder");
    assert!(build.contains("n: self.n.unwrap_or_else(defaults::default_u64::<i64, 1>)"), "{build}");
    assert!(build.contains("watermark: self.watermark.unwrap_or_default()"), "{build}");
    assert!(build.contains("ratio: self.ratio.unwrap_or_else(defaults::input_ratio)"), "{build}");
    assert!(m.code.contains("super::Mode::Fast"), "{}", m.code);
    assert!(build.contains("path: \"prompt\""), "{build}");
    // The value is still checked, and an optional constant stays optional.
    assert!(m.code.contains(r#"Check::Const("1")"#) && m.code.contains(r#"Check::Const("false")"#));
    assert!(input.contains("pub optional_n: ::std::option::Option<i64>"), "{input}");
}

#[test]
fn an_output_is_typed_leniently_beside_the_input() {
    let m = case("output-lenient");
    assert!(m.has_output);
    let output = item(&m.code, "pub struct Output ");
    // Unknown fields are accepted although the document closes the object; the input stays closed.
    assert!(!output.contains("deny_unknown_fields"), "{output}");
    assert_eq!(m.code.matches("deny_unknown_fields").count(), 1, "only `Input`: {}", m.code);
    // Enum and constant values are strings: a value the document does not list reads too; the
    // docs list the values.
    assert!(output.contains("pub status: ::std::string::String,"), "{output}");
    assert!(output.contains("/// Allowed values: `done`, `failed`."), "{output}");
    assert!(output.contains("pub object: ::std::string::String,"), "{output}");
    assert!(item(&m.code, "pub struct OutputThumbnailsItem")
        .contains("pub size: ::std::option::Option<::std::string::String>"));
    // The `File` the input also reaches is the output's own type, its URL a plain string.
    assert!(output.contains("pub video: OutputFile,"), "{output}");
    assert!(item(&m.code, "pub struct OutputFile").contains("pub url: ::std::string::String,"));
    assert!(item(&m.code, "pub struct File").contains("MediaInput"), "{}", m.code);
    // `model` is a field of the answer, not the envelope's; a reference to nothing is loose.
    assert!(output.contains("pub model: ::std::option::Option<::std::string::String>"), "{output}");
    assert!(output.contains("pub debug: ::std::option::Option<::serde_json::Value>"), "{output}");
    assert_eq!((m.loose_output_fields.as_slice(), m.loose_fields.len()), (&["debug".to_string()][..], 0));
    // Read, never built: no builder, no rules.
    assert!(!m.code.contains("OutputBuilder") && !m.code.contains("OutputFileBuilder"), "{}", m.code);
    assert!(!m.code.contains(r#"path: "status""#), "{}", m.code);
}
