//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The built `figdig` binary.
pub fn figdig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_figdig"))
}

/// Path of a file in `../shared`, or `None` (with a message) when it is absent outside CI.
/// Under `CI=true` a missing shared file is a failure, not a skip.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
        panic!("../shared/{rel} is missing under CI=true: CI must have ../shared beside the checkout");
    }
    eprintln!("skipping: ../shared/{rel} not found (tests read the reference material from ../shared)");
    None
}

/// A fresh temporary directory under the target dir, unique per call (tests run in parallel).
pub fn tempdir(name: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}
