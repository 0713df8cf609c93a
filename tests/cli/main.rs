//! CLI integration tests: one test binary, one module per subcommand.

mod audit;
mod axes_regressions;
mod common;
mod corpus;
mod corpus_mode;
mod extract;
mod fit;
mod hostile;
mod invariance;
mod producers;
mod producers2;
mod reliability;
mod synth;
