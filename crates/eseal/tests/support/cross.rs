//! Helpers for tests that compare eseal with independent implementations
//! (the `openssl` CLI, Python `gmssl`, npm `sm-crypto`) and for loading `test-vectors/`.
//!
//! Include from an integration test with `#[path = "support/cross.rs"] mod cross;`.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Root of the workspace (two levels above this crate's manifest).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared/test-vectors/` beside the project root: vectors from other implementations.
pub fn shared_vectors() -> PathBuf {
    workspace_root().join("../shared/test-vectors")
}

/// Reads and parses a JSON vector file below the project's `test-vectors/`.
pub fn load_vectors<T: serde::de::DeserializeOwned>(relative: &str) -> T {
    let path = workspace_root().join("test-vectors").join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

/// A vector file of `test-vectors/` (format in its README): the source and the tests.
#[derive(serde::Deserialize)]
pub struct VectorFile<T> {
    /// Where the values come from.
    pub source: String,
    /// The test cases.
    pub tests: Vec<T>,
}

/// Whether missing tools must fail the test (set by `scripts/test.sh`, which installs them).
fn tools_required() -> bool {
    std::env::var_os("ESEAL_REQUIRE_CROSS_TOOLS").is_some_and(|v| v != "0")
}

/// Returns true when `probe` (a command line) runs successfully. Otherwise prints why the calling
/// test is skipped and returns false, or panics when `ESEAL_REQUIRE_CROSS_TOOLS` is set.
pub fn tool_available(name: &str, probe: &[&str]) -> bool {
    let (program, args) = probe.split_first().expect("probe names a program");
    let ok = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if tools_required() {
            panic!("cross-test tool {name} is missing (run scripts/install-test-tools.sh)");
        }
        eprintln!("SKIPPED: {name} is not available (run scripts/install-test-tools.sh)");
    }
    ok
}

/// True when the `openssl` CLI is present (see [`tool_available`]).
pub fn have_openssl() -> bool {
    tool_available("openssl", &["openssl", "version"])
}

/// True when Python with the `gmssl` package is present.
pub fn have_gmssl() -> bool {
    tool_available("python3 gmssl", &["python3", "-c", "import gmssl"])
}

/// Directory holding the pinned npm packages (`scripts/node/node_modules`).
pub fn node_modules() -> PathBuf {
    workspace_root().join("scripts/node/node_modules")
}

/// True when node and the `sm-crypto` package are present.
pub fn have_sm_crypto() -> bool {
    let script = format!(
        "require({:?})",
        node_modules().join("sm-crypto").display().to_string()
    );
    tool_available("node sm-crypto", &["node", "-e", &script])
}

/// Runs a command with optional stdin; panics with its stderr when it fails.
pub fn run(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let out = try_run(program, args, stdin);
    match out {
        Ok(stdout) => stdout,
        Err(stderr) => panic!("{program} {args:?} failed: {stderr}"),
    }
}

/// Runs a command with optional stdin; returns stdout on success, stderr on failure.
pub fn try_run(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    if let Some(data) = stdin {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(data)
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for child");
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A fresh temporary directory, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("create temp dir")
}

/// A reproducible byte generator for tests that need an RNG (key generation, hedged signing,
/// salts). Not random and not secure: tests only.
pub struct TestRng(pub u8);

impl eseal::rand_core::TryRng for TestRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for d in dst {
            self.0 = self.0.wrapping_mul(73).wrapping_add(41);
            *d = self.0;
        }
        Ok(())
    }
}
impl eseal::rand_core::TryCryptoRng for TestRng {}
