//! The DPoP replay cache in memory: the proofs seen, each remembered until its `iat` window has closed (after
//! that the proof is refused for its age anyway), and a bound on how many are held at once.
//!
//! Entries are fixed-size fingerprints in the revocation list's expiring map. When the cache is full of proofs
//! still inside their window it refuses new ones rather than forget one: forgetting would let that proof be
//! replayed.

use crate::error::{Code, Error, Result};
use crate::revocation::{fingerprint, ExpiringMap};

#[derive(Debug)]
pub struct ReplayCache {
    seen: ExpiringMap<()>,
    capacity: usize,
}

impl ReplayCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: ExpiringMap::new(),
            capacity,
        }
    }

    /// Records `id` until `until` (unix seconds): `Ok(true)` the first time, `Ok(false)` for an id already
    /// held, an error when the cache is full of live entries.
    pub fn remember(&mut self, id: &str, until: f64, now: f64) -> Result<bool> {
        let key = fingerprint(id);
        if self.seen.get(&key, now).is_some() {
            return Ok(false);
        }
        if self.seen.len() >= self.capacity {
            self.seen.prune(now);
            if self.seen.len() >= self.capacity {
                return Err(Error::new(
                    Code::DpopReplayCacheFull,
                    "the DPoP replay cache is full: the proof is refused",
                ));
            }
        }
        self.seen.upsert(key, until, (), now, |_, _| ());
        Ok(true)
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
        assert_eq!(cache.remember("b", 10.0, 0.0), Ok(true));
        assert_eq!(
            cache.remember("c", 100.0, 5.0).unwrap_err().code,
            Code::DpopReplayCacheFull
        );
        // "b" has expired by 20: its room goes to "c".
        assert_eq!(cache.remember("c", 100.0, 20.0), Ok(true));
        assert_eq!(cache.remember("a", 200.0, 100.0), Ok(true));
    }
}
