//! The session core (`session::SessionStore`): sequences of logins, refreshes, checks, ends and prunes, at
//! clock values that move forwards, backwards or become NaN or infinite.
//!
//! Input: lifetimes and a list of operations (decoded with `arbitrary`), over a few ids, subjects and token ids.
//!
//! Invariants, whatever the order:
//! - a session just created is live: `get` finds it, `check` accepts the token it issued, and its times are
//!   ordered (token expiry ≤ session expiry ≤ now + idle, ≤ now + absolute);
//! - a refresh with the current refresh token rotates it: presenting the retired one again ends the session
//!   (`refresh_token_reused`), after which its tokens are refused as ended (or unknown once forgotten);
//! - `end` makes a session unreachable at once; `list` gives only live sessions of that subject, oldest first;
//! - `prune` forgets nothing that `get` would still find;
//! - no clock value, however odd, panics.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use ringjwt::session::{Lifetimes, Refusal, SessionStore};

const IDS: [&str; 5] = [
    "0b8e4e1a-5d7c-4f3e-9a2b-1c6d8e0f2a4b",
    "0B8E4E1A-5D7C-4F3E-9A2B-1C6D8E0F2A4B",
    "session-a",
    "",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
];
const SUBJECTS: [&str; 3] = ["alice", "bob", ""];
const JTIS: [&str; 4] = ["j1", "j2", "4f1c2d3e-0000-4000-8000-000000000001", ""];

#[derive(Arbitrary, Debug)]
enum Step {
    Create {
        id: u8,
        subject: u8,
        jti: u8,
        refresh: u8,
    },
    Refresh {
        id: u8,
        presented: u8,
        next: u8,
        jti: u8,
    },
    Check {
        id: u8,
        jti: u8,
        subject: Option<u8>,
    },
    Get {
        id: u8,
    },
    List {
        subject: u8,
    },
    End {
        id: u8,
    },
    EndAll {
        subject: u8,
    },
    Prune,
}

#[derive(Arbitrary, Debug)]
struct Op {
    /// Milliseconds the clock moves (backwards too), or an odd clock value.
    elapsed: i32,
    odd_clock: Option<u8>,
    step: Step,
}

#[derive(Arbitrary, Debug)]
struct Input {
    access_token: u16,
    idle: u32,
    absolute: u32,
    clock_tolerance: u16,
    ops: Vec<Op>,
}

fn pick<'a>(list: &[&'a str], index: u8) -> &'a str {
    list[usize::from(index) % list.len()]
}

fn digest(n: u8) -> [u8; 32] {
    [n; 32]
}

fuzz_target!(|input: Input| {
    let lifetimes = Lifetimes {
        access_token: f64::from(input.access_token) + 1.0,
        idle: f64::from(input.idle % 10_000_000) + 1.0,
        absolute: f64::from(input.absolute % 100_000_000) + 1.0,
        clock_tolerance: f64::from(input.clock_tolerance),
    };
    let mut store = SessionStore::new(lifetimes).expect("valid lifetimes");
    let mut now = 1_700_000_000_000.0f64;
    let mut creates = 0;
    for op in input.ops.iter().take(64) {
        let at = match op.odd_clock {
            // JS hands in `Date.now()`: any Date lies within ±8.64e15 ms, where adding a lifetime is exact.
            Some(n) => [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                8.64e15,
                -8.64e15,
            ][usize::from(n) % 6],
            None => {
                now += f64::from(op.elapsed);
                now
            }
        };
        match op.step {
            Step::Create {
                id,
                subject,
                jti,
                refresh,
            } => {
                let (id, subject, jti) =
                    (pick(&IDS, id), pick(&SUBJECTS, subject), pick(&JTIS, jti));
                if let Ok(issued) = store.create(id, subject, None, digest(refresh), jti, at) {
                    creates += 1;
                    assert!(at.is_finite());
                    assert!(issued.token_expires_at <= issued.session.expires_at);
                    assert!(issued.session.expires_at <= at + lifetimes.idle);
                    assert!(issued.session.expires_at <= at + lifetimes.absolute);
                    assert_eq!(issued.session.subject, subject);
                    assert_eq!(
                        store.get(id, at).map(|s| s.subject),
                        Some(subject.to_owned())
                    );
                    assert_eq!(store.check(id, jti, Some(subject), at), Ok(()));
                }
            }
            Step::Refresh {
                id,
                presented,
                next,
                jti,
            } => {
                let (id, jti) = (pick(&IDS, id), pick(&JTIS, jti));
                if presented == next {
                    continue;
                }
                if let Ok(issued) = store.refresh(id, &digest(presented), digest(next), jti, at) {
                    assert!(issued.token_expires_at <= issued.session.expires_at);
                    // The check asks for the token's subject: every session has one.
                    let subject = issued.session.subject.clone();
                    assert_eq!(store.check(id, jti, Some(&subject), at), Ok(()));
                    // The retired token, presented again, ends the session.
                    let again = store.refresh(
                        id,
                        &digest(presented),
                        digest(next.wrapping_add(1)),
                        jti,
                        at,
                    );
                    assert_eq!(again.err(), Some(Refusal::RefreshTokenReused));
                    assert_eq!(store.get(id, at), None);
                    let refused = store.check(id, jti, Some(&subject), at).unwrap_err();
                    assert!(
                        matches!(refused, Refusal::SessionEnded | Refusal::SessionUnknown),
                        "{refused:?}"
                    );
                }
            }
            Step::Check { id, jti, subject } => {
                let subject = subject.map(|s| pick(&SUBJECTS, s));
                let (id, jti) = (pick(&IDS, id), pick(&JTIS, jti));
                if store.check(id, jti, subject, at).is_ok() {
                    let session = store
                        .get(id, at)
                        .expect("a session that accepts a token is live");
                    assert!(subject.is_none_or(|s| s == session.subject));
                }
            }
            Step::Get { id } => {
                if let Some(session) = store.get(pick(&IDS, id), at) {
                    assert!(session.expires_at > at);
                }
            }
            Step::List { subject } => {
                let subject = pick(&SUBJECTS, subject);
                let sessions = store.list(subject, at);
                assert!(sessions
                    .iter()
                    .all(|s| s.subject == subject && s.expires_at > at));
                assert!(sessions
                    .windows(2)
                    .all(|w| w[0].created_at <= w[1].created_at));
            }
            Step::End { id } => {
                let id = pick(&IDS, id);
                let live = store.get(id, at).is_some();
                assert_eq!(store.end(id, at), live);
                assert_eq!(store.get(id, at), None);
            }
            Step::EndAll { subject } => {
                let subject = pick(&SUBJECTS, subject);
                let live = store.list(subject, at).len();
                assert_eq!(store.end_all(subject, at), live);
                assert!(store.list(subject, at).is_empty());
            }
            Step::Prune => {
                let before: Vec<_> = IDS.iter().map(|id| store.get(id, at)).collect();
                store.prune(at);
                let after: Vec<_> = IDS.iter().map(|id| store.get(id, at)).collect();
                assert_eq!(before, after);
            }
        }
        assert!(store.len() <= creates);
    }
});
