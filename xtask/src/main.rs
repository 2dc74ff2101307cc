//! `cargo xtask`: project automation (corpus download, benchmarks, CI).

fn main() -> anyhow::Result<()> {
    anyhow::bail!("no xtask commands yet")
}
