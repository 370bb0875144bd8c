#if canImport(AVFoundation) && canImport(UIKit)
import AVFoundation
import DuetAppModel
import SwiftUI
import UIKit

/// The camera for QR scanning: full-range 4:2:0 frames whose luma plane goes to the core's decoder
/// as it comes (width, height, bytes per row), so no pixel conversion runs on the phone.
final class CameraScanner: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
    enum Failure { case refused, unavailable }

    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "duet.camera")
    private var onFrame: ((LumaFrame) -> Void)?

    /// Asks for the camera if needed, then delivers frames to `onFrame` (on the main thread).
    func start(onFrame: @escaping (LumaFrame) -> Void, failed: @escaping (Failure) -> Void) {
        self.onFrame = onFrame
        AVCaptureDevice.requestAccess(for: .video) { granted in
            DispatchQueue.main.async {
                guard granted else { return failed(.refused) }
                guard self.configure() else { return failed(.unavailable) }
                self.queue.async { self.session.startRunning() }
            }
        }
    }

    func stop() {
        onFrame = nil
        queue.async { self.session.stopRunning() }
    }

    private func configure() -> Bool {
        guard session.inputs.isEmpty else { return true }
        guard let device = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
              let input = try? AVCaptureDeviceInput(device: device), session.canAddInput(input) else { return false }
        session.sessionPreset = .hd1280x720
        session.addInput(input)
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange]
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(self, queue: queue)
        guard session.canAddOutput(output) else { return false }
        session.addOutput(output)
        return true
    }

    func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection) {
        guard let buffer = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
        CVPixelBufferLockBaseAddress(buffer, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(buffer, .readOnly) }
        guard let base = CVPixelBufferGetBaseAddressOfPlane(buffer, 0) else { return }
        let width = CVPixelBufferGetWidthOfPlane(buffer, 0)
        let height = CVPixelBufferGetHeightOfPlane(buffer, 0)
        let stride = CVPixelBufferGetBytesPerRowOfPlane(buffer, 0)
        let frame = LumaFrame(width: width, height: height, bytesPerRow: stride, pixels: Data(bytes: base, count: stride * height))
        DispatchQueue.main.async { self.onFrame?(frame) }
    }
}

/// The camera's picture on screen.
struct CameraPreview: UIViewRepresentable {
    let session: AVCaptureSession

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var preview: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
    }

    func makeUIView(context: Context) -> PreviewView {
        let v = PreviewView()
        v.preview.session = session
        v.preview.videoGravity = .resizeAspectFill
        return v
    }

    func updateUIView(_ uiView: PreviewView, context: Context) {}
}

/// A picked photo drawn into 8-bit greyscale for the core's decoder.
enum PhotoLuma {
    static func frame(_ image: UIImage) -> LumaFrame? {
        guard let cg = image.cgImage else { return nil }
        let width = cg.width, height = cg.height
        var pixels = Data(count: width * height)
        let drawn = pixels.withUnsafeMutableBytes { buf -> Bool in
            guard let ctx = CGContext(data: buf.baseAddress, width: width, height: height, bitsPerComponent: 8,
                                      bytesPerRow: width, space: CGColorSpaceCreateDeviceGray(),
                                      bitmapInfo: CGImageAlphaInfo.none.rawValue) else { return false }
            ctx.draw(cg, in: CGRect(x: 0, y: 0, width: width, height: height))
            return true
        }
        return drawn ? LumaFrame(width: width, height: height, bytesPerRow: width, pixels: pixels) : nil
    }
}
#endif
