//! `cargo xtask corpus`: downloads the real-world modules listed in `../shared/corpus.tsv` from
//! the npm registry into `corpus/`, checking each file's sha256.
//!
//! The list has one module a line, tab-separated: name, npm package, version, path in the
//! tarball, size in bytes, sha256, language, notes; the first line names the columns. Files
//! already present with the right hash are not fetched again, and a tarball holding several
//! listed files is fetched once.

use anyhow::{Context, bail, ensure};
use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;
use ureq::tls::{RootCerts, TlsConfig};

/// Overrides the corpus directory (default `<workspace>/corpus`); tests read it too.
pub const CORPUS_ENV: &str = "WASM_TOOL_CORPUS";

/// One line of the corpus list.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Short name; the file is stored as `corpus/<name>.wasm`.
    pub name: String,
    /// npm package, possibly scoped (`@swc/wasm`).
    pub package: String,
    /// Exact package version.
    pub version: String,
    /// Path of the module inside the package tarball (`package/...`).
    pub path: String,
    /// Expected size in bytes.
    pub bytes: u64,
    /// Expected sha256, lowercase hex.
    pub sha256: String,
}

/// The corpus directory: `$WASM_TOOL_CORPUS` if set, else `<workspace>/corpus`.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os(CORPUS_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => crate::workspace_root().join("corpus"),
    }
}

/// The default list: `shared/corpus.tsv` beside the workspace root.
pub fn default_list_path() -> PathBuf {
    crate::workspace_root().join("../shared/corpus.tsv")
}

/// Reads and checks the corpus list.
pub fn parse_list(path: &Path) -> anyhow::Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the corpus list {}", path.display()))?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() || line.starts_with('#') || (i == 0 && line.starts_with("name\t"))
        {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        ensure!(
            fields.len() >= 6,
            "{}:{line_no}: expected at least 6 tab-separated fields, found {}",
            path.display(),
            fields.len()
        );
        let name = fields[0].trim();
        ensure!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{}:{line_no}: bad module name `{name}`",
            path.display()
        );
        let sha256 = fields[5].trim().to_ascii_lowercase();
        ensure!(
            sha256.len() == 64 && sha256.chars().all(|c| c.is_ascii_hexdigit()),
            "{}:{line_no}: bad sha256 `{sha256}`",
            path.display()
        );
        let bytes = fields[4]
            .trim()
            .parse()
            .with_context(|| format!("{}:{line_no}: bad size `{}`", path.display(), fields[4]))?;
        ensure!(
            !entries.iter().any(|e: &Entry| e.name == name),
            "{}:{line_no}: duplicate module name `{name}`",
            path.display()
        );
        entries.push(Entry {
            name: name.to_owned(),
            package: fields[1].trim().to_owned(),
            version: fields[2].trim().to_owned(),
            path: fields[3].trim().to_owned(),
            bytes,
            sha256,
        });
    }
    Ok(entries)
}

/// The registry's tarball address for `package@version`.
fn tarball_url(package: &str, version: &str) -> String {
    let basename = package.rsplit('/').next().unwrap_or(package);
    format!("https://registry.npmjs.org/{package}/-/{basename}-{version}.tgz")
}

/// Lowercase hex sha256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `path` exists and has the expected hash.
fn is_current(path: &Path, entry: &Entry) -> bool {
    std::fs::read(path).is_ok_and(|bytes| sha256_hex(&bytes) == entry.sha256)
}

/// Human-readable size.
pub fn human_size(bytes: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "display only")]
    let b = bytes as f64;
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", b / f64::from(1 << 20))
    } else if bytes >= 1 << 10 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// Downloads every listed module that `dir` lacks, printing one line per module. All modules
/// are tried; failures are listed at the end and make the command fail.
pub fn download_all(list: &Path, dir: &Path) -> anyhow::Result<()> {
    let entries = parse_list(list)?;
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(1800)))
        .user_agent("wasm-tool-xtask")
        // The system's roots (honouring SSL_CERT_FILE), so that a proxy's CA is trusted.
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into();

    // Group by tarball, keeping the list's order, so each tarball is fetched at most once.
    let mut groups: BTreeMap<(String, String), Vec<&Entry>> = BTreeMap::new();
    let mut order = Vec::new();
    for entry in &entries {
        let key = (entry.package.clone(), entry.version.clone());
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(entry);
    }

    let mut failures = Vec::new();
    for key in &order {
        let group = &groups[key];
        let missing: Vec<&Entry> = group
            .iter()
            .copied()
            .filter(|e| {
                let current = is_current(&dir.join(format!("{}.wasm", e.name)), e);
                if current {
                    println!(
                        "cached   {:<20} {:>10}  {}@{}",
                        e.name,
                        human_size(e.bytes),
                        e.package,
                        e.version
                    );
                }
                !current
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        if let Err(err) = fetch_group(&agent, &key.0, &key.1, &missing, dir) {
            let names: Vec<&str> = missing.iter().map(|e| e.name.as_str()).collect();
            println!(
                "FAILED   {:<20} {:>10}  {}@{}: {err:#}",
                names.join(","),
                "",
                key.0,
                key.1
            );
            failures.push(format!(
                "{}@{} ({}): {err:#}",
                key.0,
                key.1,
                names.join(", ")
            ));
        }
    }
    if !failures.is_empty() {
        bail!(
            "{} corpus download(s) failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
    println!(
        "corpus ready in {} ({} modules)",
        dir.display(),
        entries.len()
    );
    Ok(())
}

/// Fetches one tarball and stores the wanted entries, each checked against its hash.
fn fetch_group(
    agent: &ureq::Agent,
    package: &str,
    version: &str,
    wanted: &[&Entry],
    dir: &Path,
) -> anyhow::Result<()> {
    let url = tarball_url(package, version);
    let response = agent
        .get(&url)
        .call()
        .with_context(|| format!("failed to download {url}"))?;
    let reader = response.into_body().into_reader();
    let mut archive = tar::Archive::new(GzDecoder::new(reader));
    let mut left: Vec<&Entry> = wanted.to_vec();
    let entries = archive
        .entries()
        .with_context(|| format!("failed to read the tarball {url}"))?;
    for file in entries {
        let mut file = file.with_context(|| format!("failed to read the tarball {url}"))?;
        let path = file
            .path()
            .context("bad path in tarball")?
            .to_string_lossy()
            .into_owned();
        let Some(pos) = left.iter().position(|e| e.path == path) else {
            continue;
        };
        let entry = left.remove(pos);
        let mut bytes = Vec::with_capacity(usize::try_from(entry.bytes).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .with_context(|| format!("failed to read {path} from {url}"))?;
        let got = sha256_hex(&bytes);
        ensure!(
            got == entry.sha256,
            "sha256 mismatch for {} ({path} in {package}@{version}): expected {}, got {got} ({} bytes)",
            entry.name,
            entry.sha256,
            bytes.len()
        );
        let dest = dir.join(format!("{}.wasm", entry.name));
        let tmp = dir.join(format!(".{}.wasm.part", entry.name));
        std::fs::write(&tmp, &bytes)
            .with_context(|| format!("failed to write {}", tmp.display()))?;
        std::fs::rename(&tmp, &dest)
            .with_context(|| format!("failed to write {}", dest.display()))?;
        println!(
            "fetched  {:<20} {:>10}  {package}@{version}",
            entry.name,
            human_size(bytes.len() as u64)
        );
        if left.is_empty() {
            return Ok(());
        }
    }
    let paths: Vec<&str> = left.iter().map(|e| e.path.as_str()).collect();
    bail!("{} not found in the tarball {url}", paths.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_and_plain_tarball_urls() {
        assert_eq!(
            tarball_url("@swc/wasm", "1.16.18"),
            "https://registry.npmjs.org/@swc/wasm/-/wasm-1.16.18.tgz"
        );
        assert_eq!(
            tarball_url("sql.js", "1.16.0"),
            "https://registry.npmjs.org/sql.js/-/sql.js-1.16.0.tgz"
        );
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn list_parsing_checks_fields() {
        let dir = std::env::temp_dir().join(format!("xtask-list-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.tsv");
        let hash = "a".repeat(64);
        std::fs::write(&good, format!("name\tnpm_package\tversion\tpath\tbytes\tsha256\n\nx\t@a/b\t1.0.0\tpackage/x.wasm\t12\t{hash}\tC\tnote\n")).unwrap();
        let entries = parse_list(&good).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            (
                entries[0].name.as_str(),
                entries[0].package.as_str(),
                entries[0].bytes
            ),
            ("x", "@a/b", 12)
        );

        let bad = dir.join("bad.tsv");
        std::fs::write(&bad, "x\tp\t1\tpackage/x.wasm\t12\tnot-a-hash\n").unwrap();
        let err = parse_list(&bad).unwrap_err().to_string();
        assert!(err.contains(":1: bad sha256"), "{err}");
        std::fs::write(&bad, format!("../x\tp\t1\tpackage/x.wasm\t12\t{hash}\n")).unwrap();
        let err = parse_list(&bad).unwrap_err().to_string();
        assert!(err.contains("bad module name"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
