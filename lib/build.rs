//! Sets `interp_tail_calls` when the interpreter's threaded handlers can rely on tail calls
//! becoming jumps: optimized builds for x86_64 and aarch64 (see `src/interp/threaded.rs`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(interp_tail_calls)");
    println!("cargo::rerun-if-changed=build.rs");
    let optimized = matches!(
        std::env::var("OPT_LEVEL").as_deref(),
        Ok("2" | "3" | "s" | "z")
    );
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if optimized && matches!(arch.as_str(), "x86_64" | "aarch64") {
        println!("cargo::rustc-cfg=interp_tail_calls");
    }
}
