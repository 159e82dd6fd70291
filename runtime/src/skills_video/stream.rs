//! The SSE submit's events as generations.

use futures_util::StreamExt as _;

use super::Generation;
use crate::http::{self, Frame};
use crate::protocol::{Push, PushStream};

/// The generation events of an SSE response. Comments, empty and non-JSON data (`[DONE]`) and
/// events of other shapes (logs) are skipped; an error body or an `error` event is an error.
pub(crate) fn generation_events(response: reqwest::Response) -> PushStream<Generation> {
    http::frames(response)
        .filter_map(|frame| async move {
            match frame {
                Err(reason) => Some(Push::Broken(reason)),
                Ok(frame) => parse(&frame),
            }
        })
        .boxed()
}

fn parse(frame: &Frame) -> Option<Push<Generation>> {
    let data = frame.data.trim();
    if data.is_empty() || !data.starts_with('{') {
        return None;
    }
    if let Ok(generation) = serde_json::from_str::<Generation>(data) {
        return Some(Push::State(generation));
    }
    let err = crate::error_body::error_from_body(200, data, None);
    let recognized = matches!(&err, crate::Error::Api { raw_body: None, .. });
    (recognized || frame.event == "error").then_some(Push::Error(err))
}
