//! Passwords: from a file (`--password-file`), an environment variable (`--password-env`) or,
//! on a terminal only, a hidden prompt. Never from an argument value, which would land in the
//! shell history and the process list.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use zeroize::Zeroizing;

/// Largest password file read (64 KiB).
const MAX_PASSWORD_FILE: usize = 64 * 1024;

/// Where the password of a key comes from.
#[derive(Debug, Clone, Args)]
pub(crate) struct PasswordArgs {
    /// Read the key password from the first line of FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "password_env")]
    pub(crate) password_file: Option<PathBuf>,
    /// Read the key password from the environment variable NAME.
    #[arg(long, value_name = "NAME")]
    pub(crate) password_env: Option<String>,
}

/// Where the password of the subject key of `cert issue` comes from.
#[derive(Debug, Clone, Args)]
pub(crate) struct KeyPasswordArgs {
    /// Read the password of the --key file from the first line of FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "key_password_env")]
    pub(crate) key_password_file: Option<PathBuf>,
    /// Read the password of the --key file from the environment variable NAME.
    #[arg(long, value_name = "NAME")]
    pub(crate) key_password_env: Option<String>,
}

/// A resolved password source.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// First line of a file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// A hidden prompt on the terminal.
    Prompt,
}

impl PasswordArgs {
    pub(crate) fn source(&self) -> Source {
        source(self.password_file.as_ref(), self.password_env.as_ref())
    }
}

impl KeyPasswordArgs {
    pub(crate) fn source(&self) -> Source {
        source(
            self.key_password_file.as_ref(),
            self.key_password_env.as_ref(),
        )
    }
}

fn source(file: Option<&PathBuf>, env: Option<&String>) -> Source {
    match (file, env) {
        (Some(f), _) => Source::File(f.clone()),
        (None, Some(e)) => Source::Env(e.clone()),
        (None, None) => Source::Prompt,
    }
}

/// Whether a password is wanted to unlock an existing key or to protect a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Decrypt: any password, the empty one included, is tried.
    Unlock,
    /// Encrypt: the prompt asks twice, and an empty password is refused.
    Protect,
}

/// Obtains a password from `source`; `what` names the key in the prompt and in errors.
pub(crate) fn obtain(
    source: &Source,
    what: &str,
    purpose: Purpose,
) -> anyhow::Result<Zeroizing<String>> {
    let password = match source {
        Source::File(path) => {
            let data = Zeroizing::new(crate::files::read(path)?);
            if data.len() > MAX_PASSWORD_FILE {
                bail!("password file {} is larger than 64 KiB", path.display());
            }
            let text = Zeroizing::new(String::from_utf8(data.to_vec()).map_err(|_| {
                anyhow::anyhow!("password file {} is not UTF-8 text", path.display())
            })?);
            // The first line, as `openssl -passin file:` reads it.
            let line = text.split('\n').next().unwrap_or_default();
            Zeroizing::new(line.strip_suffix('\r').unwrap_or(line).to_owned())
        }
        Source::Env(name) => match std::env::var_os(name) {
            None => bail!("the environment variable {name} is not set"),
            Some(value) => Zeroizing::new(value.into_string().map_err(|_| {
                anyhow::anyhow!("the environment variable {name} is not UTF-8 text")
            })?),
        },
        Source::Prompt => prompt(what, purpose)?,
    };
    if purpose == Purpose::Protect && password.is_empty() {
        bail!("refusing to protect {what} with an empty password");
    }
    Ok(password)
}

fn prompt(what: &str, purpose: Purpose) -> anyhow::Result<Zeroizing<String>> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "{what} needs a password and there is no terminal to ask on: give --password-file FILE or --password-env NAME"
        );
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("Password for {what}: "))
            .context("cannot read the password from the terminal")?,
    );
    if purpose == Purpose::Protect {
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat the password: ")
                .context("cannot read the password from the terminal")?,
        );
        if *first != *again {
            bail!("the two passwords differ");
        }
    }
    Ok(first)
}
