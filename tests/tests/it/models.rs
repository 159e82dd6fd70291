//! The generated models against the seeds: request bodies, enum names, validation, registry.

use mediagen::skills_video::google::{nano_banana_pro, veo_3_1};
use mediagen::skills_video::kling_ai::o1::video as kling_o1;
use mediagen::{mindvideo, registry, v2, Error, Kind, MediaInput, Model, Platform};
use serde_json::json;

fn violation(err: Error) -> (String, &'static str, String) {
    match err {
        Error::Validation { path, rule, message } => (path, rule, message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn veo_quickstart_body_has_only_what_was_set() {
    // Seed 000: the body is exactly {"prompt": ...}; schema defaults are documented, not sent.
    let input = veo_3_1::Input::builder().prompt("sunrise over mountains in watercolor style").build().unwrap();
    assert_eq!(input.to_body().unwrap(), json!({"prompt": "sunrise over mountains in watercolor style"}));
}

#[test]
fn veo_every_parameter_serializes_to_its_wire_name_and_value() {
    let input = veo_3_1::Input::builder()
        .prompt("a cat walking through neon rain")
        .mode("frames")
        .first_frame_url("https://example.com/first.png")
        .last_frame_url("https://example.com/last.png")
        .reference_image_urls(["https://example.com/r1.png"])
        .duration(8)
        .resolution(veo_3_1::Resolution::P720)
        .aspect_ratio(veo_3_1::AspectRatio::R9x16)
        .generate_audio(false)
        .negative_prompt("blur".to_string())
        .seed(-42)
        .n(2)
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({
            "prompt": "a cat walking through neon rain", "mode": "frames",
            "first_frame_url": "https://example.com/first.png", "last_frame_url": "https://example.com/last.png",
            "reference_image_urls": ["https://example.com/r1.png"], "duration": 8, "resolution": "720p",
            "aspect_ratio": "9:16", "generate_audio": false, "negative_prompt": "blur", "seed": -42, "n": 2
        })
    );
    // And the seed's normalized input reads back into the type.
    let seed: veo_3_1::Input =
        serde_json::from_value(json!({"prompt": "a cat walking through neon rain", "aspect_ratio": "16:9", "n": 1}))
            .unwrap();
    assert_eq!(seed.aspect_ratio, Some(veo_3_1::AspectRatio::R16x9));
}

#[test]
fn enum_variants_have_readable_names_and_keep_wire_values() {
    assert_eq!(serde_json::to_value(veo_3_1::AspectRatio::R16x9).unwrap(), "16:9");
    assert_eq!(serde_json::to_value(veo_3_1::Resolution::P1080).unwrap(), "1080p");
    assert_eq!(serde_json::to_value(nano_banana_pro::Resolution::K2).unwrap(), "2K");
    assert_eq!(veo_3_1::AspectRatio::R9x16.to_string(), "9:16");
    assert_eq!("9:16".parse::<veo_3_1::AspectRatio>().unwrap(), veo_3_1::AspectRatio::R9x16);
}

#[tokio::test]
async fn mindvideo_skyreels_body_matches_seed_002() {
    use mindvideo::skyreels_v4_fast as m;
    let input = m::Input::builder()
        .prompt("A serene forest at sunset with golden light filtering through the trees.")
        .aspect_ratio(m::AspectRatio::R16x9)
        .resolution(m::Resolution::P1080)
        .duration(5)
        .prompt_optimizer(true)
        .build()
        .unwrap();
    // Key and host given, so nothing comes from the environment (which `mindvideo_config` changes).
    let client = mindvideo::Client::builder().api_key("mv_test").base_url("http://127.0.0.1:9").build().unwrap();
    // The generic `call` and the generated per-model method send the same body.
    let body = client.call(input.clone()).body().await.unwrap();
    assert_eq!(client.skyreels_v4_fast(input).body().await.unwrap(), body);
    assert_eq!(
        body,
        json!({"model": "skyreels-v4-fast", "input": {
            "prompt": "A serene forest at sunset with golden light filtering through the trees.",
            "aspect_ratio": "16:9", "resolution": "1080p", "duration": 5, "prompt_optimizer": true}})
    );
}

#[tokio::test]
async fn v2_veo3_body_matches_seed_003_with_model_set_by_the_client() {
    let input = v2::videos::veo3::Input::builder().prompt("A cat surfing in sunset, cinematic").build().unwrap();
    let client = v2::Client::builder().base_url("http://127.0.0.1:9").api_key("k").build().unwrap();
    let body = client.videos_veo3(input).body().await.unwrap();
    assert_eq!(body, json!({"prompt": "A cat surfing in sunset, cinematic", "model": "veo3"}));
}

#[test]
fn required_field_missing_is_a_validation_error() {
    let (path, rule, _) = violation(veo_3_1::Input::builder().duration(8).build().unwrap_err());
    assert_eq!((path.as_str(), rule), ("prompt", "required"));
}

#[test]
fn maximum_and_minimum() {
    use mindvideo::skyreels_v4_fast as m;
    let err = m::Input::builder().prompt("x").duration(99).build().unwrap_err();
    assert_eq!(err.to_string(), "duration: 99 is above the maximum 15");
    let (path, rule, message) = violation(m::Input::builder().prompt("x").duration(2).build().unwrap_err());
    assert_eq!((path.as_str(), rule, message.as_str()), ("duration", "minimum", "2 is below the minimum 3"));
    m::Input::builder().prompt("x").duration(15).build().unwrap();
}

#[test]
fn integer_enum_is_checked() {
    let (path, rule, message) = violation(veo_3_1::Input::builder().prompt("x").duration(5).build().unwrap_err());
    assert_eq!((path.as_str(), rule), ("duration", "enum"));
    assert_eq!(message, "5 is not one of 4, 6, 8");
}

#[test]
fn min_length() {
    let (path, rule, _) = violation(mindvideo::skyreels_v4_fast::Input::builder().prompt("").build().unwrap_err());
    assert_eq!((path.as_str(), rule), ("prompt", "minLength"));
}

#[test]
fn max_items_and_min_items_including_nested_paths() {
    use mindvideo::skyreels_v4_fast as m;
    let item = |n: usize| {
        m::RefImagesItem::builder()
            .tag("@a")
            .type_(m::RefImagesItemType::Image)
            .image_urls((0..n).map(|i| format!("https://example.com/{i}.png")))
            .build()
            .unwrap()
    };
    let (path, rule, _) = violation(m::Input::builder().prompt("x").ref_images(vec![item(1); 4]).build().unwrap_err());
    assert_eq!((path.as_str(), rule), ("ref_images", "maxItems"));
    let (path, rule, message) =
        violation(m::Input::builder().prompt("x").ref_images([item(1), item(6)]).build().unwrap_err());
    assert_eq!((path.as_str(), rule), ("ref_images[1].image_urls", "maxItems"));
    assert_eq!(message, "6 items is above the maximum of 5 items");
    let (path, rule, _) = violation(m::Input::builder().prompt("x").ref_images([item(0)]).build().unwrap_err());
    assert_eq!((path.as_str(), rule), ("ref_images[0].image_urls", "minItems"));
}

#[test]
fn pattern() {
    use v2::videos::sora_2 as m;
    let (path, rule, _) =
        violation(m::Input::builder().prompt("x").character_timestamps("one,two").build().unwrap_err());
    assert_eq!((path.as_str(), rule), ("character_timestamps", "pattern"));
    m::Input::builder().prompt("x").character_timestamps("1,3").build().unwrap();
}

#[test]
fn exclusive_bounds_and_const_from_a_schema_of_our_own() {
    use mediagen::__private::validate::{check, Check, Rule};
    let rules = [
        Rule { path: "strength", when: None, check: Check::ExclusiveMaximum(1.0) },
        Rule { path: "strength", when: None, check: Check::ExclusiveMinimum(0.0) },
        Rule { path: "version", when: None, check: Check::Const("2") },
        Rule { path: "tags/*", when: None, check: Check::MaxLength(3) },
        Rule { path: "tags", when: None, check: Check::UniqueItems },
        Rule { path: "mode", when: Some(("feature", "\"edit\"")), check: Check::Enum(&["\"a\"", "\"b\""]) },
    ];
    assert!(check(&json!({"strength": 0.5, "version": 2}), &rules).is_ok());
    assert!(check(&json!({"version": 2.0}), &rules).is_ok(), "numbers compare by value");
    assert_eq!(check(&json!({"strength": 1.0}), &rules).unwrap_err().to_string(), "strength: 1 must be below 1");
    assert_eq!(check(&json!({"strength": 0}), &rules).unwrap_err().to_string(), "strength: 0 must be above 0");
    assert_eq!(check(&json!({"version": 3}), &rules).unwrap_err().to_string(), "version: 3 is not the constant 2");
    assert_eq!(
        check(&json!({"tags": ["ok", "toolong"]}), &rules).unwrap_err().to_string(),
        "tags[1]: length 7 is above the maximum length 3"
    );
    assert_eq!(check(&json!({"tags": ["a", "a"]}), &rules).unwrap_err().to_string(), "tags: items are not unique");
    // A rule of a tagged variant applies only when the tag matches.
    assert!(check(&json!({"feature": "other", "mode": "z"}), &rules).is_ok());
    assert_eq!(
        check(&json!({"feature": "edit", "mode": "z"}), &rules).unwrap_err().to_string(),
        "mode: \"z\" is not one of \"a\", \"b\""
    );
}

#[test]
fn oneof_told_apart_by_feature_fills_the_constant_and_serializes_plainly() {
    let variant = kling_o1::KlingO1FrameToVideoInput::builder()
        .prompt("a fox")
        .first_frame_url("https://example.com/f.png")
        .build()
        .unwrap();
    let input = kling_o1::Input::from(variant);
    assert_eq!(
        input.to_body().unwrap(),
        json!({"feature": "frame-to-video", "prompt": "a fox", "first_frame_url": "https://example.com/f.png"})
    );
    // The variant's range applies only to that variant.
    let long = kling_o1::KlingO1FrameToVideoInput::builder()
        .prompt("a fox")
        .first_frame_url("https://example.com/f.png")
        .duration(11)
        .build()
        .unwrap();
    let (path, rule, _) = violation(kling_o1::Input::from(long).to_body().unwrap_err());
    assert_eq!((path.as_str(), rule), ("duration", "maximum"));
}

#[test]
fn media_fields_take_urls_or_files() {
    let input = nano_banana_pro::Input::builder()
        .prompt("mockup")
        .image_urls([MediaInput::path("sketch.png"), MediaInput::url("https://images.example.com/reference.jpg")])
        .build()
        .unwrap();
    let body = input.to_body().unwrap();
    assert!(MediaInput::any_file_in(&body));
    assert_eq!(body["image_urls"][1], "https://images.example.com/reference.jpg");
    assert_eq!(body["image_urls"][0]["$mediagen_file"]["path"], "sketch.png");
}

#[test]
fn registry_lists_every_model_with_its_facts() {
    let all = registry::all();
    assert!(all.len() >= 20, "{} models", all.len());
    let ids: Vec<&str> = all.iter().map(|m| m.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "sorted and unique");
    let veo = registry::find("skills-video/google/veo-3.1").unwrap();
    assert_eq!((veo.platform, veo.kind, veo.path), (Platform::SkillsVideo, Kind::Video, "google/veo-3.1"));
    assert_eq!(veo.schema_file, "schemas/skills-video/google/veo-3.1.json");
    assert_eq!(veo.schema_json()["properties"]["n"]["maximum"], 4);
    assert_eq!(veo_3_1::Input::INFO.id, veo.id);
    let image = registry::find("mindvideo/gemini-3-pro-image-preview-official").unwrap();
    assert_eq!(image.kind, Kind::Image);
    let audio = registry::find("v2/audio/suno-v4").unwrap();
    assert_eq!((audio.kind, audio.scope(), audio.model_name), (Kind::Audio, Some("audio"), "suno-v4"));
    for platform in [Platform::SkillsVideo, Platform::Mindvideo, Platform::V2] {
        assert!(registry::filter(Some(platform), None).count() >= 4, "{platform}");
    }
    assert_eq!(registry::find("skills-video/lightricks/ltx-2.3/audio-to-video").unwrap().kind, Kind::Video);
}

#[test]
fn a_model_picked_at_run_time_parses_and_checks_json_input() {
    let veo = registry::find("skills-video/google/veo-3.1").unwrap();
    let body = (veo.parse)(json!({"prompt": "x", "aspect_ratio": "9:16", "duration": 8})).unwrap();
    assert_eq!(body, json!({"prompt": "x", "aspect_ratio": "9:16", "duration": 8}));
    let (path, rule, message) = violation((veo.parse)(json!({"prompt": "x", "aspect_ratio": "21:9"})).unwrap_err());
    assert_eq!((path.as_str(), rule), ("aspect_ratio", "type"));
    assert!(message.contains("21:9"), "{message}");
    let (path, rule, message) = violation((veo.parse)(json!({"aspect_ratio": "9:16"})).unwrap_err());
    assert_eq!(
        (path.as_str(), rule, message.as_str()),
        ("prompt", "required", "is required"),
        "the missing field is named"
    );
    let sky = registry::find("mindvideo/skyreels-v4-fast").unwrap();
    let err = (sky.parse)(json!({"prompt": "x", "duration": 99})).unwrap_err();
    assert_eq!(err.to_string(), "duration: 99 is above the maximum 15");
}

/// JSON input can do no more than typed code: no local files, no silently dropped typos.
#[test]
fn json_input_never_reads_a_file_never_drops_a_typo_and_takes_whole_floats() {
    let veo = registry::find("skills-video/google/veo-3.1").unwrap();
    let secret = json!({"prompt": "p", "first_frame_url": {"$mediagen_file": {"path": "credentials.env"}}});
    let err = (veo.parse)(secret).unwrap_err();
    assert!(err.to_string().starts_with("first_frame_url: a local file cannot be given in JSON input"), "{err}");

    let err = (veo.parse)(json!({"prompt": "p", "durration": 6})).unwrap_err();
    assert_eq!(err.to_string(), "durration: unknown parameter; did you mean duration?");

    let body = (veo.parse)(json!({"prompt": "p", "duration": 8.0})).unwrap();
    assert_eq!(body, json!({"prompt": "p", "duration": 8}));
    assert!(body["duration"].is_i64());
}

#[test]
fn a_media_field_given_a_file_name_fails_at_build_pointing_to_media_input_path() {
    use mediagen::skills_video::google::veo_3_1;
    let err = veo_3_1::Input::builder().prompt("p").first_frame_url("frame.png").build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "first_frame_url: \"frame.png\" is not an http(s) URL or a data: URI; for a local file use \
         MediaInput::path(\"frame.png\") (CLI: --file PARAM=PATH)"
    );
    let ok = veo_3_1::Input::builder().prompt("p").first_frame_url(mediagen::MediaInput::path("frame.png")).build();
    assert!(ok.is_ok(), "a local file is uploaded, not checked as a URL");
}

#[test]
fn every_model_summary_comes_from_its_own_document() {
    let aimlapi: Vec<_> = registry::filter(Some(Platform::Aimlapi), None).collect();
    let summaries: std::collections::BTreeSet<&str> = aimlapi.iter().map(|m| m.summary).collect();
    assert_eq!(summaries.len(), aimlapi.len(), "no two AI/ML API models share a summary");
    for m in aimlapi {
        assert!(m.summary.contains(m.model_name) && m.summary.contains(m.endpoint), "{}: {}", m.id, m.summary);
        assert!(m.id.ends_with(m.title) || m.title == m.model_name, "{}: {}", m.id, m.title);
    }
}
