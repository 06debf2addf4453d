//! Entry point; everything it runs lives in the library so tests can start the same server.

use clap::Parser;
use hinomi_demo_api::cli::{self, Cli};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    cli::run(Cli::parse()).await
}
