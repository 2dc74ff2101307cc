//! Arguments and I/O shared by every subcommand: reading a module from a path or standard input,
//! and writing output atomically to a path or standard output.

use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// The input module: a path, or `-` for standard input.
#[derive(clap::Args, Debug)]
pub struct InputArg {
    /// Input module (`.wat` or `.wasm`, detected by content), or `-` for standard input.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
}

/// Bytes read from an input, with the name to use in messages.
pub struct Input {
    /// The path as given, or `-`.
    pub name: String,
    /// The raw bytes, binary or text.
    pub bytes: Vec<u8>,
}

impl InputArg {
    /// Reads the raw bytes, whatever their format.
    pub fn read(&self) -> Result<Input> {
        read_path(&self.input)
    }

    /// Reads the input and returns it in binary form (text is parsed).
    pub fn read_binary(&self) -> Result<Input> {
        let input = self.read()?;
        let bytes = match wasm_tool_lib::input::to_binary(&input.bytes, &input.name)? {
            std::borrow::Cow::Borrowed(_) => input.bytes,
            std::borrow::Cow::Owned(bin) => bin,
        };
        Ok(Input {
            name: input.name,
            bytes,
        })
    }
}

/// Reads a path, or standard input for `-`.
pub fn read_path(path: &Path) -> Result<Input> {
    let name = path.display().to_string();
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("failed to read standard input")?;
        buf
    } else {
        std::fs::read(path).with_context(|| format!("failed to read `{name}`"))?
    };
    Ok(Input { name, bytes })
}

/// `--features SPEC`: the WebAssembly features modules are validated with.
#[derive(clap::Args, Debug)]
pub struct FeaturesArg {
    /// Features to enable: presets (mvp, wasm2, wasm3, all) and `+name`/`-name`.
    #[arg(
        long,
        long_help = features_help(),
        value_name = "SPEC",
        default_value = "all",
        allow_hyphen_values = true,
        value_parser = parse_features
    )]
    pub features: wasm_tool_lib::features::WasmFeatures,
}

fn features_help() -> String {
    format!(
        "Features to enable: comma-separated presets and feature names, applied left to right. \
         `name` or `+name` adds, `-name` removes. A spec starting with `+` or `-` edits `all` \
         (`-threads`); any other starts from nothing (`mvp,+simd`).\n\n{}",
        wasm_tool_lib::features::describe()
    )
}

fn parse_features(spec: &str) -> Result<wasm_tool_lib::features::WasmFeatures, String> {
    wasm_tool_lib::features::parse(spec).map_err(|err| err.to_string())
}

/// Where output goes: `-o PATH`, or standard output.
#[derive(clap::Args, Debug)]
pub struct OutputArg {
    /// Write output to this file (atomically: a failure never leaves a partial file; it may name
    /// the input). `-` or no option means standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
}

impl OutputArg {
    /// The output path, or `None` for standard output.
    fn path(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| *p != Path::new("-"))
    }

    /// Writes a binary, refusing to send binary data to a terminal.
    pub fn write_binary(&self, bytes: &[u8]) -> Result<()> {
        if self.path().is_none() && std::io::stdout().is_terminal() {
            bail!(
                "refusing to write a binary module to a terminal: use `-o FILE` or redirect standard output"
            );
        }
        self.write_with(|w| w.write_all(bytes).map_err(Into::into))
    }

    /// Writes text.
    pub fn write_text(&self, text: &str) -> Result<()> {
        self.write_with(|w| w.write_all(text.as_bytes()).map_err(Into::into))
    }

    /// Streams output through `f`. A file is written to a temporary file beside it and renamed
    /// into place only when `f` succeeds.
    pub fn write_with(&self, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        match self.path() {
            None => {
                let stdout = std::io::stdout();
                let mut w = std::io::BufWriter::new(stdout.lock());
                f(&mut w)?;
                w.flush()?;
                Ok(())
            }
            Some(path) => write_atomically(path, f),
        }
    }
}

/// Writes `path` via a temporary file in the same directory and a rename.
pub fn write_atomically(path: &Path, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.display();
    let tmp = tempfile::Builder::new()
        .prefix(".wasm-tool-")
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file beside `{name}`"))?;
    let mut w = std::io::BufWriter::new(tmp);
    f(&mut w)?;
    let tmp = w
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("failed to write `{name}`"))?;
    // A temporary file is private (0600); the output gets the permissions of the file it
    // replaces, or the usual 0644 for a new file.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(permissions) = permissions {
        tmp.as_file()
            .set_permissions(permissions)
            .with_context(|| format!("failed to set the permissions of `{name}`"))?;
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to write `{name}`"))?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}
