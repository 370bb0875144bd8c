//! Greyscale planes holding QR codes, drawn from the `qrcode` crate's encoder (independent of the
//! `rqrr` detector the decoder uses), the way a camera or a screenshot delivers them: rows with a
//! stride, padding bytes that are not picture, grey instead of pure black and white.
#![allow(dead_code)]

/// A greyscale plane: `width` × `height` pixels, rows `stride` bytes apart.
pub struct Plane {
    pub width: usize,
    pub height: usize,
    pub stride: usize,
    pub bytes: Vec<u8>,
}

impl Plane {
    /// A plane filled with `light`; the bytes between rows (`stride - width`) are `pad`.
    pub fn new(width: usize, height: usize, stride: usize, light: u8, pad: u8) -> Plane {
        let mut bytes = vec![pad; stride * height];
        for row in bytes.chunks_mut(stride) {
            row[..width].fill(light);
        }
        Plane { width, height, stride, bytes }
    }

    pub fn set(&mut self, x: usize, y: usize, v: u8) {
        assert!(x < self.width && y < self.height);
        self.bytes[y * self.stride + x] = v;
    }

    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.bytes[y * self.stride + x]
    }
}

/// The modules of a QR code of `text`: (side in modules, dark flags row by row).
pub fn modules(text: &str) -> (usize, Vec<bool>) {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let dark = code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
    (code.width(), dark)
}

/// Side in pixels of a QR code of `text` with its 4-module quiet zone, at `scale` px per module.
pub fn side(text: &str, scale: usize) -> usize {
    (modules(text).0 + 8) * scale
}

/// Draws the QR code of `text` into `plane` at (`x0`, `y0`) (the corner of its quiet zone), `scale`
/// pixels per module, dark modules as `dark`.
pub fn draw(plane: &mut Plane, text: &str, scale: usize, x0: usize, y0: usize, dark: u8) {
    let (n, modules) = modules(text);
    for (i, _) in modules.iter().enumerate().filter(|(_, d)| **d) {
        let (mx, my) = (i % n, i / n);
        for dy in 0..scale {
            for dx in 0..scale {
                plane.set(x0 + (4 + mx) * scale + dx, y0 + (4 + my) * scale + dy, dark);
            }
        }
    }
}

/// A plane holding only the QR code of `text`, black on white, 4 px per module, no padding.
pub fn plain(text: &str) -> Plane {
    let s = side(text, 4);
    let mut p = Plane::new(s, s, s, 255, 0);
    draw(&mut p, text, 4, 0, 0, 0);
    p
}
