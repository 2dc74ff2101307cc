//! One module per subcommand: `Opts` (clap arguments) and `run`.

pub mod info;
pub mod parse;
pub mod print;
pub mod run;
pub mod size;
pub mod strip;
pub mod validate;
pub mod wast;
