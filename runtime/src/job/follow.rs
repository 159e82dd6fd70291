//! Following a job: the platform's push channel first, polling otherwise or when it breaks,
//! never a second submit.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _};
use tokio::time::Instant;

use super::schedule::Schedule;
use crate::protocol::{JobRef, Push, PushStream};
use crate::{Client, Error, Family, JobState, Protocol, Result, WaitOptions};

/// The updates of one job, ending with the terminal one. Items are the platform's job answers;
/// a failed or canceled job is an item like any other ([`JobState::error`] or [`Updates::wait`]
/// turn it into an error). Errors end the stream: [`Error::Deadline`] when the wait's deadline
/// passes, or the error of a lookup.
///
/// The job is never submitted again: when a push channel breaks, its id is polled.
pub struct Updates<S> {
    inner: BoxStream<'static, Result<S>>,
    family: Option<Family>,
    /// The `wait` span, entered while the stream is read.
    span: tracing::Span,
}

impl<S> std::fmt::Debug for Updates<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Updates").finish_non_exhaustive()
    }
}

impl<S> Stream for Updates<S> {
    type Item = Result<S>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let _entered = this.span.enter();
        this.inner.poll_next_unpin(cx)
    }
}

impl<S: JobState> Updates<S> {
    /// Read the updates to the end: the job that succeeded, or [`Error::JobFailed`],
    /// [`Error::JobCanceled`], [`Error::Deadline`].
    pub async fn wait(self) -> Result<S> {
        self.wait_reporting(|_| {}).await
    }

    /// [`wait`](Self::wait), giving each update to `on_update` first.
    pub async fn wait_reporting(mut self, mut on_update: impl FnMut(&S) + Send) -> Result<S> {
        while let Some(item) = self.next().await {
            let state = item?;
            on_update(&state);
            if state.is_terminal() {
                return match state.error(self.family) {
                    Some(e) => Err(e),
                    None => Ok(state),
                };
            }
        }
        Err(Error::Stream { message: "the stream ended without a terminal status".into() })
    }
}

/// Where following a job starts.
pub(crate) enum Start<S> {
    /// A job as submitted: yielded first, then followed.
    Known(S),
    /// Only the job's id.
    Id,
    /// An open push channel whose first event tells the job's id (skills.video's SSE submit).
    Push(PushStream<S>),
}

/// Follow a job: push channel first where there is one, polling otherwise or when it breaks.
pub(crate) fn follow<P: Protocol>(
    client: Client<P>,
    job: JobRef<P>,
    start: Start<P::State>,
    options: WaitOptions,
) -> Updates<P::State> {
    let family = job.family;
    let idle_timeout = client.core.idle_timeout;
    let span = crate::telemetry::wait_span(P::PLATFORM, &job.id);
    let mut ctx = Ctx {
        client,
        schedule: Schedule::new(options.clone()),
        span: span.clone(),
        options,
        job,
        id_known: true,
        started: Instant::now(),
        idle_timeout,
        last: None,
        pending: None,
        polled: false,
        poll_immediately: false,
    };
    let phase = match start {
        Start::Known(first) => {
            ctx.pending = Some(first);
            Phase::Open
        }
        Start::Id => Phase::Open,
        Start::Push(events) => {
            ctx.id_known = false;
            Phase::Push(events)
        }
    };
    let inner = futures_util::stream::unfold((ctx, phase), |(mut ctx, phase)| async move {
        let (item, phase) = step(&mut ctx, phase).await?;
        Some((item, (ctx, phase)))
    })
    .boxed();
    Updates { inner, family, span }
}

struct Ctx<P: Protocol> {
    client: Client<P>,
    job: JobRef<P>,
    /// False until the first event of a push channel opened by the submit names the job.
    id_known: bool,
    options: WaitOptions,
    started: Instant,
    idle_timeout: Duration,
    /// The last state seen (yielded or polled).
    last: Option<P::State>,
    /// A state to yield before reading on.
    pending: Option<P::State>,
    /// When to poll next.
    schedule: Schedule,
    /// The `wait` span, told the job id once a push channel opened by the submit names it.
    span: tracing::Span,
    polled: bool,
    /// Poll at once when polling starts (after a push channel failed) rather than after an interval.
    poll_immediately: bool,
}

enum Phase<S> {
    /// Open the platform's push channel, or poll when there is none.
    Open,
    Push(PushStream<S>),
    Poll,
    Done,
}

enum Broke {
    /// The channel ended, failed or went quiet; polling can take over.
    Reason(&'static str),
    /// The server sent an error in the channel.
    Error(Error),
    Deadline,
}

impl<P: Protocol> Ctx<P> {
    fn remaining(&self) -> Option<Duration> {
        self.options.deadline.map(|d| d.saturating_sub(self.started.elapsed()))
    }

    fn past_deadline(&self) -> bool {
        self.remaining().is_some_and(|r| r.is_zero())
    }

    fn deadline_error(&self) -> Error {
        Error::Deadline {
            id: self.job.id.clone(),
            deadline: self.options.deadline.unwrap_or_default(),
            last_status: self.last.as_ref().map(|s| s.raw_status().to_string()).unwrap_or_else(|| "unknown".into()),
        }
    }

    /// Whether `state` differs from the last one seen in status, progress or activity (a queue
    /// position, a log line).
    fn changed(&self, state: &P::State) -> bool {
        self.last.as_ref().is_none_or(|last| {
            last.raw_status() != state.raw_status()
                || last.progress() != state.progress()
                || last.activity() != state.activity()
        })
    }

    /// Record a state that is yielded; the phase to go on in.
    fn saw(&mut self, state: &P::State, phase: Phase<P::State>) -> Phase<P::State> {
        if !self.id_known {
            self.job.id = state.job_id().to_string();
            self.span.record("job.id", self.job.id.as_str());
            self.id_known = true;
        }
        self.schedule.observe(self.started.elapsed(), state.progress());
        self.last = Some(state.clone());
        if state.is_terminal() {
            Phase::Done
        } else {
            phase
        }
    }

    /// `fut`, or `None` when the deadline passes first (with a short grace so a deadline is not
    /// lost to a slow answer).
    async fn within_deadline<T>(&self, fut: impl Future<Output = T>) -> Option<T> {
        match self.remaining() {
            Some(remaining) => tokio::time::timeout(remaining.max(Duration::from_millis(50)), fut).await.ok(),
            None => Some(fut.await),
        }
    }

    /// Sleep (unless this is the first poll and polling should start at once), then `GET` the
    /// job. [`Error::Deadline`] when the deadline passes first.
    async fn poll(&mut self) -> Result<P::State> {
        let wait = if self.poll_immediately && !self.polled { Duration::ZERO } else { self.schedule.next_wait() };
        self.polled = true;
        match self.remaining() {
            Some(remaining) if remaining.is_zero() => return Err(self.deadline_error()),
            // Sleep to the deadline at most, then look one last time.
            Some(remaining) => tokio::time::sleep(wait.min(remaining)).await,
            None => tokio::time::sleep(wait).await,
        }
        let state =
            self.within_deadline(P::fetch(&self.client, &self.job)).await.ok_or_else(|| self.deadline_error())??;
        self.schedule.observe(self.started.elapsed(), state.progress());
        tracing::debug!(
            name: "poll",
            status = state.raw_status(),
            progress = state.progress(),
            waited_ms = wait.as_millis() as u64,
            elapsed_ms = self.started.elapsed().as_millis() as u64,
            "poll"
        );
        Ok(state)
    }

    /// The next state of a push channel.
    async fn read_push(&self, events: &mut PushStream<P::State>) -> std::result::Result<P::State, Broke> {
        let wait = match self.remaining() {
            Some(r) if r.is_zero() => return Err(Broke::Deadline),
            Some(r) => r.min(self.idle_timeout),
            None => self.idle_timeout,
        };
        match tokio::time::timeout(wait, events.next()).await {
            Err(_) if self.past_deadline() => Err(Broke::Deadline),
            Err(_) => Err(Broke::Reason("went quiet")),
            Ok(None) => Err(Broke::Reason("ended")),
            Ok(Some(Push::Broken(_))) => Err(Broke::Reason("broke")),
            Ok(Some(Push::Error(e))) => Err(Broke::Error(e)),
            Ok(Some(Push::State(state))) => {
                tracing::debug!(
                    name: "push_event",
                    status = state.raw_status(),
                    progress = state.progress(),
                    job.id = state.job_id(),
                    "push_event"
                );
                Ok(state)
            }
        }
    }
}

/// One item of the updates and the phase after it; `None` at the end.
async fn step<P: Protocol>(
    ctx: &mut Ctx<P>,
    mut phase: Phase<P::State>,
) -> Option<(Result<P::State>, Phase<P::State>)> {
    if let Some(first) = ctx.pending.take() {
        let next = ctx.saw(&first, phase);
        return Some((Ok(first), next));
    }
    loop {
        phase = match phase {
            Phase::Done => return None,
            Phase::Open => match P::push(&ctx.client, &ctx.job, ctx.last.as_ref()) {
                None => Phase::Poll,
                Some(open) => match ctx.within_deadline(open).await {
                    None => return Some((Err(ctx.deadline_error()), Phase::Done)),
                    Some(Ok(events)) => Phase::Push(events),
                    // No usable channel (not offered, refused): polling tells the rest.
                    Some(Err(e)) => {
                        tracing::info!(name: "push_broken", reason = %e, "no push channel; polling");
                        ctx.poll_immediately = true;
                        Phase::Poll
                    }
                },
            },
            Phase::Push(mut events) => {
                let broke = match ctx.read_push(&mut events).await {
                    Ok(state) if !ctx.changed(&state) && !state.is_terminal() => {
                        phase = Phase::Push(events);
                        continue;
                    }
                    Ok(mut state) => {
                        if state.is_terminal() && P::needs_refresh(&state) {
                            if let Some(Ok(full)) = ctx.within_deadline(P::refresh(&ctx.client, &ctx.job, &state)).await
                            {
                                if full.is_terminal() {
                                    state = full;
                                }
                            }
                        }
                        let next = ctx.saw(&state, Phase::Push(events));
                        return Some((Ok(state), next));
                    }
                    Err(Broke::Deadline) => return Some((Err(ctx.deadline_error()), Phase::Done)),
                    Err(Broke::Error(err)) if !ctx.id_known => return Some((Err(err), Phase::Done)),
                    Err(Broke::Error(_)) => "sent an error",
                    Err(Broke::Reason(reason)) => reason,
                };
                if !ctx.id_known {
                    let err = Error::Stream {
                        message: format!(
                            "the event stream {broke} before the job id was known; the job may have been created"
                        ),
                    };
                    return Some((Err(err), Phase::Done));
                }
                // We know the job: follow it by polling, never by submitting again.
                tracing::info!(name: "push_broken", reason = broke, "push channel {broke}; polling takes over");
                ctx.poll_immediately = true;
                Phase::Poll
            }
            Phase::Poll => match ctx.poll().await {
                Err(e) => return Some((Err(e), Phase::Done)),
                Ok(state) => {
                    if state.is_terminal() || ctx.changed(&state) {
                        let next = ctx.saw(&state, Phase::Poll);
                        return Some((Ok(state), next));
                    }
                    if ctx.past_deadline() {
                        return Some((Err(ctx.deadline_error()), Phase::Done));
                    }
                    Phase::Poll
                }
            },
        };
    }
}
