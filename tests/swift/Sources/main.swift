import Foundation

// Entry point of the Swift suite: every scenario, then "N passed, N failed"; exit 1 on any failure.
let harness = Harness()
otpTests(harness)
pushTests(harness)
harness.finish()
