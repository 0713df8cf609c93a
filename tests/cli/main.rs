//! CLI integration tests: one test binary, one module per subcommand.

mod audit;
mod common;
mod extract;
mod fit;
mod hostile;
mod producers;
mod producers2;
mod reliability;
mod synth;
