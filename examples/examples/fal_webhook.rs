//! A web server that receives fal's webhook deliveries for Veo 3, verifies each one (Ed25519
//! signature over fal's published keys, timestamp within 5 minutes) and prints the typed output.
//!
//! ```text
//! FAL_KEY=... PORT=8000 cargo run -p mediagen-examples --example fal_webhook
//! # submit with the webhook: client.fal_ai_veo3(input).webhook("https://your.host/webhooks/fal").submit()
//! ```
//!
//! Answers 200 to every verified delivery (a failed job too: fal need not deliver it again) and
//! 401 to anything that is not proven to come from fal.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use mediagen::fal::{fal_ai::veo3, Client};
use mediagen::Error;

async fn receive(State(client): State<Client>, request: Request) -> StatusCode {
    match client.verify_request::<veo3::Output>(request).await {
        Ok(delivery) => {
            println!("{} succeeded: {}", delivery.request_id, delivery.output.video.url);
            StatusCode::OK
        }
        Err(e @ Error::JobFailed { .. }) => {
            println!("{e}");
            StatusCode::OK
        }
        Err(e @ Error::Webhook { .. }) => {
            eprintln!("{e}");
            StatusCode::UNAUTHORIZED
        }
        // The output did not fit, or the keys could not be fetched: fal will deliver it again.
        Err(e) => {
            eprintln!("{e}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?; // FAL_KEY; FAL_REST_URL moves the keys with the REST host
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8000);
    let app = Router::new().route("/webhooks/fal", post(receive)).with_state(client);
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port)).await?;
    println!("listening on http://{}/webhooks/fal", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
