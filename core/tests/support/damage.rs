//! Damages a closed vault file the way a bad sector or a stray write would, in place, without
//! going through SQLite: a flipped byte inside one record's sealed bytes, or a table's root page
//! whose first cell pointer points outside the page. Each test file uses the damage it needs.
#![allow(dead_code)]

use std::path::Path;

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// Flips one byte in the middle of the sealed bytes of record `id` of `table`
/// (`otp_accounts` or `push_accounts`).
pub fn flip_record_byte(path: &Path, table: &str, id: &str) {
    let sealed: Vec<u8> = raw(path)
        .query_row(&format!("SELECT sealed FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
        .unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    let hits: Vec<usize> =
        bytes.windows(sealed.len()).enumerate().filter(|(_, w)| *w == &sealed[..]).map(|(i, _)| i).collect();
    assert_eq!(hits.len(), 1, "the record's sealed bytes are once in the main file");
    bytes[hits[0] + sealed.len() / 2] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

/// Points the first cell of `table`'s root page outside the page: a full read of the table
/// fails, while an append (which only walks to the last cell) would not notice.
pub fn damage_root_page(path: &Path, table: &str) {
    let (root, page_size): (i64, i64) = {
        let c = raw(path);
        let root = c.query_row("SELECT rootpage FROM sqlite_schema WHERE name = ?1", [table], |r| r.get(0)).unwrap();
        (root, c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap())
    };
    let mut bytes = std::fs::read(path).unwrap();
    // A leaf page's 8-byte header is followed by the cell pointer array.
    let first_cell = ((root - 1) * page_size) as usize + 8;
    bytes[first_cell..first_cell + 2].copy_from_slice(&[0xff, 0xff]);
    std::fs::write(path, bytes).unwrap();
}

/// Stores values of the wrong type in record `id` of `table`, as another program writing to the
/// file through SQLite could: text where the sealed blob and the position belong.
pub fn retype_record(path: &Path, table: &str, id: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    let n = c
        .execute(&format!("UPDATE {table} SET sealed = 'not a blob', position = 'first', created_at = x'00' WHERE id = ?1"), [id])
        .unwrap();
    assert_eq!(n, 1);
}
