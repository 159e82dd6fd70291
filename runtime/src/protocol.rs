//! The platform trait: what makes one hosting platform different from another, to the one
//! generic [`Client`](crate::Client).
//!
//! A platform is a marker type ([`SkillsVideo`](crate::skills_video::SkillsVideo),
//! [`MindVideo`](crate::mindvideo::MindVideo), [`V2`](crate::v2::V2),
//! [`Aimlapi`](crate::aimlapi::Aimlapi)) implementing [`Protocol`]: its environment variables and
//! default host, its job answer, what it needs beside a job's id to look the job up, how it
//! submits, how it looks a job up and whether it pushes updates. The trait is sealed; the
//! protocol's methods live on the sealed supertrait, which only this crate can name or call.

use std::fmt;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use serde_json::Value;

use crate::http::Env;
use crate::input::CallInput;
use crate::{Client, Error, Family, Job, JobState, ModelInfo, Platform, Result};

/// One hosting platform's protocol. Sealed: implemented by the platform markers of this crate.
pub trait Protocol: sealed::Sealed + Copy + Default + fmt::Debug + Send + Sync + Unpin + 'static {
    /// Which platform this is.
    const PLATFORM: Platform;
    /// The platform's answer about a job (`skills_video::Generation`, `mindvideo::Task`, ...).
    type State: JobState;
    /// What the platform needs beside a job's id to look the job up: the relay scope on v2,
    /// whether a job was followed or answered at once on AI/ML API, nothing (`()`) elsewhere.
    type JobKey: JobKey;
    /// Options of one call that only this platform has (MindVideo's idempotency key); `()` on
    /// the others.
    type CallOptions: Clone + fmt::Debug + Default + Send + Sync + 'static;
}

pub(crate) mod sealed {
    use super::*;

    /// Keeps [`super::Protocol`] implemented by this crate only, and holds the protocol's
    /// methods, which only the lifecycle calls (this trait cannot be named outside the crate).
    pub trait Sealed: Sized {
        /// Where the settings come from when the builder leaves them unset.
        const ENV: Env;

        /// Whether local files go inline into the JSON body as `data:` URIs (streamed from disk
        /// at send time); the body of [`Sealed::body`] keeps their markers.
        const DATA_URIS: bool = false;

        /// The request body of a call, after the schema checks.
        fn body<'a>(call: Submission<'a, Self>) -> BoxFuture<'a, Result<Value>>
        where
            Self: Protocol;

        /// Send the submit; the job as the platform answered it.
        fn submit<'a>(client: &'a Client<Self>, call: Submission<'a, Self>) -> BoxFuture<'a, Result<Job<Self>>>
        where
            Self: Protocol;

        /// `GET` the job.
        fn fetch<'a>(
            client: &'a Client<Self>,
            job: &'a JobRef<Self>,
        ) -> BoxFuture<'a, Result<<Self as Protocol>::State>>
        where
            Self: Protocol;

        /// Open the platform's push channel for a job whose id is known, starting from the last state
        /// seen; `None` when the platform has no such channel.
        fn push(
            _client: &Client<Self>,
            _job: &JobRef<Self>,
            _last: Option<&<Self as Protocol>::State>,
        ) -> Option<BoxFuture<'static, Result<PushStream<<Self as Protocol>::State>>>>
        where
            Self: Protocol,
        {
            None
        }

        /// Whether a terminal state that came through the push channel lacks what a `GET` gives
        /// (outputs, cost), so the job is looked up once more.
        fn needs_refresh(_state: &<Self as Protocol>::State) -> bool
        where
            Self: Protocol,
        {
            false
        }

        /// Complete a terminal state from the push channel that [`needs_refresh`](Self::needs_refresh):
        /// by default a `GET` of the job ([`fetch`](Self::fetch)).
        fn refresh<'a>(
            client: &'a Client<Self>,
            job: &'a JobRef<Self>,
            _pushed: &'a <Self as Protocol>::State,
        ) -> BoxFuture<'a, Result<<Self as Protocol>::State>>
        where
            Self: Protocol,
        {
            Self::fetch(client, job)
        }

        /// Give a state what it cannot read from the platform's answer (a v2 task's output kind,
        /// from its scope).
        fn attach(_state: &mut <Self as Protocol>::State, _job: &JobRef<Self>)
        where
            Self: Protocol,
        {
        }

        /// Ask the platform to stop the job; [`Error::Unsupported`] where it documents no way.
        fn cancel<'a>(_client: &'a Client<Self>, _job: &'a JobRef<Self>) -> BoxFuture<'a, Result<()>>
        where
            Self: Protocol,
        {
            Box::pin(async { Err(Error::Unsupported { platform: Self::PLATFORM, what: "cancel a job" }) })
        }

        /// The result document of a finished job, which a model's typed `Output` reads: the state
        /// itself, except where the platform keeps the result apart (fal's `GET /requests/{id}`).
        fn result<'a>(
            _client: &'a Client<Self>,
            _job: &'a JobRef<Self>,
            state: &'a <Self as Protocol>::State,
        ) -> BoxFuture<'a, Result<Value>>
        where
            Self: Protocol,
        {
            Box::pin(async move { serde_json::to_value(state).map_err(|e| Error::Encode { message: e.to_string() }) })
        }

        /// The key of a job of `model`, for a lookup by id.
        fn job_key(model: &ModelInfo) -> <Self as Protocol>::JobKey
        where
            Self: Protocol;
    }
}

/// What a platform keeps beside a job's id. Stored in a [`JobHandle`](crate::JobHandle) as its
/// `scope` field, so handles written before the key was typed still load.
pub trait JobKey: Clone + fmt::Debug + PartialEq + Send + Sync + Unpin + 'static {
    /// The key as a handle's `scope` (`None` when there is nothing to keep).
    fn to_scope(&self) -> Option<String>;
    /// The key from a handle's `scope`; the reason when it is not one of this platform's.
    fn from_scope(scope: Option<&str>) -> std::result::Result<Self, String>;
}

impl JobKey for () {
    fn to_scope(&self) -> Option<String> {
        None
    }
    fn from_scope(_scope: Option<&str>) -> std::result::Result<Self, String> {
        Ok(())
    }
}

/// Where a job lives on platform `P`: its id, the key the platform needs beside it, and the
/// error family of its model (which types failure codes that name none).
#[derive(Debug, Clone, PartialEq)]
pub struct JobRef<P: Protocol> {
    pub(crate) id: String,
    pub(crate) family: Option<Family>,
    pub(crate) key: P::JobKey,
}

impl<P: Protocol> JobRef<P> {
    /// A job by id and key.
    pub fn new(id: impl Into<String>, key: P::JobKey) -> Self {
        JobRef { id: id.into(), family: None, key }
    }

    /// The error family of the job's model, which types failure codes that name none
    /// (`FAILED` rather than `VIDEO_GENERATION_FAILED`).
    pub fn with_family(mut self, family: Family) -> Self {
        self.family = Some(family);
        self
    }

    /// A job of a model of the registry by id (the key and error family from the model).
    pub fn for_model(model: &ModelInfo, id: impl Into<String>) -> Self {
        debug_assert_eq!(model.platform, P::PLATFORM, "{} is not a model of this platform", model.id);
        JobRef { id: id.into(), family: Some(crate::answer::family_of(model.kind)), key: P::job_key(model) }
    }

    /// The job id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key the platform needs beside the id.
    pub fn key(&self) -> &P::JobKey {
        &self.key
    }
}

/// What a call hands its platform to submit: the input and the platform's call options.
#[doc(hidden)]
pub struct Submission<'a, P: Protocol> {
    pub(crate) input: &'a dyn CallInput,
    pub(crate) options: &'a P::CallOptions,
}

impl<P: Protocol> Clone for Submission<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P: Protocol> Copy for Submission<'_, P> {}

/// One item of a platform's push channel.
#[doc(hidden)]
pub enum Push<S> {
    /// A state of the job.
    State(S),
    /// An error the server sent in the stream.
    Error(Error),
    /// The stream broke (the reason); polling takes over.
    Broken(String),
}

/// A platform's push channel as job states.
#[doc(hidden)]
pub(crate) type PushStream<S> = BoxStream<'static, Push<S>>;
