//! The DPoP replay cache in memory: the proofs seen, each remembered until its `iat` window has closed (after
//! that the proof is refused for its age anyway), and a bound on how many are held at once.
//!
//! Entries are fixed-size fingerprints in a hash map (fingerprint → `until`), with a queue of the same entries in
//! the order they were recorded. Every proof is held for the same window after its `iat`, so entries expire
//! roughly in that order: each call drops the expired entries at the front of the queue, which costs O(1)
//! amortised, and the map is never scanned. An entry that expires before one recorded ahead of it (an `iat`
//! earlier than the proof's before it, or a shorter window) waits behind that one: it is dropped late, never
//! early, so it is kept longer than needed, never shorter. A room freed that way is what a full cache waits for.
//!
//! When the cache is full of proofs still inside their window it refuses new ones rather than forget one:
//! forgetting would let that proof be replayed.

use std::collections::{HashMap, VecDeque};

use crate::error::{Code, Error, Result};
use crate::revocation::{fingerprint, Fingerprint};

/// Below this many entries the map and the queue keep the memory they have.
const MIN_SHRINK_LEN: usize = 1024;

#[derive(Debug)]
pub struct ReplayCache {
    /// Fingerprint → until (unix seconds): the entry is alive while `until > now`.
    seen: HashMap<Fingerprint, f64>,
    /// `(until, fingerprint)` in the order recorded. An entry whose fingerprint was recorded again after it had
    /// expired is stale (the map holds the later `until`): popping it removes nothing.
    order: VecDeque<(f64, Fingerprint)>,
    capacity: usize,
}

impl ReplayCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Records `id` until `until` (unix seconds): `Ok(true)` the first time, `Ok(false)` for an id already
    /// held, an error when the cache is full of live entries.
    pub fn remember(&mut self, id: &str, until: f64, now: f64) -> Result<bool> {
        self.expire(now);
        let key = fingerprint(id);
        let held = self.seen.get(&key).copied();
        if matches!(held, Some(held) if held > now) {
            return Ok(false);
        }
        // A proof whose window has already closed cannot be replayed: it needs no room.
        if until <= now {
            return Ok(true);
        }
        // An expired entry of the same id, still waiting behind a live one, is replaced where it is in the map.
        if held.is_none() && self.seen.len() >= self.capacity {
            return Err(Error::new(
                Code::DpopReplayCacheFull,
                "the DPoP replay cache is full: the proof is refused",
            ));
        }
        self.seen.insert(key, until);
        self.order.push_back((until, key));
        Ok(true)
    }

    /// Drops the entries at the front of the queue whose `until` has passed, and gives back memory that is
    /// mostly empty.
    fn expire(&mut self, now: f64) {
        let mut dropped = false;
        while let Some(&(until, key)) = self.order.front() {
            if until > now {
                break;
            }
            self.order.pop_front();
            // Only the entry this queue slot recorded: a later record of the same id keeps its own.
            if self.seen.get(&key) == Some(&until) {
                self.seen.remove(&key);
            }
            dropped = true;
        }
        if dropped {
            let len = self.order.len();
            if self.order.capacity() > 4 * len.max(MIN_SHRINK_LEN) {
                self.order.shrink_to(2 * len);
            }
            let len = self.seen.len();
            if self.seen.capacity() > 4 * len.max(MIN_SHRINK_LEN) {
                self.seen.shrink_to(2 * len);
            }
        }
    }

    /// When the next room frees: the `until` of the entry at the front of the queue (unix seconds), if any.
    pub fn next_expiry(&self) -> Option<f64> {
        self.order.front().map(|&(until, _)| until)
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_until_the_window_closes_and_refuses_when_full() {
        let mut cache = ReplayCache::new(2);
        assert_eq!(cache.remember("a", 100.0, 0.0), Ok(true));
        assert_eq!(cache.remember("a", 100.0, 50.0), Ok(false));
        assert_eq!(cache.remember("b", 110.0, 0.0), Ok(true));
        assert_eq!(
            cache.remember("c", 100.0, 5.0).unwrap_err().code,
            Code::DpopReplayCacheFull
        );
        // "a" has expired by 100: its room goes to "c".
        assert_eq!(cache.remember("c", 200.0, 100.0), Ok(true));
        assert_eq!(cache.remember("b", 200.0, 105.0), Ok(false));
        assert_eq!(
            cache.remember("a", 200.0, 105.0).unwrap_err().code,
            Code::DpopReplayCacheFull
        );
        assert_eq!(cache.remember("a", 300.0, 110.0), Ok(true));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn expires_from_the_front_of_the_queue_in_the_order_recorded() {
        let mut cache = ReplayCache::new(3);
        assert_eq!(cache.remember("a", 10.0, 0.0), Ok(true));
        assert_eq!(cache.remember("b", 20.0, 0.0), Ok(true));
        assert_eq!(cache.remember("c", 30.0, 0.0), Ok(true));
        assert_eq!(cache.next_expiry(), Some(10.0));
        // Full: at 10 "a" leaves (an entry lives while until > now), and only "a".
        assert_eq!(
            cache.remember("d", 40.0, 9.0).unwrap_err().code,
            Code::DpopReplayCacheFull
        );
        assert_eq!(cache.remember("d", 40.0, 10.0), Ok(true));
        assert_eq!(cache.next_expiry(), Some(20.0));
        assert_eq!(cache.remember("b", 50.0, 19.0), Ok(false));
        // At 30 "b" and "c" leave together.
        assert_eq!(cache.remember("e", 60.0, 30.0), Ok(true));
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.next_expiry(), Some(40.0));
    }

    #[test]
    fn an_entry_that_expires_before_one_ahead_of_it_is_dropped_late_never_early() {
        let mut cache = ReplayCache::new(2);
        assert_eq!(cache.remember("long", 100.0, 0.0), Ok(true));
        assert_eq!(cache.remember("short", 10.0, 0.0), Ok(true));
        // "short" has expired but waits behind "long": it is not a replay, yet its room is not free.
        assert_eq!(
            cache.remember("x", 200.0, 50.0).unwrap_err().code,
            Code::DpopReplayCacheFull
        );
        assert_eq!(cache.remember("short", 200.0, 50.0), Ok(true));
        assert_eq!(cache.remember("short", 200.0, 60.0), Ok(false));
        assert_eq!(cache.len(), 2);
        // "long" leaves at 100; the stale queue slot of the first "short" removes nothing.
        assert_eq!(cache.remember("x", 300.0, 100.0), Ok(true));
        assert_eq!(cache.remember("short", 300.0, 150.0), Ok(false));
        assert_eq!(cache.next_expiry(), Some(200.0));
        // At 200 the second "short" leaves; "x" stays until 300.
        assert_eq!(cache.remember("y", 400.0, 200.0), Ok(true));
        assert_eq!(cache.remember("x", 400.0, 250.0), Ok(false));
        assert_eq!(
            cache.remember("short", 400.0, 250.0).unwrap_err().code,
            Code::DpopReplayCacheFull
        );
    }
}
