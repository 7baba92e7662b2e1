//! Drawing QR codes as PNG and SVG with the `qrcode` crate. Error
//! correction level M survives a scuffed card or a cracked screen.

use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};

use crate::error::ApiError;

fn encode(text: &str) -> Result<QrCode, ApiError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|err| ApiError::internal(format!("QR encoding failed: {err}")))
}

/// The modules of `text`'s code, row by row, true for dark, and the
/// number of modules per side (without the quiet zone).
pub fn modules(text: &str) -> Result<(usize, Vec<bool>), ApiError> {
    let code = encode(text)?;
    let dark = code
        .to_colors()
        .into_iter()
        .map(|color| color == qrcode::Color::Dark)
        .collect();
    Ok((code.width(), dark))
}

/// A PNG of `text` at least `min_pixels` wide, with the standard quiet zone.
pub fn png(text: &str, min_pixels: u32) -> Result<Vec<u8>, ApiError> {
    let image = encode(text)?
        .render::<Luma<u8>>()
        .min_dimensions(min_pixels, min_pixels)
        .build();
    let mut bytes = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut bytes), ImageFormat::Png)
        .map_err(|err| ApiError::internal(format!("PNG encoding failed: {err}")))?;
    Ok(bytes)
}

/// An SVG of `text` that scales to any print size.
pub fn svg(text: &str) -> Result<String, ApiError> {
    Ok(encode(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .build())
}
