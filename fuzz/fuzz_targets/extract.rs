//! Fuzz the SVG front end and the whole extraction: any bytes must give a result or an error,
//! never a panic, an abort or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = figdig::extract(data, &figdig::ExtractOptions::default());
});
