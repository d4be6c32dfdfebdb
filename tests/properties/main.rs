//! Property-based tests of the core: each property runs on a bounded number of random cases from a fixed seed
//! (`PROPTEST_RNG_SEED=<n>` tries another, `PROPTEST_CASES=<n>` more cases), so `cargo test` stays a few seconds.

mod claims;
mod curve;
mod dpop;
mod jwe;
mod keys;
mod token;

use proptest::test_runner::{Config, RngSeed};

/// The seed used unless `PROPTEST_RNG_SEED` gives one: a failure then reproduces on every run.
const SEED: u64 = 20_261_129;

/// `cases` random cases from the fixed seed, with no regression files written into the tree.
pub fn config(cases: u32) -> Config {
    let mut config = Config::with_cases(cases);
    if std::env::var_os("PROPTEST_CASES").is_some() {
        config.cases = Config::default().cases;
    }
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    config.failure_persistence = None;
    // Some properties discard part of their inputs (`prop_assume!`, a third or so at most): the allowance grows
    // with the number of cases, so that more cases never fail for want of it.
    config.max_global_rejects = config
        .max_global_rejects
        .max(config.cases.saturating_mul(4));
    config
}
