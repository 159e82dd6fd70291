//! Following a generation as a stream of status events: SSE first, polling when the stream breaks.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use eventsource_stream::Eventsource as _;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _};
use tokio::time::Instant;

use super::job::Poller;
use super::{Client, Generation, Status, WaitOptions};
use crate::{Error, Family, Result};

type Events = BoxStream<'static, std::result::Result<eventsource_stream::Event, String>>;

/// Status events of one generation, ending with the terminal one (completed, failed or canceled).
///
/// Items are [`Generation`]s; a failed or canceled generation is an item like any other (use
/// [`Generation::error`] or [`GenerationStream::wait`] to turn it into an error). Errors end the
/// stream: [`Error::Deadline`] when the wait's deadline passes, or the error of a poll.
///
/// When it comes from [`Call::stream`](super::Call::stream), the events are read from the
/// server-sent event stream; if that breaks before a terminal event, the stream goes on by polling
/// `GET /v1/generation/{id}` and yields each status change. The job is never submitted again.
pub struct GenerationStream {
    inner: BoxStream<'static, Result<Generation>>,
    family: Option<Family>,
}

impl std::fmt::Debug for GenerationStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenerationStream").finish_non_exhaustive()
    }
}

impl Stream for GenerationStream {
    type Item = Result<Generation>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl GenerationStream {
    /// Read the stream to its end: the completed generation, or [`Error::JobFailed`],
    /// [`Error::JobCanceled`], [`Error::Deadline`].
    pub async fn wait(mut self) -> Result<Generation> {
        while let Some(item) = self.next().await {
            let generation = item?;
            if generation.is_terminal() {
                return generation.into_result(self.family);
            }
        }
        Err(Error::Stream {
            message: "the stream ended without a terminal status".into(),
        })
    }

    /// Events read from an SSE response.
    pub(crate) fn sse(
        client: Client,
        response: reqwest::Response,
        options: WaitOptions,
        family: Option<Family>,
        idle_timeout: Duration,
    ) -> Self {
        let events: Events = response
            .bytes_stream()
            .eventsource()
            .map(|r| r.map_err(|e| e.to_string()))
            .boxed();
        let ctx = Ctx::new(client, options, idle_timeout);
        Self::from_state(ctx, State::Sse(events), family)
    }

    /// Status changes found by polling, starting after `first` (which is yielded first).
    pub(crate) fn polling(client: Client, first: Generation, options: WaitOptions, family: Option<Family>) -> Self {
        let mut ctx = Ctx::new(client, options, Duration::ZERO);
        ctx.poll_immediately = false;
        let mut poller = ctx.poller(first.id.clone());
        poller.last_status = Some(first.status.clone());
        ctx.pending = Some(first);
        Self::from_state(ctx, State::Poll(Box::new(poller)), family)
    }

    fn from_state(ctx: Ctx, state: State, family: Option<Family>) -> Self {
        let inner = futures_util::stream::unfold((ctx, state), |(mut ctx, state)| async move {
            let (item, state) = step(&mut ctx, state).await?;
            Some((item, (ctx, state)))
        })
        .boxed();
        GenerationStream { inner, family }
    }
}

struct Ctx {
    client: Client,
    options: WaitOptions,
    started: Instant,
    idle_timeout: Duration,
    id: Option<String>,
    last_status: Option<Status>,
    /// An event to yield before reading on.
    pending: Option<Generation>,
    /// Poll at once when polling starts (after a broken stream) rather than after an interval.
    poll_immediately: bool,
}

impl Ctx {
    fn new(client: Client, options: WaitOptions, idle_timeout: Duration) -> Self {
        Ctx {
            client,
            options,
            started: Instant::now(),
            idle_timeout,
            id: None,
            last_status: None,
            pending: None,
            poll_immediately: true,
        }
    }

    fn remaining(&self) -> Option<Duration> {
        self.options.deadline.map(|d| d.saturating_sub(self.started.elapsed()))
    }

    /// Record an event; the state to go on in.
    fn saw(&mut self, generation: &Generation, state: State) -> State {
        self.id = Some(generation.id.clone());
        self.last_status = Some(generation.status.clone());
        if generation.is_terminal() {
            State::Done
        } else {
            state
        }
    }

    fn poller(&self, id: String) -> Poller {
        let mut poller = Poller::new(id, self.options.clone(), self.started);
        poller.last_status = self.last_status.clone();
        poller
    }
}

enum State {
    Sse(Events),
    Poll(Box<Poller>),
    Done,
}

/// One item of the stream and the state after it; `None` at the end.
async fn step(ctx: &mut Ctx, mut state: State) -> Option<(Result<Generation>, State)> {
    if let Some(first) = ctx.pending.take() {
        let next = ctx.saw(&first, state);
        return Some((Ok(first), next));
    }
    loop {
        state = match state {
            State::Done => return None,
            State::Sse(mut events) => {
                let broke = match read_event(ctx, &mut events).await {
                    Ok(generation) => {
                        let next = ctx.saw(&generation, State::Sse(events));
                        return Some((Ok(generation), next));
                    }
                    Err(Broke::Deadline) => {
                        let err = ctx.poller(ctx.id.clone().unwrap_or_default()).deadline();
                        return Some((Err(err), State::Done));
                    }
                    Err(Broke::Error(err)) if ctx.id.is_none() => return Some((Err(err), State::Done)),
                    Err(Broke::Error(_)) => "error event",
                    Err(Broke::Reason(reason)) => reason,
                };
                match ctx.id.clone() {
                    // We know the job: follow it by polling, never by submitting again.
                    Some(id) => State::Poll(Box::new(ctx.poller(id))),
                    None => {
                        let err = Error::Stream {
                            message: format!(
                                "the event stream {broke} before the generation id was known; the job may have been created"
                            ),
                        };
                        return Some((Err(err), State::Done));
                    }
                }
            }
            State::Poll(mut poller) => match poller.poll(&ctx.client, ctx.poll_immediately).await {
                Err(e) => return Some((Err(e), State::Done)),
                Ok(generation) => {
                    if generation.is_terminal() || ctx.last_status.as_ref() != Some(&generation.status) {
                        let next = ctx.saw(&generation, State::Poll(poller));
                        return Some((Ok(generation), next));
                    }
                    if poller.past_deadline() {
                        return Some((Err(poller.deadline()), State::Done));
                    }
                    State::Poll(poller)
                }
            },
        };
    }
}

enum Broke {
    /// The stream ended, failed or went quiet; polling can take over.
    Reason(&'static str),
    /// The server sent an error in the stream.
    Error(Error),
    Deadline,
}

/// The next generation event of an SSE stream, skipping comments, empty and non-JSON data.
async fn read_event(ctx: &Ctx, events: &mut Events) -> std::result::Result<Generation, Broke> {
    loop {
        let wait = match ctx.remaining() {
            Some(r) if r.is_zero() => return Err(Broke::Deadline),
            Some(r) => r.min(ctx.idle_timeout),
            None => ctx.idle_timeout,
        };
        let event = match tokio::time::timeout(wait, events.next()).await {
            Err(_) if ctx.remaining().is_some_and(|r| r.is_zero()) => return Err(Broke::Deadline),
            Err(_) => return Err(Broke::Reason("went quiet")),
            Ok(None) => return Err(Broke::Reason("ended")),
            Ok(Some(Err(_))) => return Err(Broke::Reason("broke")),
            Ok(Some(Ok(event))) => event,
        };
        let data = event.data.trim();
        if data.is_empty() || !data.starts_with('{') {
            continue; // keep-alives, `[DONE]` and the like
        }
        match serde_json::from_str::<Generation>(data) {
            Ok(generation) => return Ok(generation),
            Err(_) => {
                let err = crate::http::error_from_body(200, data, None);
                let recognized = matches!(&err, Error::Api { raw_body: None, .. });
                if recognized || event.event == "error" {
                    return Err(Broke::Error(err));
                }
                // An event of another shape (progress, logs): not a status change.
            }
        }
    }
}
