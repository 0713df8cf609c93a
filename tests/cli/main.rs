//! CLI integration tests: one test binary, one module per subcommand.

mod common;
mod extract;
mod fit;
