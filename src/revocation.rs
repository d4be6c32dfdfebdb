//! A record of revoked tokens that forgets each entry once the token it guards has expired.
//!
//! Two maps: revoked `jti`s, and per-subject cut-offs ("every token of this `sub` issued before T").
//! Each entry carries the instant after which it can no longer matter (`until`: the token's `exp`, or the
//! cut-off plus the longest token lifetime), and is dropped after it. Time is always passed in (unix
//! seconds from the JS clock): nothing here reads a clock.
//!
//! Keys are the first 16 bytes of the SHA-256 of the claim, not the claim itself: every entry is then a
//! fixed 24 bytes inside the table, with no allocation of its own, so memory is predictable and is given
//! back whole when the table shrinks. Two distinct claims sharing a 128-bit prefix of SHA-256 is not a
//! practical event.

use std::collections::HashMap;

use ring::digest::{digest, SHA256};

/// Below this many entries a map is not pruned on insert: scanning a small table buys nothing.
const MIN_PRUNE_LEN: usize = 1024;

pub(crate) type Fingerprint = [u8; 16];

/// The first 16 bytes of the SHA-256 of `claim`: a fixed-size key that needs no allocation.
pub(crate) fn fingerprint(claim: &str) -> Fingerprint {
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest(&SHA256, claim.as_bytes()).as_ref()[..16]);
    out
}

/// A map whose entries expire. Pruning is amortised: an insert that finds the map at twice the size it
/// had after the last prune scans it once, so each insert pays O(1) on average and the map never holds
/// more than about twice the entries that were alive at the last prune (or `MIN_PRUNE_LEN`).
#[derive(Debug)]
pub(crate) struct ExpiringMap<V> {
    entries: HashMap<Fingerprint, (f64, V)>,
    prune_at_len: usize,
}

impl<V: Copy> ExpiringMap<V> {
    pub(crate) fn new() -> Self {
        Self {
            entries: HashMap::new(),
            prune_at_len: MIN_PRUNE_LEN,
        }
    }

    pub(crate) fn get(&self, key: &Fingerprint, now: f64) -> Option<V> {
        match self.entries.get(key) {
            Some(&(until, value)) if until > now => Some(value),
            _ => None,
        }
    }

    /// Inserts or merges with `merge(old, new)` when the key is alive; the entry keeps the later `until`.
    pub(crate) fn upsert(
        &mut self,
        key: Fingerprint,
        until: f64,
        value: V,
        now: f64,
        merge: fn(V, V) -> V,
    ) {
        if self.entries.len() >= self.prune_at_len {
            self.prune(now);
        }
        let entry = self.entries.entry(key).or_insert((until, value));
        if entry.0 > now {
            *entry = (entry.0.max(until), merge(entry.1, value));
        } else {
            *entry = (until, value);
        }
    }

    /// Drops every entry whose `until` has passed and gives back table memory that is mostly empty.
    pub(crate) fn prune(&mut self, now: f64) -> usize {
        let before = self.entries.len();
        self.entries.retain(|_, &mut (until, _)| until > now);
        let len = self.entries.len();
        if self.entries.capacity() > 4 * len.max(MIN_PRUNE_LEN) {
            self.entries.shrink_to(2 * len);
        }
        self.prune_at_len = (2 * len).max(MIN_PRUNE_LEN);
        before - len
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Revoked token ids and per-subject cut-offs. `is_revoked` is two hash lookups.
#[derive(Debug)]
pub struct RevocationList {
    jtis: ExpiringMap<()>,
    /// `sub` → tokens with `iat` before this instant (unix seconds) are revoked.
    cutoffs: ExpiringMap<f64>,
}

impl Default for RevocationList {
    fn default() -> Self {
        Self::new()
    }
}

impl RevocationList {
    pub fn new() -> Self {
        Self {
            jtis: ExpiringMap::new(),
            cutoffs: ExpiringMap::new(),
        }
    }

    /// Revokes the token `jti` until `until` (its `exp`, plus any clock tolerance). Returns false, and
    /// records nothing, when `until` has already passed: the token is refused as expired anyway.
    pub fn revoke(&mut self, jti: &str, until: f64, now: f64) -> bool {
        if until.is_nan() || until <= now {
            return false;
        }
        self.jtis
            .upsert(fingerprint(jti), until, (), now, |_, _| ());
        true
    }

    /// Revokes every token of `sub` issued before `issued_before`, remembered until `until` (when the last
    /// such token has expired). A later cut-off for the same subject keeps the latest of both.
    pub fn revoke_all_for(&mut self, sub: &str, issued_before: f64, until: f64, now: f64) -> bool {
        if until.is_nan() || until <= now || issued_before.is_nan() {
            return false;
        }
        self.cutoffs
            .upsert(fingerprint(sub), until, issued_before, now, f64::max);
        true
    }

    /// Whether a token with these claims is revoked at `now`. A token without `iat` counts as issued before
    /// any cut-off of its subject: nothing shows it is newer.
    pub fn is_revoked(
        &self,
        jti: Option<&str>,
        sub: Option<&str>,
        iat: Option<f64>,
        now: f64,
    ) -> bool {
        if let Some(jti) = jti {
            if self.jtis.get(&fingerprint(jti), now).is_some() {
                return true;
            }
        }
        if let Some(sub) = sub {
            if let Some(issued_before) = self.cutoffs.get(&fingerprint(sub), now) {
                return match iat {
                    Some(iat) if !iat.is_nan() => iat < issued_before,
                    _ => true,
                };
            }
        }
        false
    }

    /// Drops every entry that can no longer matter at `now`; returns how many went.
    pub fn prune(&mut self, now: f64) -> usize {
        self.jtis.prune(now) + self.cutoffs.prune(now)
    }

    /// Entries held, expired ones not yet pruned included.
    pub fn len(&self) -> usize {
        self.jtis.len() + self.cutoffs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_700_000_000.0;

    #[test]
    fn a_revoked_jti_is_revoked_until_its_expiry() {
        let mut list = RevocationList::new();
        assert!(list.revoke("a", NOW + 60.0, NOW));
        assert!(list.is_revoked(Some("a"), None, None, NOW));
        assert!(list.is_revoked(Some("a"), None, None, NOW + 59.9));
        assert!(!list.is_revoked(Some("a"), None, None, NOW + 60.0));
        assert!(!list.is_revoked(Some("b"), None, None, NOW));
        assert!(!list.is_revoked(None, None, None, NOW));
    }

    #[test]
    fn an_expired_token_is_not_recorded() {
        let mut list = RevocationList::new();
        assert!(!list.revoke("a", NOW, NOW));
        assert!(!list.revoke("b", NOW - 1.0, NOW));
        assert!(!list.revoke("c", f64::NAN, NOW));
        assert!(list.is_empty());
    }

    #[test]
    fn revoking_again_keeps_the_later_expiry() {
        let mut list = RevocationList::new();
        list.revoke("a", NOW + 60.0, NOW);
        list.revoke("a", NOW + 10.0, NOW);
        assert!(list.is_revoked(Some("a"), None, None, NOW + 30.0));
        assert_eq!(list.len(), 1);
    }

    #[test]
    fn an_expired_entry_is_replaced_not_merged() {
        let mut list = RevocationList::new();
        list.revoke_all_for("u", NOW, NOW + 10.0, NOW);
        list.revoke_all_for("u", NOW - 100.0, NOW + 100.0, NOW + 20.0);
        assert!(list.is_revoked(None, Some("u"), Some(NOW - 101.0), NOW + 30.0));
        assert!(!list.is_revoked(None, Some("u"), Some(NOW - 50.0), NOW + 30.0));
    }

    #[test]
    fn a_cutoff_revokes_older_tokens_of_its_subject_only() {
        let mut list = RevocationList::new();
        assert!(list.revoke_all_for("u", NOW, NOW + 3600.0, NOW));
        assert!(list.is_revoked(None, Some("u"), Some(NOW - 1.0), NOW));
        assert!(!list.is_revoked(None, Some("u"), Some(NOW), NOW));
        assert!(!list.is_revoked(None, Some("u"), Some(NOW + 1.0), NOW + 1.0));
        assert!(!list.is_revoked(None, Some("v"), Some(NOW - 1.0), NOW));
        assert!(list.is_revoked(Some("x"), Some("u"), None, NOW));
        assert!(list.is_revoked(None, Some("u"), Some(f64::NAN), NOW));
        assert!(!list.is_revoked(None, Some("u"), Some(NOW - 1.0), NOW + 3600.0));
    }

    #[test]
    fn the_latest_cutoff_wins() {
        let mut list = RevocationList::new();
        list.revoke_all_for("u", NOW + 10.0, NOW + 100.0, NOW);
        list.revoke_all_for("u", NOW, NOW + 50.0, NOW);
        assert!(list.is_revoked(None, Some("u"), Some(NOW + 5.0), NOW + 80.0));
    }

    #[test]
    fn prune_drops_only_expired_entries() {
        let mut list = RevocationList::new();
        list.revoke("a", NOW + 10.0, NOW);
        list.revoke("b", NOW + 20.0, NOW);
        list.revoke_all_for("u", NOW, NOW + 10.0, NOW);
        assert_eq!(list.prune(NOW + 10.0), 2);
        assert_eq!(list.len(), 1);
        assert!(list.is_revoked(Some("b"), None, None, NOW + 10.0));
    }

    #[test]
    fn inserts_keep_the_map_bounded_by_live_entries() {
        let mut list = RevocationList::new();
        // Each token lives 100 s and one is revoked per second: at most 100 are alive at once.
        let mut most = 0;
        for i in 0..100_000 {
            let now = NOW + i as f64;
            list.revoke(&i.to_string(), now + 100.0, now);
            most = most.max(list.len());
        }
        assert!(most <= MIN_PRUNE_LEN, "held {most}");
    }

    #[test]
    fn prune_gives_table_memory_back() {
        let mut list = RevocationList::new();
        for i in 0..50_000 {
            list.revoke(&i.to_string(), NOW + 10.0, NOW);
        }
        let grown = list.jtis.entries.capacity();
        assert_eq!(list.prune(NOW + 10.0), 50_000);
        assert!(list.jtis.entries.capacity() < grown / 8);
    }
}
