//! Aegis vault files, plain and password-encrypted (Aegis `docs/vault.md`).
//!
//! Encrypted layout: a random 256-bit master key encrypts the content JSON with AES-256-GCM
//! (`db` = Base64 ciphertext, `header.params` = hex nonce and tag). Each password slot holds the
//! master key encrypted with AES-256-GCM under scrypt(password, salt, N, r, p).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use super::crypto::{self, NONCE_LEN, RandomSource, ScryptParams, TAG_LEN};
use super::entry::{self, Fields, SecretString};
use super::error::{EntryProblem, Skipped, TransferError, skip};
use super::{Export, ImportReport};
use crate::OtpAccount;
use crate::otp::OtpKind;

pub(crate) const NAME: &str = "Aegis";

/// Slot type of a password-derived key (Aegis `docs/vault.md`, "Slots").
const SLOT_PASSWORD: u64 = 1;

#[derive(Deserialize)]
struct VaultFile<'a> {
    version: u64,
    header: Header,
    #[serde(borrow)]
    db: &'a RawValue,
}

#[derive(Deserialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<KeyParams>,
}

#[derive(Deserialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u64,
    key: Option<String>,
    key_params: Option<KeyParams>,
    n: Option<u64>,
    r: Option<u64>,
    p: Option<u64>,
    salt: Option<String>,
}

#[derive(Deserialize)]
struct KeyParams {
    nonce: String,
    tag: String,
}

#[derive(Deserialize)]
struct Content<'a> {
    version: u64,
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    issuer: Option<String>,
    info: Info,
}

#[derive(Deserialize)]
struct Info {
    secret: SecretString,
    algo: Option<String>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
}

#[derive(Deserialize)]
struct LabelProbe {
    name: Option<String>,
    issuer: Option<String>,
}

fn corrupt(detail: &'static str) -> TransferError {
    TransferError::Corrupt { format: NAME, detail }
}

/// True when the file's header carries slots, i.e. it needs a password.
pub(crate) fn is_encrypted(bytes: &[u8]) -> Result<bool, TransferError> {
    let file: VaultFile = serde_json::from_slice(bytes).map_err(|_| corrupt("its header is unreadable"))?;
    Ok(file.header.slots.is_some())
}

pub(crate) fn import(bytes: &[u8], password: Option<&str>) -> Result<ImportReport, TransferError> {
    let file: VaultFile = serde_json::from_slice(bytes).map_err(|_| corrupt("its header is unreadable"))?;
    if file.version != 1 {
        return Err(TransferError::UnsupportedVersion { format: NAME, version: file.version });
    }
    match (file.header.slots, file.header.params) {
        (None, None) => {
            let (accounts, skipped) = parse_content(file.db.get().as_bytes())?;
            Ok(ImportReport { format: super::Format::Aegis, encrypted: false, accounts, skipped })
        }
        (Some(slots), Some(params)) => {
            let password = password.ok_or(TransferError::PasswordRequired)?;
            let db: String = serde_json::from_str(file.db.get()).map_err(|_| corrupt("its contents are not text"))?;
            let ciphertext = crypto::base64_decode(&db).ok_or(corrupt("its contents are not Base64"))?;
            let master = unlock(&slots, password)?;
            let nonce: [u8; NONCE_LEN] = crypto::hex_array(&params.nonce).ok_or(corrupt("its nonce is malformed"))?;
            let tag: [u8; TAG_LEN] = crypto::hex_array(&params.tag).ok_or(corrupt("its tag is malformed"))?;
            let mut sealed = ciphertext;
            sealed.extend_from_slice(&tag);
            // The master key opened, so a failure here means the contents were altered.
            let plain = crypto::gcm_open(&master, &nonce, &sealed).ok_or(corrupt("its contents fail their integrity check"))?;
            let (accounts, skipped) = parse_content(&plain)?;
            Ok(ImportReport { format: super::Format::Aegis, encrypted: true, accounts, skipped })
        }
        _ => Err(corrupt("its header has slots without parameters")),
    }
}

/// Tries the password on every password slot and returns the master key.
fn unlock(slots: &[Slot], password: &str) -> Result<Zeroizing<[u8; 32]>, TransferError> {
    let password_slots: Vec<&Slot> = slots.iter().filter(|s| s.kind == SLOT_PASSWORD).collect();
    if password_slots.is_empty() {
        return Err(TransferError::UnsupportedEncryption {
            detail: "This Aegis backup can only be unlocked with the phone's fingerprint key; in Aegis, export it again with a password.",
        });
    }
    for slot in password_slots {
        let (Some(key), Some(kp), Some(n), Some(r), Some(p), Some(salt)) =
            (&slot.key, &slot.key_params, slot.n, slot.r, slot.p, &slot.salt)
        else {
            return Err(corrupt("a password slot lacks its parameters"));
        };
        let params = ScryptParams::from_file(n, r, p)?;
        let salt = hex::decode(salt).map_err(|_| corrupt("a slot salt is malformed"))?;
        let mut sealed = hex::decode(key).map_err(|_| corrupt("a slot key is malformed"))?;
        let tag: [u8; TAG_LEN] = crypto::hex_array(&kp.tag).ok_or(corrupt("a slot tag is malformed"))?;
        let nonce: [u8; NONCE_LEN] = crypto::hex_array(&kp.nonce).ok_or(corrupt("a slot nonce is malformed"))?;
        sealed.extend_from_slice(&tag);
        let derived = crypto::scrypt_key(password.as_bytes(), &salt, params)?;
        if let Some(master) = crypto::gcm_open(&derived, &nonce, &sealed) {
            let key: [u8; 32] = master.as_slice().try_into().map_err(|_| corrupt("its master key has the wrong length"))?;
            return Ok(Zeroizing::new(key));
        }
    }
    Err(TransferError::WrongPassword)
}

fn parse_content(json: &[u8]) -> Result<(Vec<OtpAccount>, Vec<Skipped>), TransferError> {
    let content: Content = serde_json::from_slice(json).map_err(|_| corrupt("its entry list is unreadable"))?;
    // Content version 1 is what Aegis writes and reads today; 2 and 3 added groups and archiving,
    // which do not change the entry fields duet reads.
    if !(1..=3).contains(&content.version) {
        return Err(TransferError::UnsupportedVersion { format: NAME, version: content.version });
    }
    let mut accounts = Vec::new();
    let mut skipped = Vec::new();
    for (index, raw) in content.entries.iter().enumerate() {
        match parse_entry(raw.get()) {
            Ok(account) => accounts.push(account),
            Err(problem) => {
                let probe: Option<LabelProbe> = serde_json::from_str(raw.get()).ok();
                let label = entry::label(
                    probe.as_ref().and_then(|p| p.issuer.as_deref()),
                    probe.as_ref().and_then(|p| p.name.as_deref()),
                    index,
                );
                skipped.push(problem.at(index, label));
            }
        }
    }
    Ok((accounts, skipped))
}

fn parse_entry(raw: &str) -> Result<OtpAccount, EntryProblem> {
    let e: Entry = serde_json::from_str(raw)
        .map_err(|_| EntryProblem::new(skip::MALFORMED, "it lacks a type, info or secret field, or one has the wrong type"))?;
    let kind = entry::kind_from_name(&e.kind)?;
    Fields {
        issuer: e.issuer,
        name: e.name.unwrap_or_default(),
        kind,
        algorithm: entry::algorithm_from_name(e.info.algo.as_deref())?,
        digits: e.info.digits,
        period: e.info.period,
        counter: e.info.counter,
        secret: entry::secret_from_base32(&e.info.secret.0)?,
    }
    .into_account()
}

// ---- export ----

#[derive(Serialize)]
struct OutFile<'a> {
    version: u64,
    header: OutHeader,
    db: &'a str,
}

#[derive(Serialize)]
struct OutHeader {
    slots: [OutSlot; 1],
    params: OutKeyParams,
}

#[derive(Serialize)]
struct OutSlot {
    #[serde(rename = "type")]
    kind: u64,
    uuid: String,
    key: String,
    key_params: OutKeyParams,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    // Aegis marks slots written after its 2019 slot-key fix as repaired; it re-derives others.
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct OutKeyParams {
    nonce: String,
    tag: String,
}

#[derive(Serialize)]
struct OutContent<'a> {
    version: u64,
    entries: Vec<OutEntry<'a>>,
}

#[derive(Serialize)]
struct OutEntry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'static str,
    favorite: bool,
    icon: Option<()>,
    info: OutInfo,
}

#[derive(Serialize)]
struct OutInfo {
    secret: String,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

impl Drop for OutInfo {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

fn uuid_v4(rng: &mut dyn RandomSource) -> Result<String, TransferError> {
    let mut b = [0u8; 16];
    rng.fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let h = hex::encode(b);
    Ok(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
}

/// Writes an encrypted Aegis vault with one password slot (see the module docs for the layout).
pub(crate) fn export_encrypted(
    accounts: &[OtpAccount],
    password: &str,
    kdf: ScryptParams,
    rng: &mut dyn RandomSource,
) -> Result<Export, TransferError> {
    if password.is_empty() {
        return Err(TransferError::EmptyPassword);
    }
    let mut entries = Vec::with_capacity(accounts.len());
    let mut skipped = Vec::new();
    for (index, a) in accounts.iter().enumerate() {
        let (kind, period, counter) = match a.params.kind {
            OtpKind::Totp { t0: 0, period } => ("totp", Some(period), None),
            OtpKind::Totp { .. } => {
                skipped.push(
                    EntryProblem::new(skip::UNREPRESENTABLE, "Aegis cannot store a TOTP start time other than 0")
                        .at(index, entry::label(a.issuer.as_deref(), Some(&a.name), index)),
                );
                continue;
            }
            OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
            OtpKind::Steam { period } => ("steam", Some(period), None),
        };
        entries.push(OutEntry {
            kind,
            uuid: uuid_v4(rng)?,
            name: &a.name,
            issuer: a.issuer.as_deref().unwrap_or(""),
            note: "",
            favorite: false,
            icon: None,
            info: OutInfo {
                secret: crate::uri::encode_secret(&a.secret),
                algo: a.params.algorithm.name(),
                digits: a.params.digits,
                period,
                counter,
            },
        });
    }
    let exported = entries.len();
    // Reserve generously so the plaintext is not reallocated (a reallocation would leave an
    // unwiped copy of the secrets behind).
    let mut plain = Zeroizing::new(Vec::with_capacity(256 + 640 * entries.len()));
    serde_json::to_writer(&mut *plain, &OutContent { version: 1, entries }).expect("serializing to memory");

    let mut master = Zeroizing::new([0u8; 32]);
    let mut salt = [0u8; 32];
    let mut slot_nonce = [0u8; NONCE_LEN];
    let mut db_nonce = [0u8; NONCE_LEN];
    rng.fill(master.as_mut())?;
    rng.fill(&mut salt)?;
    rng.fill(&mut slot_nonce)?;
    rng.fill(&mut db_nonce)?;
    let slot_uuid = uuid_v4(rng)?;

    let derived = crypto::scrypt_key(password.as_bytes(), &salt, kdf)?;
    let (wrapped, wrap_tag) = crypto::gcm_seal(&derived, &slot_nonce, master.as_ref());
    let (db, db_tag) = crypto::gcm_seal(&master, &db_nonce, &plain);
    let db = crypto::base64_encode(&db);
    let file = OutFile {
        version: 1,
        header: OutHeader {
            slots: [OutSlot {
                kind: SLOT_PASSWORD,
                uuid: slot_uuid,
                key: hex::encode(wrapped),
                key_params: OutKeyParams { nonce: hex::encode(slot_nonce), tag: hex::encode(wrap_tag) },
                n: kdf.n(),
                r: kdf.r,
                p: kdf.p,
                salt: hex::encode(salt),
                repaired: true,
                is_backup: false,
            }],
            params: OutKeyParams { nonce: hex::encode(db_nonce), tag: hex::encode(db_tag) },
        },
        db: &db,
    };
    let data = Zeroizing::new(serde_json::to_vec_pretty(&file).expect("serializing to memory"));
    Ok(Export { data, exported, skipped })
}
