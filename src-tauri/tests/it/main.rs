//! The app binary from outside: what a person or a script sees on the command line.

mod cli;
