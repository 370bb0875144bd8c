//! The codes of the QR decoder (`crate::qr`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const QR: Section = Section {
    heading: "QR codes in pictures (`qr`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_QR_NOT_FOUND",
        section: &QR,
        when: "the camera frame or the image given to `duet add` shows no QR code (a scanning app sees this for most frames and keeps looking)",
        tell: "hold the camera so the whole QR code is in view, or crop the screenshot to it; or paste the otpauth:// link instead.",
    },
    CodeDoc {
        code: "E_QR_DAMAGED",
        section: &QR,
        when: "a QR code was found in the picture but its data could not be read (blurred, cut off, glare, or not UTF-8 text)",
        tell: "hold the camera steady and straight on, or take a sharper screenshot.",
    },
    CodeDoc {
        code: "E_QR_MULTIPLE",
        section: &QR,
        when: "the picture shows several different QR codes, so which one to add is unclear",
        tell: "show only the QR code to add: cover the others, or crop the picture to it.",
    },
    CodeDoc {
        code: "E_QR_IMAGE_INVALID",
        section: &QR,
        when: "the app handed the decoder a plane that is no picture: empty, over 10,000 pixels on a side, rows closer than their width, or fewer bytes than the plane needs",
        tell: "a fault in the app, not the user's: report it with the app version and phone model.",
    },
];
