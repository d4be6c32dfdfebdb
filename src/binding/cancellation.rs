//! `Cancellation`: a flag JS raises when an `AbortSignal` fires; work queued on the thread pool checks it before
//! it starts. napi-rs's own `AbortSignal` support keeps native memory for every call that passes a signal, so
//! cancellation goes through this small handle instead.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use napi_derive::napi;

#[napi]
#[derive(Default)]
pub struct Cancellation {
    flag: Arc<AtomicBool>,
}

#[napi]
impl Cancellation {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Work that has not started yet will not start.
    #[napi]
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }
}

impl Cancellation {
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }
}

/// The error a task cancelled before it started settles with; JS replaces it with the signal's reason.
pub(crate) fn check(flag: &Option<Arc<AtomicBool>>) -> napi::Result<()> {
    match flag {
        Some(flag) if flag.load(Ordering::Relaxed) => Err(napi::Error::new(
            napi::Status::Cancelled,
            "cancelled before it started",
        )),
        _ => Ok(()),
    }
}
