import Foundation

// Entry point of the Swift suite: every scenario, then "N passed, N failed"; exit 1 on any failure.
// `duet-swift-tests bench [calls]` runs the per-call benchmark instead.
let args = CommandLine.arguments
if args.count > 1 && args[1] == "bench" {
    try bench(args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000)
    exit(0)
}
let harness = Harness()
otpTests(harness)
pushTests(harness)
accountVaultTests(harness)
transferTests(harness)
pipushTests(harness)
pushLifecycleTests(harness)
harness.finish()
