//! QR codes (mã QR) of public pages, as SVG or PNG.
//!
//! The `qrcode` crate encodes the text (error-correction level M) and draws
//! the SVG; the PNG is written with the `png` crate from the module matrix,
//! so the `image` crate and its decoders are not needed.

use anyhow::{Context, Result};
use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, as the standard asks (quiet zone).
const QUIET_ZONE: usize = 4;
/// Pixels per module in the PNG.
const PNG_SCALE: usize = 8;

fn encode(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .with_context(|| format!("encoding {} bytes as a QR code", text.len()))
}

/// The QR code of `text` as an SVG document (at least 256×256 px).
pub fn svg(text: &str) -> Result<String> {
    Ok(encode(text)?
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .build())
}

/// The modules of `text`'s QR code: the side in modules and, row by row,
/// whether each module is dark (no quiet zone), for drawing it as vectors.
pub fn modules(text: &str) -> Result<(usize, Vec<bool>)> {
    let code = encode(text)?;
    let side = code.width();
    let dark = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
    Ok((side, dark))
}

/// The QR code of `text` as an 8-bit greyscale PNG, 8 px per module.
pub fn png(text: &str) -> Result<Vec<u8>> {
    let code = encode(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
        for y in my * PNG_SCALE..(my + 1) * PNG_SCALE {
            let row = y * side;
            pixels[row + mx * PNG_SCALE..row + (mx + 1) * PNG_SCALE].fill(0);
        }
    }
    let side_px = u32::try_from(side).context("QR image too large")?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side_px, side_px);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().context("PNG header")?;
    writer.write_image_data(&pixels).context("PNG data")?;
    writer.finish().context("PNG end")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_and_png_have_their_signatures() {
        let url = "http://127.0.0.1:8080/thu-tuc/1.001193";
        let s = svg(url).expect("svg");
        assert!(s.contains("<svg") && s.ends_with("</svg>"), "{s}");
        let p = png(url).expect("png");
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        // A 33-character URL fits QR version 3 at level M: 29 modules + 8 quiet.
        let side = u32::from_be_bytes([p[16], p[17], p[18], p[19]]);
        assert_eq!(side, (29 + 8) * 8);
    }
}
