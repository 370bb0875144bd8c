//! Every account's current code in one call, for a code-list screen.
//!
//! Each account is keyed once (the HMAC key schedule) when the list is loaded and kept until the
//! vault changes, so a refresh costs one HMAC per code shown.

use crate::error::ErrorCode;
use crate::otp::{Code, Generator, OtpKind};
use crate::vault::{Entry, RecordId, StoredOtp};

/// One row of the code list. It borrows the loaded list: a refresh allocates only the list itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeView<'a> {
    /// The account's record id.
    pub id: &'a RecordId,
    /// `Issuer:name`; empty for a damaged record (`error` is `E_VAULT_RECORD_CORRUPT`).
    pub label: &'a str,
    /// The code to show now (HOTP: the code of the stored counter); empty when `error` is set.
    pub code: Code,
    /// The code after this one (TOTP and Steam: the next period's), for showing near the end of
    /// a period; `None` for HOTP, whose next code exists only once it is asked for.
    pub next_code: Option<Code>,
    /// Seconds until `code` changes (TOTP and Steam).
    pub seconds_left: Option<u32>,
    /// The period in seconds (TOTP and Steam), for drawing the countdown.
    pub period: Option<u32>,
    /// Counter-based (HOTP): the next code comes from an explicit request.
    pub counter_based: bool,
    /// Stable code of a problem with this account (e.g. the time lies before its `T0`, or the
    /// record is damaged and can only be removed).
    pub error: Option<&'static str>,
}

/// The keyed accounts of the loaded list.
#[derive(Default)]
pub(crate) struct CodeList {
    rows: Option<Vec<Row>>,
}

struct Row {
    id: RecordId,
    label: String,
    generator: Result<Generator, &'static str>,
}

impl CodeList {
    /// Forgets the keyed accounts (after any change to the stored accounts).
    pub(crate) fn invalidate(&mut self) {
        self.rows = None;
    }

    pub(crate) fn is_loaded(&self) -> bool {
        self.rows.is_some()
    }

    pub(crate) fn load(&mut self, entries: Vec<Entry<StoredOtp>>) {
        self.rows = Some(
            entries
                .into_iter()
                .map(|e| match e {
                    Ok(a) => Row {
                        label: a.label(),
                        generator: Generator::new(&a.account.secret, &a.account.params).map_err(|e| e.code()),
                        id: a.id,
                    },
                    Err(d) => Row { id: d.id, label: String::new(), generator: Err(d.code) },
                })
                .collect(),
        );
    }

    /// The codes at `unix_time`, in list order.
    pub(crate) fn codes(&self, unix_time: u64) -> Vec<CodeView<'_>> {
        self.rows.iter().flatten().map(|r| view(r, unix_time)).collect()
    }
}

fn view(row: &Row, unix_time: u64) -> CodeView<'_> {
    let mut v = CodeView {
        id: &row.id,
        label: &row.label,
        code: Code::default(),
        next_code: None,
        seconds_left: None,
        period: None,
        counter_based: false,
        error: None,
    };
    let g = match &row.generator {
        Ok(g) => g,
        Err(code) => {
            v.error = Some(code);
            return v;
        }
    };
    v.counter_based = matches!(g.params().kind, OtpKind::Hotp { .. });
    let counter = match g.current_counter(unix_time) {
        Ok(c) => c,
        Err(e) => {
            v.error = Some(e.code());
            return v;
        }
    };
    v.code = g.at_counter(counter);
    if !v.counter_based {
        v.next_code = counter.checked_add(1).map(|n| g.at_counter(n));
        v.seconds_left = g.seconds_left(unix_time).ok();
        v.period = g.params().period();
    }
    v
}
