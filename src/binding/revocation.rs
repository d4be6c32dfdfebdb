//! `NativeRevocationList`: the in-process token store's state. Times are unix seconds from the JS clock.

use napi_derive::napi;

use crate::revocation::RevocationList;

#[napi]
pub struct NativeRevocationList {
    inner: RevocationList,
}

#[napi]
impl NativeRevocationList {
    #[napi(constructor, catch_unwind)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            inner: RevocationList::new(),
        }
    }

    /// Revokes `jti` until `until`; false (nothing recorded) when `until` is not after `now`.
    #[napi(catch_unwind)]
    pub fn revoke(&mut self, jti: String, until: f64, now: f64) -> bool {
        self.inner.revoke(&jti, until, now)
    }

    /// Revokes the tokens of `sub` issued before `issuedBefore`, remembered until `until`.
    #[napi(catch_unwind)]
    pub fn revoke_all_for(
        &mut self,
        sub: String,
        issued_before: f64,
        until: f64,
        now: f64,
    ) -> bool {
        self.inner.revoke_all_for(&sub, issued_before, until, now)
    }

    /// Whether a token with these claims is revoked at `now`.
    #[napi(catch_unwind)]
    pub fn is_revoked(
        &self,
        jti: Option<String>,
        sub: Option<String>,
        iat: Option<f64>,
        now: f64,
    ) -> bool {
        self.inner
            .is_revoked(jti.as_deref(), sub.as_deref(), iat, now)
    }

    /// Drops the entries that can no longer matter at `now`; returns how many went.
    #[napi(catch_unwind)]
    pub fn prune(&mut self, now: f64) -> u32 {
        u32::try_from(self.inner.prune(now)).unwrap_or(u32::MAX)
    }

    /// Entries held, expired ones not yet pruned included.
    #[napi(getter, catch_unwind)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}
