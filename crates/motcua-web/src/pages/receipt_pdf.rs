//! The one-stop forms (01–07) as A4 PDFs, drawn with `krilla`: DejaVu Sans is
//! embedded in the binary and subset into each PDF (with a ToUnicode map,
//! so the Vietnamese text can be searched and copied), and the QR code is
//! drawn as vector squares. See `docs/decisions/0010-receipt-pdf.md`.
//!
//! Layout first computes every drawing operation with page numbers, then
//! draws each page; a long list of components flows onto more pages.

use anyhow::{Context, Result, anyhow};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::receipt::{Field, ReceiptDocument};

/// DejaVu Sans (see `assets/fonts/SOURCE.md`).
static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 48.0;
const TOP: f32 = 48.0;
const BOTTOM: f32 = PAGE_H - 40.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 1.45;
const QR_SIDE: f32 = 84.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    Qr {
        x: f32,
        y: f32,
        side: usize,
        dark: Vec<bool>,
    },
}

/// Text measurement with the embedded fonts' advance widths.
fn width(face: Face, size: f32, text: &str) -> f32 {
    let data = match face {
        Face::Regular => REGULAR,
        Face::Bold => BOLD,
    };
    let Ok(font) = FontRef::new(data) else {
        return text.chars().count() as f32 * size * 0.6;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.6)
        })
        .sum()
}

/// A word wider than `max` cut into pieces that fit (codes in narrow
/// table columns).
fn split_long(face: Face, size: f32, word: &str, max: f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        piece.push(c);
        if width(face, size, &piece) > max && piece.chars().count() > 1 {
            piece.pop();
            pieces.push(std::mem::take(&mut piece));
            piece.push(c);
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Greedy word wrap to `max` points.
fn wrap(face: Face, size: f32, text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let words = text
        .split_whitespace()
        .flat_map(|w| split_long(face, size, w, max));
    for word in words {
        let candidate = if line.is_empty() {
            word.clone()
        } else {
            format!("{line} {word}")
        };
        if width(face, size, &candidate) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Operations grouped by page, with a cursor.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Makes room for `height` points, starting a page when needed.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn text(&mut self, x: f32, size: f32, face: Face, text: &str) {
        self.push(Op::Text {
            x,
            y: self.y,
            size,
            face,
            text: text.to_owned(),
        });
    }

    /// Wrapped lines between `x` and `x + max`, advancing the cursor.
    fn paragraph(&mut self, x: f32, max: f32, size: f32, face: Face, text: &str) {
        for line in wrap(face, size, text, max) {
            self.room(size * LEADING);
            self.y += size * LEADING;
            self.text(x, size, face, &line);
        }
    }

    /// Lines centred on `cx` within `max`, advancing the cursor.
    fn centred(&mut self, cx: f32, max: f32, size: f32, face: Face, text: &str) {
        for line in wrap(face, size, text, max) {
            self.y += size * LEADING;
            let x = cx - width(face, size, &line) / 2.0;
            self.text(x, size, face, &line);
        }
    }

    /// "Label: value", the label in bold, the value wrapped after it.
    fn field(&mut self, label: &str, value: &str) {
        let label = if value.is_empty() {
            label.to_owned()
        } else {
            format!("{label}: ")
        };
        let label_w = width(Face::Bold, BODY, &label);
        let indent = if label_w < (RIGHT - LEFT) * 0.55 {
            label_w
        } else {
            0.0
        };
        let lines = wrap(Face::Regular, BODY, value, RIGHT - LEFT - indent);
        self.room(BODY * LEADING);
        self.y += BODY * LEADING;
        self.text(LEFT, BODY, Face::Bold, &label);
        let mut first = indent > 0.0;
        for line in lines.iter().filter(|l| !l.is_empty()) {
            if !first {
                self.room(BODY * LEADING);
                self.y += BODY * LEADING;
            }
            self.text(LEFT + indent, BODY, Face::Regular, line);
            first = false;
        }
    }

    fn rule(&mut self, x1: f32, x2: f32) {
        self.push(Op::Line {
            x1,
            y1: self.y,
            x2,
            y2: self.y,
        });
    }
}

/// A printable one-stop document (forms 01–07) as the PDF lays it out:
/// the usual header (agency, national motto, form number), a title, then
/// blocks, then the signatures. The receipt converts into one
/// ([`Sheet::from`]); forms 02–07 are built as one directly.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The issuing unit's name (top left).
    pub agency: String,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    pub nation: String,
    /// "Độc lập - Tự do - Hạnh phúc".
    pub motto: String,
    /// "Mẫu số 0x" (top right).
    pub form: String,
    /// The title (printed in capitals).
    pub title: String,
    /// Lines under the title, e.g. "Mã hồ sơ: ...".
    pub subtitles: Vec<String>,
    /// The body.
    pub blocks: Vec<Block>,
    /// Signatures, side by side (at most two per row).
    pub signers: Vec<Signer>,
    /// Title of the page and of the PDF.
    pub page_title: String,
    /// The language tag.
    pub lang: &'static str,
}

/// One signature: who signs, the note under it, and the name if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// "Người tiếp nhận hồ sơ".
    pub title: String,
    /// "(Ký và ghi rõ họ tên)".
    pub note: String,
    /// The name or account printed under the space for the signature.
    pub name: String,
}

/// A part of a sheet's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// "Label: value" lines.
    Fields(Vec<Field>),
    /// A bold line.
    Heading(String),
    /// Indented plain lines.
    Lines(Vec<String>),
    /// A table: headers, relative column widths, rows of cells.
    Table {
        /// Column headers.
        columns: Vec<String>,
        /// Relative widths, one per column.
        widths: Vec<f32>,
        /// The rows.
        rows: Vec<Vec<String>>,
    },
    /// A QR code with a sentence beside it.
    Qr {
        /// What the QR encodes.
        url: String,
        /// The sentence.
        text: String,
    },
}

impl From<&ReceiptDocument> for Sheet {
    fn from(doc: &ReceiptDocument) -> Self {
        let fees = doc
            .fees
            .iter()
            .map(|f| {
                if f.value.is_empty() {
                    f.label.clone()
                } else {
                    format!("{}: {}", f.label, f.value)
                }
            })
            .collect();
        Self {
            agency: doc.agency.clone(),
            nation: doc.nation.clone(),
            motto: doc.motto.clone(),
            form: doc.form.clone(),
            title: doc.title.clone(),
            subtitles: vec![doc.code_line.clone()],
            blocks: vec![
                Block::Fields(doc.fields.clone()),
                Block::Heading(doc.components_title.clone()),
                Block::Table {
                    columns: doc.columns.to_vec(),
                    widths: vec![30.0, 240.0, RIGHT - LEFT - 270.0],
                    rows: doc
                        .components
                        .iter()
                        .enumerate()
                        .map(|(i, r)| vec![(i + 1).to_string(), r.name.clone(), r.how.clone()])
                        .collect(),
                },
                Block::Heading(doc.fees_title.clone()),
                Block::Lines(fees),
                Block::Fields(doc.times.clone()),
                Block::Qr {
                    url: doc.tracking_url.clone(),
                    text: doc.tracking_line.clone(),
                },
            ],
            signers: vec![
                Signer {
                    title: doc.signers[0].clone(),
                    note: doc.sign_note.clone(),
                    name: String::new(),
                },
                Signer {
                    title: doc.signers[1].clone(),
                    note: doc.sign_note.clone(),
                    name: doc.officer.clone(),
                },
            ],
            page_title: doc.page_title.clone(),
            lang: doc.lang,
        }
    }
}

/// Table text size.
const CELL: f32 = 9.5;

fn table(l: &mut Layout, columns: &[String], widths: &[f32], rows: &[Vec<String>]) {
    let total: f32 = widths.iter().sum::<f32>().max(1.0);
    let mut xs = Vec::with_capacity(widths.len());
    let mut x = LEFT;
    for w in widths {
        xs.push((x, w / total * (RIGHT - LEFT)));
        x += w / total * (RIGHT - LEFT);
    }
    // Many columns: a smaller size so that words fit.
    let size = if columns.len() > 6 { 7.0 } else { CELL };
    let row = |l: &mut Layout, cells: &[String], face: Face| {
        let wrapped: Vec<Vec<String>> = xs
            .iter()
            .zip(cells)
            .map(|((_, w), c)| wrap(face, size, c, (w - 4.0).max(10.0)))
            .collect();
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        l.room(n as f32 * size * LEADING + 5.0);
        let top = l.y;
        for ((x, _), lines) in xs.iter().zip(&wrapped) {
            for (k, line) in lines.iter().enumerate() {
                l.y = top + (k + 1) as f32 * size * LEADING;
                l.text(*x, size, face, line);
            }
        }
        l.y = top + n as f32 * size * LEADING + 5.0;
        l.rule(LEFT, RIGHT);
    };
    l.y += 4.0;
    l.rule(LEFT, RIGHT);
    row(l, columns, Face::Bold);
    for cells in rows {
        row(l, cells, Face::Regular);
    }
}

fn layout(doc: &Sheet) -> Result<Vec<Vec<Op>>> {
    let mut l = Layout::new();
    let mid = (LEFT + RIGHT) / 2.0;
    let col = (RIGHT - LEFT) / 2.0 - 8.0;
    let left_cx = LEFT + col / 2.0;
    let right_cx = RIGHT - col / 2.0;
    // Header: agency (left), nation and motto (right).
    l.centred(left_cx, col, 10.0, Face::Bold, &doc.agency.to_uppercase());
    let left_end = l.y;
    l.y = TOP;
    l.centred(right_cx, col, 9.5, Face::Bold, &doc.nation);
    l.centred(right_cx, col, 10.0, Face::Bold, &doc.motto);
    l.y += 4.0;
    let motto_w = width(Face::Bold, 10.0, &doc.motto);
    l.rule(right_cx - motto_w / 2.0, right_cx + motto_w / 2.0);
    l.y = l.y.max(left_end);
    l.push(Op::Text {
        x: RIGHT - width(Face::Regular, 8.5, &doc.form),
        y: TOP - 16.0,
        size: 8.5,
        face: Face::Regular,
        text: doc.form.clone(),
    });
    // Title and code.
    l.y += 18.0;
    l.centred(
        mid,
        RIGHT - LEFT,
        14.0,
        Face::Bold,
        &doc.title.to_uppercase(),
    );
    for line in &doc.subtitles {
        l.centred(mid, RIGHT - LEFT, 11.0, Face::Bold, line);
    }
    l.y += 8.0;
    for block in &doc.blocks {
        match block {
            Block::Fields(fields) => {
                for f in fields {
                    l.field(&f.label, &f.value);
                }
                l.y += 6.0;
            }
            Block::Heading(text) => {
                l.paragraph(LEFT, RIGHT - LEFT, BODY, Face::Bold, text);
            }
            Block::Lines(lines) => {
                for line in lines {
                    l.paragraph(LEFT + 12.0, RIGHT - LEFT - 12.0, BODY, Face::Regular, line);
                }
                l.y += 6.0;
            }
            Block::Table {
                columns,
                widths,
                rows,
            } => {
                table(&mut l, columns, widths, rows);
                l.y += 6.0;
            }
            Block::Qr { url, text } => {
                l.y += 4.0;
                l.room(QR_SIDE + 10.0);
                let (side, dark) = crate::qr::modules(url).context("QR of the sheet")?;
                l.push(Op::Qr {
                    x: LEFT,
                    y: l.y,
                    side,
                    dark,
                });
                let qr_top = l.y;
                l.y += 6.0;
                l.paragraph(
                    LEFT + QR_SIDE + 14.0,
                    RIGHT - LEFT - QR_SIDE - 14.0,
                    9.5,
                    Face::Regular,
                    text,
                );
                l.y = qr_top + QR_SIDE + 14.0;
            }
        }
    }
    // Signatures, two per row (a single one on the right).
    for pair in doc.signers.chunks(2) {
        l.room(88.0);
        let sign_top = l.y;
        let places: Vec<f32> = if pair.len() == 1 {
            vec![right_cx]
        } else {
            vec![left_cx, right_cx]
        };
        let mut bottom = sign_top;
        for (cx, s) in places.into_iter().zip(pair) {
            l.y = sign_top;
            l.centred(cx, col, BODY, Face::Bold, &s.title);
            l.centred(cx, col, 8.5, Face::Regular, &s.note);
            l.y += 44.0;
            if !s.name.is_empty() {
                l.centred(cx, col, BODY, Face::Regular, &s.name);
            }
            bottom = bottom.max(l.y);
        }
        l.y = bottom + 12.0;
    }
    Ok(l.pages)
}

fn draw_qr(surface: &mut krilla::surface::Surface<'_>, x: f32, y: f32, side: usize, dark: &[bool]) {
    if side == 0 {
        return;
    }
    let module = QR_SIDE / side as f32;
    let mut pb = PathBuilder::new();
    for (i, is_dark) in dark.iter().enumerate() {
        if !is_dark {
            continue;
        }
        let (mx, my) = ((i % side) as f32, (i / side) as f32);
        if let Some(r) = Rect::from_xywh(x + mx * module, y + my * module, module, module) {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
        surface.draw_path(&path);
    }
}

/// The receipt as PDF bytes.
pub fn render(doc: &ReceiptDocument) -> Result<Vec<u8>> {
    render_sheet(&Sheet::from(doc))
}

/// Any sheet (forms 01–07) as A4 PDF bytes.
pub fn render_sheet(doc: &Sheet) -> Result<Vec<u8>> {
    let pages = layout(doc)?;
    let regular = Font::new(REGULAR.into(), 0).ok_or_else(|| anyhow!("bad regular font"))?;
    let bold = Font::new(BOLD.into(), 0).ok_or_else(|| anyhow!("bad bold font"))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(doc.page_title.clone())
            .language(doc.lang.to_owned())
            .creator("motcua".to_owned()),
    );
    for ops in pages {
        let settings =
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| anyhow!("bad page size"))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    face,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    let font = match face {
                        Face::Regular => regular.clone(),
                        Face::Bold => bold.clone(),
                    };
                    surface.draw_text(
                        Point::from_xy(x, y),
                        font,
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(x1, y1);
                    pb.line_to(x2, y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: 0.6,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Qr { x, y, side, dark } => draw_qr(&mut surface, x, y, side, &dark),
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| anyhow!("PDF could not be written: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_within_the_width() {
        let text = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả của Ủy ban nhân dân xã";
        let lines = wrap(Face::Regular, 10.0, text, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(width(Face::Regular, 10.0, line) <= 120.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
        assert!(width(Face::Bold, 10.0, "Đ") > width(Face::Regular, 10.0, "i"));
    }

    #[test]
    fn a_code_wider_than_its_column_is_cut_to_fit() {
        let code = "H55.X01840.TT-261205-0001";
        let lines = wrap(Face::Regular, 7.5, code, 50.0);
        assert!(lines.len() > 1, "{lines:?}");
        for line in &lines {
            assert!(width(Face::Regular, 7.5, line) <= 50.0, "{line}");
        }
        assert_eq!(lines.concat(), code);
    }
}
