import Foundation

/// Imports and exports against the committed fixtures of stage 35 (written by
/// tests/fixtures/make_fixtures.py with Python's own crypto, with independently computed codes).
func transferTests(_ h: Harness) {
    let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["DUET_FIXTURES"] ?? "/duet/fixtures/import")
    func read(_ name: String) -> Data { (try? Data(contentsOf: dir.appendingPathComponent(name))) ?? Data() }
    guard let expected = (try? JSONSerialization.jsonObject(with: read("expected.json"))) as? [String: Any],
          let fixtures = expected["fixtures"] as? [String: [String: Any]],
          let time = (expected["time"] as? NSNumber)?.uint64Value
    else {
        h.test("transfer fixtures present") { h.fail("cannot read \(dir.path)/expected.json") }
        return
    }
    func want(_ name: String) -> [[String: Any]] { fixtures[name]?["accounts"] as? [[String: Any]] ?? [] }
    func code(_ a: Account) -> String { (try? a.generator().codeAt(unixTime: time)) ?? "<error>" }
    func checkAccounts(_ name: String, _ accounts: [Account]) {
        let w = want(name)
        h.equal(accounts.count, w.count, "\(name) count")
        for (e, a) in zip(w, accounts) {
            h.equal(a.issuer(), e["issuer"] as? String, name)
            h.equal(a.name(), e["name"] as? String ?? "", name)
            h.equal(code(a), e["code"] as? String ?? "", "\(name) \(a.name())")
        }
    }

    h.test("every fixture imports with the independent codes and skip report") {
        h.equal(fixtures.count, 9)
        for (name, f) in fixtures.sorted(by: { $0.key < $1.key }) {
            let bytes = read(name)
            let d = try detectBackup(data: bytes)
            h.equal(backupFormatId(format: d.format), f["format"] as? String ?? "", name)
            h.equal(d.encrypted, f["encrypted"] as? Bool ?? false, name)
            let r = try importBackup(data: bytes, password: f["password"] as? String)
            h.equal(backupFormatId(format: r.format), f["format"] as? String ?? "", name)
            checkAccounts(name, r.accounts)
            let skips = (f["skipped"] as? [[String: Any]] ?? []).map { "\(($0["index"] as? NSNumber)?.intValue ?? -1) \($0["code"] as? String ?? "")" }
            h.equal(r.skipped.map { "\($0.index) \($0.code)" }, skips, name)
            h.check(r.skipped.allSatisfy { !$0.reason.isEmpty && !$0.label.isEmpty }, "\(name): skip reasons")
        }
    }

    h.test("backup verify and a named format") {
        let f = fixtures["aegis_encrypted.json"] ?? [:]
        let s = try verifyBackup(data: read("aegis_encrypted.json"), password: f["password"] as? String)
        h.equal(s.format, .aegis)
        h.check(s.encrypted, "encrypted")
        let kinds = want("aegis_encrypted.json").map { $0["kind"] as? String ?? "" }
        h.equal(Int(s.totp), kinds.filter { $0 == "totp" }.count, "totp")
        h.equal(Int(s.hotp), kinds.filter { $0 == "hotp" }.count, "hotp")
        h.equal(Int(s.steam), kinds.filter { $0 == "steam" }.count, "steam")
        h.equal(Int(s.restorable), kinds.count, "restorable")
        h.equal(backupFormatName(format: .aegis), "Aegis")
        checkAccounts("freeotp_plus.json", try importBackupAs(format: .freeOtpPlus, data: read("freeotp_plus.json"), password: nil).accounts)
    }

    h.test("bad backups give typed Transfer errors") {
        func transfer(_ c: String, _ body: () throws -> Void) {
            let e = h.throwsDuet(c, body)
            if let e = e, case .Transfer = e { h.equal(e.code, c) } else { h.fail("\(c): not a Transfer error: \(String(describing: e))") }
        }
        let aegis = read("aegis_encrypted.json")
        transfer("E_TRANSFER_PASSWORD_REQUIRED") { _ = try importBackup(data: aegis, password: nil) }
        transfer("E_TRANSFER_WRONG_PASSWORD") { _ = try verifyBackup(data: aegis, password: "not the password") }
        transfer("E_TRANSFER_WRONG_PASSWORD") { _ = try importBackup(data: read("twofas_encrypted.2fas"), password: "nope") }
        transfer("E_TRANSFER_UNKNOWN_FORMAT") { _ = try importBackup(data: Data("garbage \u{0}".utf8), password: nil) }
        transfer("E_TRANSFER_UNKNOWN_FORMAT") { _ = try detectBackup(data: Data()) }
        transfer("E_TRANSFER_CORRUPT") { _ = try importBackupAs(format: .aegis, data: read("andotp.json"), password: nil) }
        let accounts = try importBackup(data: read("andotp.json"), password: nil).accounts
        transfer("E_TRANSFER_EMPTY_PASSWORD") { _ = try exportAegisEncrypted(accounts: accounts, password: "") }
    }

    h.test("Aegis encrypted export reads back with the independent codes") {
        let accounts = try importBackup(data: read("andotp.json"), password: nil).accounts
        let export = try exportAegisEncrypted(accounts: accounts, password: "export pässword ✓")
        h.equal(Int(export.exported), accounts.count)
        h.check(!String(decoding: export.data, as: UTF8.self).contains(accounts[0].name()), "names are encrypted")
        let back = try importBackup(data: export.data, password: "export pässword ✓")
        h.equal(back.format, .aegis)
        checkAccounts("andotp.json", back.accounts)
        let plain = exportOtpauthList(accounts: accounts)
        checkAccounts("andotp.json", try importBackup(data: plain.data, password: nil).accounts)
        h.check(exportNotice(pushAccountsKept: 2).contains("2 push accounts"), "notice")
    }

    h.test("Google transfer codes scanned in any order, exported and scanned back") {
        let lines = String(decoding: read("google_transfer.txt"), as: UTF8.self)
            .split(separator: "\n").map(String.init).filter { $0.hasPrefix("otpauth-migration://") }
        let scan = TransferScan()
        for l in lines.reversed() { _ = try scan.add(uri: l) }
        _ = try scan.add(uri: lines[0])
        h.equal(scan.missing(), [])
        checkAccounts("google_transfer.txt", try scan.finish().accounts)

        let aegis = try importBackup(data: read("aegis_plain.json"), password: nil).accounts
        let g = exportGoogleTransfer(accounts: aegis, batchId: 12345)
        h.equal(Int(g.exported) + g.skipped.count, aegis.count)
        h.check(!g.skipped.isEmpty && g.skipped.allSatisfy { $0.code.hasPrefix("E_MIGRATION_ACCOUNT_") }, "skips reported")
        let skippedNames = Set(g.skipped.map { aegis[Int($0.index)].name() })
        let back = TransferScan()
        for u in g.uris { h.equal(try back.add(uri: u).batchId, 12345) }
        let got = try back.finish().accounts.map { "\($0.name()) \(code($0))" }
        let exp = want("aegis_plain.json").filter { !skippedNames.contains($0["name"] as? String ?? "") }
            .map { "\($0["name"] as? String ?? "") \($0["code"] as? String ?? "")" }
        h.equal(got, exp)
    }

    h.test("bad transfer codes give typed Migration errors") {
        func migration(_ c: String, _ body: () throws -> Void) {
            let e = h.throwsDuet(c, body)
            if let e = e, case .Migration = e { h.equal(e.code, c) } else { h.fail("\(c): not a Migration error") }
        }
        let scan = TransferScan()
        migration("E_MIGRATION_NOTHING") { _ = try scan.finish() }
        migration("E_MIGRATION_IS_ACCOUNT") { _ = try scan.add(uri: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP") }
        migration("E_MIGRATION_SCHEME") { _ = try scan.add(uri: "https://example.com/") }
        migration("E_MIGRATION_DATA_MISSING") { _ = try scan.add(uri: "otpauth-migration://offline?foo=1") }
        migration("E_MIGRATION_BASE64") { _ = try scan.add(uri: "otpauth-migration://offline?data=%%%") }
        migration("E_MIGRATION_PROTOBUF") { _ = try scan.add(uri: "otpauth-migration://offline?data=/////w==") }
        let many = try (1...40).map { try Account.fromUri(uri: "otpauth://totp/Issuer\($0):user\($0)@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Issuer\($0)") }
        let g = exportGoogleTransfer(accounts: many, batchId: 7)
        h.check(g.uris.count >= 2, "40 accounts need several codes")
        let partial = TransferScan()
        _ = try partial.add(uri: g.uris[0])
        h.equal(partial.missing(), (2...g.uris.count).map { UInt32($0) })
        migration("E_MIGRATION_BATCH_MISSING") { _ = try partial.finish() }
        for u in g.uris.dropFirst() { _ = try partial.add(uri: u) }
        let back = try partial.finish().accounts
        h.equal(back.map { "\($0.name()) \(code($0))" }, many.map { "\($0.name()) \(code($0))" })
        let other = exportGoogleTransfer(accounts: many, batchId: 8)
        let mixed = TransferScan()
        _ = try mixed.add(uri: g.uris[0])
        migration("E_MIGRATION_BATCH_MISMATCH") { _ = try mixed.add(uri: other.uris[1]) }
    }
}
