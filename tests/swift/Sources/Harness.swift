import Foundation

/// A minimal test harness: the Swift suite is one executable that exits non-zero on any failure
/// (XCTest is not needed on Linux for this, and the chroot stays small).
final class Harness {
    private(set) var passed = 0
    private(set) var failed = 0
    private var current = ""

    func test(_ name: String, _ body: () throws -> Void) {
        current = name
        let before = failed
        do {
            try body()
        } catch {
            fail("unexpected error: \(error)")
        }
        if failed == before {
            passed += 1
            print("PASS \(name)")
        }
    }

    func fail(_ message: String, file: StaticString = #file, line: UInt = #line) {
        failed += 1
        print("FAIL \(current): \(message) (\(file):\(line))")
    }

    func equal<T: Equatable>(_ a: T, _ b: T, _ what: String = "", file: StaticString = #file, line: UInt = #line) {
        if a != b { fail("\(what) expected \(b), got \(a)", file: file, line: line) }
    }

    func check(_ cond: Bool, _ what: String, file: StaticString = #file, line: UInt = #line) {
        if !cond { fail(what, file: file, line: line) }
    }

    /// Runs `body`, which must throw a `DuetError`; returns it (or fails).
    func throwsDuet(_ what: String, file: StaticString = #file, line: UInt = #line, _ body: () throws -> Void) -> DuetError? {
        do {
            try body()
            fail("\(what): no error thrown", file: file, line: line)
        } catch let e as DuetError {
            return e
        } catch {
            fail("\(what): wrong error type \(error)", file: file, line: line)
        }
        return nil
    }

    func finish() -> Never {
        print("\(passed) passed, \(failed) failed")
        exit(failed == 0 ? 0 : 1)
    }
}
