import DuetCore
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
        h.test("fixturesPresent") { h.fail("cannot read \(dir.path)/expected.json") }
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

    h.test("everyFixtureImportsWithIndependentCodesAndSkipReport") {
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

    h.test("namedFormatAndBackupVerify") {
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

    h.test("badInputGivesTypedTransferErrors") {
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

    h.test("aegisEncryptedExportReadsBackWithTheIndependentCodes") {
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

    /// Scans `uris` in order into a fresh app; returns the results and the app's code list.
    func scanAll(_ uris: [String], _ check: (DuetApp) throws -> Void = { _ in }) throws -> ([AddResult], [(label: String, code: String)]) {
        let tv = try TempVault()
        defer { tv.close() }
        let app = try tv.create(services(FixedClock(Int64(time)), NoNetwork()))
        let results = try uris.map { try app.addScanned(text: $0) }
        try check(app)
        return (results, try labelledCodes(app))
    }

    func label(_ w: [String: Any]) -> String {
        let issuer = w["issuer"] as? String ?? ""
        let name = w["name"] as? String ?? ""
        return issuer.isEmpty ? name : "\(issuer):\(name)"
    }

    func checkCodes(_ name: String, _ codes: [(label: String, code: String)], skipping skipped: Set<String> = []) {
        let w = want(name).filter { !skipped.contains($0["name"] as? String ?? "") }
        h.equal(codes.map { "\($0.label) \($0.code)" }, w.map { "\(label($0)) \($0["code"] as? String ?? "")" }, name)
    }

    func isPart(_ r: AddResult) -> Bool { if case .transferPart = r { return true } else { return false } }

    h.test("googleTransferScanInAnyOrderAndExport") {
        let lines = String(decoding: read("google_transfer.txt"), as: UTF8.self)
            .split(separator: "\n").map(String.init).filter { $0.hasPrefix("otpauth-migration://") }
        // Scanned last code first: stored when complete. (The fixture is one QR code; scanning
        // a part twice before the transfer is complete is in badTransferCodesGiveTypedMigrationErrors.)
        let (results, codes) = try scanAll(lines.reversed())
        h.check(results.dropLast().allSatisfy(isPart), "parts first: \(results)")
        if case .transfer(let ids, _)? = results.last { h.equal(ids.count, codes.count) } else { h.fail("complete on the last part: \(results)") }
        checkCodes("google_transfer.txt", codes)
        // Export: what Google Authenticator cannot carry (Steam, 60 s, 7 digits) is reported, the
        // rest scans back with the independent codes.
        let aegis = try importBackup(data: read("aegis_plain.json"), password: nil).accounts
        let g = exportGoogleTransfer(accounts: aegis, batchId: 12345)
        h.equal(Int(g.exported) + g.skipped.count, aegis.count)
        h.check(!g.skipped.isEmpty && g.skipped.allSatisfy { $0.code.hasPrefix("E_MIGRATION_ACCOUNT_") }, "skips reported: \(g.skipped)")
        let skippedNames = Set(g.skipped.map { aegis[Int($0.index)].name() })
        checkCodes("aegis_plain.json", try scanAll(g.uris).1, skipping: skippedNames)
    }

    h.test("badTransferCodesGiveTypedMigrationErrors") {
        func migration(_ c: String, _ body: () throws -> Void) {
            let e = h.throwsDuet(c, body)
            if let e = e, case .Migration = e { h.equal(e.code, c) } else { h.fail("\(c): not a Migration error: \(String(describing: e))") }
        }
        _ = try scanAll([]) { app in
            migration("E_MIGRATION_DATA_MISSING") { _ = try app.addScanned(text: "otpauth-migration://offline?foo=1") }
            migration("E_MIGRATION_BASE64") { _ = try app.addScanned(text: "otpauth-migration://offline?data=%%%") }
            migration("E_MIGRATION_PROTOBUF") { _ = try app.addScanned(text: "otpauth-migration://offline?data=/////w==") }
            h.equal(try app.codes().entries.count, 0)
        }
        // Part 1 of a several-part transfer: the others are reported missing, a code of another
        // transfer is refused, and the scan goes on.
        let many = try (1...40).map { try Account.fromUri(uri: "otpauth://totp/Issuer\($0):user\($0)@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Issuer\($0)") }
        let g = exportGoogleTransfer(accounts: many, batchId: 7)
        h.check(g.uris.count >= 2, "40 accounts need more than one QR code")
        let other = exportGoogleTransfer(accounts: many, batchId: 8)
        let (_, codes) = try scanAll([]) { app in
            let missing = (2...g.uris.count).map { UInt32($0) }
            if case .transferPart(let m, let total) = try app.addScanned(text: g.uris[0]) {
                h.equal(m, missing)
                h.equal(Int(total), g.uris.count)
            } else { h.fail("first part: not a transfer part") }
            h.equal(app.transferMissing(), missing)
            // The same part again before the transfer is complete: nothing changes.
            if case .transferPart(let m, _) = try app.addScanned(text: g.uris[0]) { h.equal(m, missing, "part 1 twice") } else { h.fail("part 1 twice: not a transfer part") }
            migration("E_MIGRATION_BATCH_MISMATCH") { _ = try app.addScanned(text: other.uris[1]) }
            h.equal(try app.codes().entries.count, 0)
            for u in g.uris.dropFirst() { _ = try app.addScanned(text: u) }
            h.equal(app.transferMissing(), [])
        }
        h.equal(codes.map { $0.label }, many.map { "\($0.issuer() ?? ""):\($0.name())" })
        h.equal(codes.map { $0.code }, many.map { code($0) })
        // A transfer abandoned half-way leaves nothing behind.
        _ = try scanAll([]) { app in
            _ = try app.addScanned(text: g.uris[0])
            app.cancelTransfer()
            h.equal(app.transferMissing(), [])
            h.equal(try app.codes().entries.count, 0)
        }
    }

    h.test("vaultImportAndEncryptedExportKeepTheCodes") {
        let tv = try TempVault()
        defer { tv.close() }
        let app = try tv.create(services(FixedClock(Int64(time)), NoNetwork()))
        let f = fixtures["aegis_encrypted.json"] ?? [:]
        let r = try app.importBackup(data: read("aegis_encrypted.json"), password: f["password"] as? String)
        h.equal(r.ids.count, want("aegis_encrypted.json").count)
        h.equal(r.skipped.map { $0.code }, (f["skipped"] as? [[String: Any]] ?? []).map { $0["code"] as? String ?? "" })
        checkCodes("aegis_encrypted.json", try labelledCodes(app))
        let export = try app.exportEncrypted(password: "export pässword ✓")
        let back = try importBackup(data: export, password: "export pässword ✓")
        h.equal(back.format, .aegis)
        checkAccounts("aegis_encrypted.json", back.accounts)
    }
}
