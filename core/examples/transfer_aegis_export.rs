//! Imports a backup and writes it as an encrypted Aegis vault, so an independent script
//! (tests/fixtures/check_aegis_export.py) can decrypt and check what duet exports.
//!
//! `cargo run -p duet-core --example transfer_aegis_export -- IN IN_PASSWORD|- EXPORT_PASSWORD OUT`

use duet_core::ErrorCode;
use duet_core::transfer::{self, ExportNotice, ScryptParams, SystemRandomSource};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, in_password, export_password, out] = args.as_slice() else {
        eprintln!("usage: transfer_aegis_export IN IN_PASSWORD|- EXPORT_PASSWORD OUT");
        std::process::exit(2);
    };
    let bytes = std::fs::read(input).unwrap_or_else(|e| fail(&format!("reading {input}: {e}")));
    let password = (in_password != "-").then_some(in_password.as_str());
    let report = transfer::import(&bytes, password).unwrap_or_else(|e| fail(&format!("error {}: {e}", e.code())));
    let started = std::time::Instant::now();
    let export = transfer::export_aegis_encrypted(
        &report.accounts,
        export_password,
        ScryptParams::AEGIS,
        &mut SystemRandomSource::new(),
    )
    .unwrap_or_else(|e| fail(&format!("error {}: {e}", e.code())));
    let took = started.elapsed();
    std::fs::write(out, export.data.as_slice()).unwrap_or_else(|e| fail(&format!("writing {out}: {e}")));
    println!(
        "imported {} accounts ({} skipped) from {}, exported {} to {out} in {:.0} ms (scrypt N=2^15, r=8, p=1)",
        report.accounts.len(),
        report.skipped.len(),
        report.format.display_name(),
        export.exported,
        took.as_secs_f64() * 1000.0
    );
    println!("{}", ExportNotice::new(0));
}

fn fail(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(1);
}
