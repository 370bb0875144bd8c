import DuetCore
import Foundation

// Entry point of the Swift suite: every test, then "N passed, N failed"; exit 1 on any failure.
// `duet-swift-tests [Suite | Suite.test]` (or DUET_SWIFT_TEST=...) runs one suite or one test;
// `duet-swift-tests bench [calls]` runs the per-call benchmarks instead.
let args = CommandLine.arguments
if args.count > 1 && args[1] == "bench" {
    try bench(args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000)
    exit(0)
}
let harness = Harness(filter: args.count > 1 ? args[1] : ProcessInfo.processInfo.environment["DUET_SWIFT_TEST"])
harness.suite("OtpTests", otpTests)
harness.suite("AccountVaultTests", accountVaultTests)
harness.suite("PushTests", pushTests)
harness.suite("PiPushTests", pipushTests)
harness.suite("TransferTests", transferTests)
harness.suite("AppModelTests", appModelTests)
harness.finish()
