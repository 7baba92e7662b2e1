//! Printable sheets of personal QR cards: A4 pages of twelve cards, each a
//! 5 × 5 cm QR drawn as vector squares (sharp on any printer) with the
//! name, the masked document number and the ward beneath it.
//!
//! The PDF is written here rather than by a library: it needs one font and
//! filled rectangles. The text is set in DejaVu Sans, shipped in
//! `api/assets/fonts` with its licence and embedded whole as a TrueType
//! CID font, so Vietnamese letters with their stacked diacritics print as
//! they should and can be copied back out of the PDF as text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use unicode_normalization::UnicodeNormalization;

use crate::error::ApiError;
use crate::qr::render;

static FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// One card to print.
#[derive(Clone, Debug)]
pub struct Card {
    /// The QR's content.
    pub payload: String,
    pub full_name: String,
    pub document_masked: String,
    pub ward_name: String,
}

/// Points per millimetre.
const MM: f64 = 72.0 / 25.4;
const PAGE_WIDTH: f64 = 210.0 * MM;
const PAGE_HEIGHT: f64 = 297.0 * MM;
const COLUMNS: usize = 3;
const ROWS: usize = 4;
pub const CARDS_PER_PAGE: usize = COLUMNS * ROWS;
const CARD_WIDTH: f64 = 65.0 * MM;
const CARD_HEIGHT: f64 = 70.0 * MM;
/// The QR symbol itself, without its quiet zone.
const QR_SIZE: f64 = 50.0 * MM;

/// A font's glyphs and metrics, as far as the cards use them.
struct Font<'a> {
    face: ttf_parser::Face<'a>,
    /// Glyph id to (advance in 1/1000 em, the text it stands for).
    used: BTreeMap<u16, (i64, String)>,
}

impl<'a> Font<'a> {
    fn load() -> Result<Font<'a>, ApiError> {
        let face = ttf_parser::Face::parse(FONT, 0)
            .map_err(|err| ApiError::internal(format!("the card font cannot be read: {err}")))?;
        Ok(Font {
            face,
            used: BTreeMap::new(),
        })
    }

    fn per_mille(&self, units: i64) -> i64 {
        units * 1000 / i64::from(self.face.units_per_em().max(1))
    }

    /// The glyphs of `text` (composed first, so a letter with two
    /// diacritics is one glyph), remembered for the font's tables.
    fn glyphs(&mut self, text: &str) -> Vec<(u16, i64)> {
        text.nfc()
            .map(|c| {
                let glyph = self.face.glyph_index(c).map_or(0, |g| g.0);
                let advance = self
                    .face
                    .glyph_hor_advance(ttf_parser::GlyphId(glyph))
                    .map_or(0, i64::from);
                let width = self.per_mille(advance);
                self.used
                    .entry(glyph)
                    .or_insert_with(|| (width, c.to_string()));
                (glyph, width)
            })
            .collect()
    }
}

/// A line of text centred on `centre_x`, cut with an ellipsis to fit `max_width`.
fn centred_text(
    font: &mut Font<'_>,
    out: &mut String,
    text: &str,
    size: f64,
    centre_x: f64,
    y: f64,
    max_width: f64,
) {
    let width_of =
        |glyphs: &[(u16, i64)]| glyphs.iter().map(|(_, w)| *w as f64).sum::<f64>() * size / 1000.0;
    let mut glyphs = font.glyphs(text);
    if width_of(&glyphs) > max_width {
        let ellipsis = font.glyphs("…");
        while !glyphs.is_empty() && width_of(&glyphs) + width_of(&ellipsis) > max_width {
            glyphs.pop();
        }
        glyphs.extend(ellipsis);
    }
    let x = centre_x - width_of(&glyphs) / 2.0;
    let hex: String = glyphs.iter().map(|(g, _)| format!("{g:04X}")).collect();
    let _ = writeln!(out, "BT /F1 {size:.1} Tf {x:.2} {y:.2} Td <{hex}> Tj ET");
}

/// The drawing of one card whose lower left corner is at (`left`, `bottom`).
fn draw_card(
    font: &mut Font<'_>,
    out: &mut String,
    card: &Card,
    left: f64,
    bottom: f64,
) -> Result<(), ApiError> {
    // A light cutting frame.
    let _ = writeln!(
        out,
        "0.75 G 0.5 w {left:.2} {bottom:.2} {CARD_WIDTH:.2} {CARD_HEIGHT:.2} re S 0 G"
    );

    let (width, dark) = render::modules(&card.payload)?;
    let module = QR_SIZE / width as f64;
    let qr_left = left + (CARD_WIDTH - QR_SIZE) / 2.0;
    let qr_top = bottom + CARD_HEIGHT - 5.0 * MM;
    out.push_str("0 g\n");
    for row in 0..width {
        let mut column = 0;
        while column < width {
            if !dark[row * width + column] {
                column += 1;
                continue;
            }
            // Runs of dark modules become one rectangle.
            let start = column;
            while column < width && dark[row * width + column] {
                column += 1;
            }
            let x = qr_left + start as f64 * module;
            let y = qr_top - (row + 1) as f64 * module;
            let run = (column - start) as f64 * module;
            let _ = writeln!(out, "{x:.3} {y:.3} {run:.3} {module:.3} re");
        }
    }
    out.push_str("f\n");

    let centre = left + CARD_WIDTH / 2.0;
    let text_width = CARD_WIDTH - 6.0 * MM;
    let first_line = qr_top - QR_SIZE - 5.5 * MM;
    centred_text(
        font,
        out,
        &card.full_name,
        10.0,
        centre,
        first_line,
        text_width,
    );
    centred_text(
        font,
        out,
        &card.document_masked,
        9.0,
        centre,
        first_line - 4.5 * MM,
        text_width,
    );
    centred_text(
        font,
        out,
        &card.ward_name,
        9.0,
        centre,
        first_line - 9.0 * MM,
        text_width,
    );
    Ok(())
}

fn compressed(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|err| ApiError::internal(format!("PDF compression failed: {err}")))
}

/// A PDF under construction: numbered objects and their byte offsets.
struct Pdf {
    bytes: Vec<u8>,
    offsets: Vec<usize>,
}

impl Pdf {
    fn new(objects: usize) -> Self {
        let mut bytes = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        bytes.reserve(64 * 1024);
        Self {
            bytes,
            offsets: vec![0; objects + 1],
        }
    }

    fn object(&mut self, number: usize, body: &str) {
        self.offsets[number] = self.bytes.len();
        self.bytes
            .extend_from_slice(format!("{number} 0 obj\n{body}\nendobj\n").as_bytes());
    }

    fn stream(&mut self, number: usize, dictionary: &str, data: &[u8]) {
        self.offsets[number] = self.bytes.len();
        self.bytes.extend_from_slice(
            format!(
                "{number} 0 obj\n<< {dictionary} /Filter /FlateDecode /Length {} >>\nstream\n",
                data.len()
            )
            .as_bytes(),
        );
        self.bytes.extend_from_slice(data);
        self.bytes.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn finish(mut self) -> Vec<u8> {
        let xref = self.bytes.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len());
        for offset in &self.offsets[1..] {
            let _ = writeln!(table, "{offset:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len()
        );
        self.bytes.extend_from_slice(table.as_bytes());
        self.bytes
    }
}

/// A PDF of A4 pages with [`CARDS_PER_PAGE`] cards each, in order.
pub fn cards_pdf(cards: &[Card]) -> Result<Vec<u8>, ApiError> {
    let mut font = Font::load()?;
    let margin_x = (PAGE_WIDTH - COLUMNS as f64 * CARD_WIDTH) / 2.0;
    let margin_y = (PAGE_HEIGHT - ROWS as f64 * CARD_HEIGHT) / 2.0;
    let mut contents = Vec::new();
    for page in cards.chunks(CARDS_PER_PAGE) {
        let mut out = String::new();
        for (index, card) in page.iter().enumerate() {
            let left = margin_x + (index % COLUMNS) as f64 * CARD_WIDTH;
            let bottom = PAGE_HEIGHT - margin_y - (index / COLUMNS + 1) as f64 * CARD_HEIGHT;
            draw_card(&mut font, &mut out, card, left, bottom)?;
        }
        contents.push(compressed(out.as_bytes())?);
    }
    if contents.is_empty() {
        return Err(ApiError::internal("a card sheet needs at least one card"));
    }

    // Objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor,
    // 6 font file, 7 ToUnicode map, then a page and its content per page.
    let pages = contents.len();
    let mut pdf = Pdf::new(7 + 2 * pages);
    pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", 8 + 2 * i)).collect();
    pdf.object(
        2,
        &format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>"),
    );
    pdf.object(
        3,
        "<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H \
         /DescendantFonts [4 0 R] /ToUnicode 7 0 R >>",
    );
    let widths: String = font
        .used
        .iter()
        .map(|(glyph, (width, _))| format!("{glyph} [{width}] "))
        .collect();
    pdf.object(
        4,
        &format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor 5 0 R /CIDToGIDMap /Identity /DW 600 /W [{widths}] >>"
        ),
    );
    let face = &font.face;
    let bbox = face.global_bounding_box();
    let scale = |v: i16| font.per_mille(i64::from(v));
    pdf.object(
        5,
        &format!(
            "<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 \
             /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} \
             /CapHeight {} /StemV 80 /FontFile2 6 0 R >>",
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
            scale(face.ascender()),
            scale(face.descender()),
            scale(face.capital_height().unwrap_or(face.ascender())),
        ),
    );
    pdf.stream(6, &format!("/Length1 {}", FONT.len()), &compressed(FONT)?);
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let used: Vec<(&u16, &(i64, String))> = font.used.iter().collect();
    for chunk in used.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (glyph, (_, text)) in chunk {
            let utf16: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{glyph:04X}> <{utf16}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    pdf.stream(7, "", &compressed(cmap.as_bytes())?);
    for (i, content) in contents.iter().enumerate() {
        let page = 8 + 2 * i;
        pdf.object(
            page,
            &format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH:.2} {PAGE_HEIGHT:.2}] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                page + 1
            ),
        );
        pdf.stream(page + 1, "", content);
    }
    Ok(pdf.finish())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn card(name: &str) -> Card {
        Card {
            payload: "079190012345|NGUYEN THI DOAN|1990-05-17|0|123456789012345678|<2<<<".into(),
            full_name: name.into(),
            document_masked: "******012345".into(),
            ward_name: "Phường Linh Xuân".into(),
        }
    }

    #[test]
    fn pages_hold_twelve_cards() {
        let cards: Vec<Card> = (0..25).map(|_| card("Nguyễn Thị Đoàn")).collect();
        let pdf = cards_pdf(&cards).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3 "), "25 cards on three pages");
    }

    #[test]
    fn vietnamese_letters_are_real_glyphs() {
        let mut font = Font::load().unwrap();
        for (glyph, _) in font.glyphs("Nguyễn Thị Đoàn ắ ỵ") {
            assert_ne!(glyph, 0, "every letter has a glyph in DejaVu Sans");
        }
        // A decomposed name is composed before it is set.
        let composed = font.glyphs("ễ");
        let decomposed = font.glyphs("e\u{302}\u{303}");
        assert_eq!(composed, decomposed);
    }

    #[test]
    fn long_names_are_cut_to_the_card() {
        let mut font = Font::load().unwrap();
        let mut out = String::new();
        centred_text(
            &mut font,
            &mut out,
            &"Nguyễn ".repeat(30),
            10.0,
            100.0,
            100.0,
            50.0 * MM,
        );
        let ellipsis = font.glyphs("…")[0].0;
        assert!(out.contains(&format!("{ellipsis:04X}> Tj")));
    }
}
