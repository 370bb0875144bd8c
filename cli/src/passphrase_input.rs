//! Where the CLI gets the vault passphrase, in this order of precedence:
//!
//! 1. `--passphrase-fd N`: one line read from file descriptor N (a pipe from a password
//!    manager or a script); `DUET_PASSPHRASE` is then ignored.
//! 2. `DUET_PASSPHRASE`: kept for scripts and CI, but other processes of the same user can
//!    read a process's environment (`/proc/PID/environ`), so the descriptor is preferred.
//! 3. A prompt on the terminal with echo off, only when standard input is a terminal and
//!    only once the cache, the key file and the keyring have not opened the vault.

use crate::vault_ctx::CtxError;
use duet_core::ErrorCode;
use duet_core::keys::{self, KeyError, KeyProvider, KeySlot, Passphrase, VaultKey};
use ring::rand::SecureRandom;
use std::cell::{OnceCell, RefCell};
use std::io::{IsTerminal, Read};
use std::sync::OnceLock;
use zeroize::Zeroizing;

/// Longer lines are refused rather than read without end from a descriptor that never
/// sends a newline.
const MAX_LINE: usize = 4096;

static FD: OnceLock<Option<i32>> = OnceLock::new();

/// Called once by `main` with the global `--passphrase-fd` option.
pub fn set_fd(fd: Option<i32>) {
    let _ = FD.set(fd);
}

/// The passphrase given without asking: from `--passphrase-fd`, else `DUET_PASSPHRASE`.
pub fn given() -> Result<Option<Zeroizing<String>>, CtxError> {
    if let Some(Some(fd)) = FD.get() {
        return read_fd(*fd).map(Some);
    }
    Ok(std::env::var("DUET_PASSPHRASE").ok().map(Zeroizing::new).filter(|p| !p.is_empty()))
}

/// True when a passphrase may be asked for on the terminal.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks for a passphrase on the terminal without echo.
pub fn prompt(question: &str) -> Result<Zeroizing<String>, CtxError> {
    let p = Zeroizing::new(
        rpassword::prompt_password(question).map_err(|e| CtxError::PassphrasePrompt { reason: e.kind().to_string() })?,
    );
    if p.is_empty() {
        return Err(CtxError::NoPassphrase);
    }
    Ok(p)
}

/// Reads one line from descriptor `fd` through `/dev/fd`, which needs no unsafe code. Bytes
/// are read one at a time so nothing after the line is taken from a shared descriptor.
#[allow(clippy::unbuffered_bytes)] // a buffer would read past the line
fn read_fd(fd: i32) -> Result<Zeroizing<String>, CtxError> {
    let fail = |reason: &str| CtxError::PassphraseFd { fd, reason: reason.into() };
    if fd < 0 {
        return Err(fail("not a descriptor number"));
    }
    let file = std::fs::File::open(format!("/dev/fd/{fd}")).map_err(|e| fail(&e.kind().to_string()))?;
    // Sized for the longest line accepted, so growing never leaves an unwiped copy behind.
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_LINE + 1));
    for byte in file.bytes() {
        match byte.map_err(|e| fail(&e.kind().to_string()))? {
            b'\n' => break,
            b => line.push(b),
        }
        if line.len() > MAX_LINE {
            return Err(fail("the line is longer than 4096 bytes"));
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.is_empty() {
        return Err(fail("it holds no passphrase"));
    }
    let text = std::str::from_utf8(&line).map_err(|_| fail("the passphrase is not UTF-8 text"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// A passphrase provider that prompts on first use, so nobody is asked when another
/// provider or the cache opens the vault. Asks once even for several passphrase slots.
#[derive(Default)]
pub struct Prompted {
    passphrase: OnceCell<Option<Passphrase>>,
    error: RefCell<Option<CtxError>>,
}

impl Prompted {
    fn get(&self) -> Result<&Passphrase, KeyError> {
        let p = self.passphrase.get_or_init(|| match prompt("Vault passphrase: ") {
            Ok(p) => Some(Passphrase::new(p)),
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                None
            }
        });
        p.as_ref().ok_or(KeyError::NoProvider { kinds: "passphrase".into() })
    }

    /// Why the prompt failed, if it did.
    pub fn take_error(&self) -> Option<CtxError> {
        self.error.borrow_mut().take()
    }
}

impl KeyProvider for Prompted {
    fn kind(&self) -> &'static str {
        "passphrase"
    }
    fn describe(&self) -> String {
        "passphrase typed at the prompt".into()
    }
    fn enroll(&self, vault_id: &str, key: &VaultKey, rng: &dyn SecureRandom) -> Result<KeySlot, KeyError> {
        self.get()?.enroll(vault_id, key, rng)
    }
    fn unlock(&self, vault_id: &str, slot: &KeySlot) -> Result<VaultKey, KeyError> {
        self.get()?.unlock(vault_id, slot)
    }
    fn rewrap(&self, vault_id: &str, slot: &KeySlot, key: &VaultKey, rng: &dyn SecureRandom) -> Result<Option<KeySlot>, KeyError> {
        self.get()?.rewrap(vault_id, slot, key, rng)
    }
}

/// A new passphrase typed twice, checked against the minimum length before the second ask.
pub fn prompt_new() -> Result<Zeroizing<String>, Box<dyn ErrorCode>> {
    let boxed = |e: CtxError| Box::new(e) as Box<dyn ErrorCode>;
    let first = prompt("New vault passphrase: ").map_err(boxed)?;
    keys::check_new_passphrase(&first).map_err(|e| Box::new(e) as Box<dyn ErrorCode>)?;
    let second = prompt("Repeat the passphrase: ").map_err(boxed)?;
    if first != second {
        return Err(Box::new(CtxError::PassphraseMismatch));
    }
    Ok(first)
}
