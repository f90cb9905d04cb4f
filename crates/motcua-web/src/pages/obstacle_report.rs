//! The monthly obstacle report (báo cáo khó khăn, vướng mắc) as an
//! administrative document ready to sign: the same content as A4 PDF
//! (`krilla`, through the one-stop sheet layout of [`super::receipt_pdf`])
//! and as DOCX (`docx-rs`), for the unit to edit only around it. Every
//! number and line comes from [`MonthlyReport`], computed from the cases'
//! histories; the leader's assessment is the only free text.

use std::io::Cursor;

use anyhow::{Result, anyhow};
use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};
use motcua_domain::format::{date, local_date, local_datetime};
use motcua_domain::obstacle::{EvidenceFigures, MonthlyReport};

use super::receipt::Field;
use super::receipt_pdf::{Block, Sheet, Signer, render_sheet};

/// One section of the document, shared by both formats.
enum Part {
    Heading(String),
    Fields(Vec<(String, String)>),
    Table {
        columns: Vec<String>,
        widths: Vec<f32>,
        rows: Vec<Vec<String>>,
    },
    Text(String),
}

fn figures(list: &[EvidenceFigures]) -> String {
    list.iter()
        .map(|f| {
            format!(
                "{}: {} đang giải quyết, {} quá hạn, {} tạm dừng",
                f.procedure, f.open, f.overdue, f.paused
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The title lines: title, period, "as of".
fn titles(r: &MonthlyReport) -> (String, Vec<String>) {
    let (first, last) = (
        local_date(r.from),
        local_date(r.to - chrono::Duration::milliseconds(1)),
    );
    (
        format!("Báo cáo tình hình khó khăn, vướng mắc {}", r.period_label),
        vec![
            format!("Kỳ báo cáo: từ ngày {first} đến ngày {last}"),
            format!(
                "Số liệu tính đến {} (từ lịch sử xử lý từng vướng mắc)",
                local_datetime(r.as_of)
            ),
        ],
    )
}

fn parts(r: &MonthlyReport) -> Vec<Part> {
    let n = |v: u64| v.to_string();
    let mut out = vec![
        Part::Heading("I. Tổng hợp số liệu".into()),
        Part::Fields(vec![
            ("Vướng mắc mới phát sinh trong kỳ".into(), n(r.new)),
            ("Đã được trả lời trong kỳ".into(), n(r.answered)),
            ("Đã giải quyết xong trong kỳ".into(), n(r.resolved)),
            ("Còn chờ trả lời cuối kỳ".into(), n(r.open)),
            ("Trong đó quá hạn trả lời".into(), n(r.overdue)),
        ]),
        Part::Heading("II. Theo lĩnh vực".into()),
        Part::Table {
            columns: ["Lĩnh vực", "Mới", "Đã trả lời", "Còn chờ", "Quá hạn"]
                .map(str::to_owned)
                .to_vec(),
            widths: vec![200.0, 60.0, 70.0, 60.0, 60.0],
            rows: r
                .by_category
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        n(c.new),
                        n(c.answered),
                        n(c.open),
                        n(c.overdue),
                    ]
                })
                .collect(),
        },
        Part::Heading("III. Theo cơ quan chủ trì giải quyết".into()),
        Part::Table {
            columns: ["Cơ quan", "Còn chờ", "Quá hạn"]
                .map(str::to_owned)
                .to_vec(),
            widths: vec![300.0, 70.0, 70.0],
            rows: r
                .by_owner
                .iter()
                .map(|o| vec![o.name.clone(), n(o.open), n(o.overdue)])
                .collect(),
        },
        Part::Heading("IV. Vướng mắc cụ thể và đề xuất, kiến nghị".into()),
        Part::Table {
            columns: ["Mã", "Đơn vị, nội dung", "Đề xuất, kiến nghị", "Tình trạng"]
                .map(str::to_owned)
                .to_vec(),
            widths: vec![70.0, 150.0, 130.0, 130.0],
            rows: r
                .lines
                .iter()
                .map(|l| {
                    let mut content = format!("{}: {} ({})", l.unit_name, l.title, l.category);
                    if !l.figures_then.is_empty() {
                        content.push_str(&format!(
                            ". Số liệu hồ sơ khi gửi: {}; hiện nay: {}",
                            figures(&l.figures_then),
                            figures(&l.figures_now)
                        ));
                    }
                    let mut status = format!("{} — {}", l.status.label_vi(), l.owner);
                    if let Some(d) = l.due_at {
                        status.push_str(&format!(", hạn {}", local_date(d)));
                    }
                    if l.overdue {
                        status.push_str(" (QUÁ HẠN)");
                    }
                    if let Some(a) = &l.answer {
                        status.push_str(&format!(". Trả lời: {a}"));
                    }
                    vec![l.id.clone(), content, l.proposal.clone(), status]
                })
                .collect(),
        },
        Part::Heading("V. Đánh giá của lãnh đạo".into()),
        Part::Text(
            r.assessment
                .clone()
                .unwrap_or_else(|| "(Lãnh đạo đơn vị chưa nhập đánh giá.)".into()),
        ),
    ];
    if r.lines.is_empty() {
        out.insert(
            out.len() - 2,
            Part::Text("Không có vướng mắc nào mới, được trả lời hay còn chờ trong kỳ.".into()),
        );
    }
    out
}

fn signers(r: &MonthlyReport) -> Vec<Signer> {
    vec![
        Signer {
            title: "NGƯỜI LẬP BÁO CÁO".into(),
            note: "(Ký, ghi rõ họ tên)".into(),
            name: String::new(),
        },
        Signer {
            title: format!("THỦ TRƯỞNG {}", r.unit_name.to_uppercase()),
            note: "(Ký, ghi rõ họ tên, đóng dấu)".into(),
            name: String::new(),
        },
    ]
}

/// The report as an A4 sheet for the PDF.
pub fn sheet(r: &MonthlyReport) -> Sheet {
    let (title, subtitles) = titles(r);
    let blocks = parts(r)
        .into_iter()
        .map(|p| match p {
            Part::Heading(h) => Block::Heading(h),
            Part::Fields(f) => Block::Fields(
                f.into_iter()
                    .map(|(label, value)| Field { label, value })
                    .collect(),
            ),
            Part::Table {
                columns,
                widths,
                rows,
            } => Block::Table {
                columns,
                widths,
                rows,
            },
            Part::Text(t) => Block::Lines(vec![t]),
        })
        .collect();
    Sheet {
        agency: r.unit_name.to_uppercase(),
        nation: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
        motto: "Độc lập - Tự do - Hạnh phúc".into(),
        form: format!(
            "Số: ......../BC ngày {}",
            date(motcua_domain::clock::to_local(r.as_of).date())
        ),
        title,
        subtitles,
        blocks,
        signers: signers(r),
        page_title: format!("Báo cáo vướng mắc {} — {}", r.period, r.unit_name),
        lang: "vi",
    }
}

/// The report as PDF bytes.
pub fn pdf(r: &MonthlyReport) -> Result<Vec<u8>> {
    render_sheet(&sheet(r))
}

fn para(text: &str, bold: bool, size: usize, align: AlignmentType) -> Paragraph {
    let mut run = Run::new().add_text(text).size(size);
    if bold {
        run = run.bold();
    }
    Paragraph::new().add_run(run).align(align)
}

fn cell(text: &str, bold: bool) -> TableCell {
    TableCell::new().add_paragraph(para(text, bold, 22, AlignmentType::Left))
}

/// The report as DOCX bytes (Times New Roman 13, the usual administrative face).
pub fn docx(r: &MonthlyReport) -> Result<Vec<u8>> {
    let (title, subtitles) = titles(r);
    let mut doc = Docx::new()
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman"),
        )
        .default_size(26);
    let header = Table::new(vec![TableRow::new(vec![
        TableCell::new()
            .add_paragraph(para(
                &r.unit_name.to_uppercase(),
                true,
                24,
                AlignmentType::Center,
            ))
            .add_paragraph(para("Số: ......../BC", false, 24, AlignmentType::Center)),
        TableCell::new()
            .add_paragraph(para(
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                true,
                24,
                AlignmentType::Center,
            ))
            .add_paragraph(para(
                "Độc lập - Tự do - Hạnh phúc",
                true,
                26,
                AlignmentType::Center,
            )),
    ])])
    .width(9000, WidthType::Dxa);
    doc = doc
        .add_table(header)
        .add_paragraph(para("", false, 26, AlignmentType::Center))
        .add_paragraph(para("BÁO CÁO", true, 28, AlignmentType::Center))
        .add_paragraph(para(&title, true, 26, AlignmentType::Center));
    for s in &subtitles {
        doc = doc.add_paragraph(para(s, false, 24, AlignmentType::Center));
    }
    for p in parts(r) {
        doc = match p {
            Part::Heading(h) => doc.add_paragraph(para(&h, true, 26, AlignmentType::Left)),
            Part::Fields(f) => f.iter().fold(doc, |d, (label, value)| {
                d.add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(format!("- {label}: ")))
                        .add_run(Run::new().add_text(value).bold()),
                )
            }),
            Part::Table { columns, rows, .. } => {
                let mut table_rows = vec![TableRow::new(
                    columns.iter().map(|c| cell(c, true)).collect(),
                )];
                table_rows.extend(
                    rows.iter()
                        .map(|row| TableRow::new(row.iter().map(|c| cell(c, false)).collect())),
                );
                doc.add_table(Table::new(table_rows).width(9000, WidthType::Dxa))
            }
            Part::Text(t) => doc.add_paragraph(para(&t, false, 26, AlignmentType::Both)),
        };
    }
    let s = signers(r);
    let sign = Table::new(vec![TableRow::new(
        s.iter()
            .map(|x| {
                TableCell::new()
                    .add_paragraph(para(&x.title, true, 24, AlignmentType::Center))
                    .add_paragraph(para(&x.note, false, 22, AlignmentType::Center))
            })
            .collect(),
    )])
    .width(9000, WidthType::Dxa);
    doc = doc
        .add_paragraph(para("", false, 26, AlignmentType::Left))
        .add_table(sign);
    let mut buf = Cursor::new(Vec::new());
    doc.pack(&mut buf)
        .map_err(|e| anyhow!("DOCX could not be written: {e}"))?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::obstacle::{ObstacleRules, ReportingMonth};

    fn empty() -> MonthlyReport {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-20T03:00:00Z")
            .unwrap()
            .to_utc();
        MonthlyReport::build(
            ObstacleRules::embedded().unwrap(),
            ("H55", "Ủy ban nhân dân tỉnh Thái Nguyên"),
            ReportingMonth::parse("2026-11").unwrap(),
            &[],
            now,
        )
        .assess("Đề nghị Bộ sớm trả lời")
    }

    #[test]
    fn the_report_renders_as_pdf_and_docx_with_the_assessment() {
        let r = empty();
        let pdf = pdf(&r).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let docx = docx(&r).unwrap();
        assert!(docx.starts_with(b"PK"));
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert!(xml.contains("Đề nghị Bộ sớm trả lời"), "assessment missing");
        assert!(xml.contains("tháng 11/2026"));
        assert!(
            xml.contains("từ ngày 15/10/2026 đến ngày 14/11/2026"),
            "{xml}"
        );
    }
}
