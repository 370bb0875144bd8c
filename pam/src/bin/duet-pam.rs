//! `duet-pam break-glass --generate N --file F`: writes N emergency codes' hashes to F (0600, root)
//! and prints the codes once.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::process::ExitCode;

const USAGE: &str = "usage: duet-pam break-glass --generate N --file PATH";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (n, file) = match args.as_slice() {
        [cmd, g, n, f, path] if cmd == "break-glass" && g == "--generate" && f == "--file" => (n, path),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let n: usize = match n.parse() {
        Ok(n) if (1..=100).contains(&n) => n,
        _ => {
            eprintln!("duet-pam: N must be from 1 to 100");
            return ExitCode::from(2);
        }
    };
    let (codes, text) = match pam_duet::breakglass::generate(n) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("duet-pam: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A new file only: replacing codes is a deliberate step (remove the old file first).
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()));
    if let Err(e) = written {
        eprintln!("duet-pam: {file}: {e} (the file must not exist yet)");
        return ExitCode::FAILURE;
    }
    for c in codes {
        println!("{c}");
    }
    ExitCode::SUCCESS
}
