//! XLSX out: a workbook of one sheet, a bold header row, then rows of text.
//! Every cell is written as a string, never as a formula, and a string
//! that a spreadsheet would read as one (it starts with `=`, `+`, `-`,
//! `@`, a tab or a carriage return) also carries Excel's quote prefix, so
//! that it stays text when someone edits the cell.
//!
//! The sheet is written in rust_xlsxwriter's constant-memory mode: each
//! finished row goes to a temporary file, and the workbook is then zipped
//! into an anonymous temporary file, so that memory holds one row at a
//! time, not the sheet. The file is complete only at the end, though, so
//! an XLSX export cannot stream while it is built; callers bound its rows.

use std::fs::File;
use std::io::{Seek, SeekFrom};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::domain::spreadsheet::starts_like_formula;
use crate::error::ApiError;

/// The content type of an XLSX file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A sheet being written, row by row.
pub struct Sheet {
    workbook: Workbook,
    next_row: u32,
    /// Excel's quote prefix: the cell is text even when edited.
    text: Format,
}

fn failed(err: XlsxError) -> ApiError {
    ApiError::internal(format!("writing the XLSX file failed: {err}"))
}

impl Sheet {
    /// A sheet whose first row is `columns`.
    pub fn new(name: &str, columns: &[&str]) -> Result<Self, ApiError> {
        let mut workbook = Workbook::new();
        workbook
            .add_worksheet_with_constant_memory()
            .and_then(|sheet| sheet.set_name(name))
            .and_then(|sheet| sheet.set_freeze_panes(1, 0))
            .map_err(failed)?;
        let mut sheet = Self {
            workbook,
            next_row: 0,
            text: Format::new().set_quote_prefix(),
        };
        sheet.write_row(columns, Some(&Format::new().set_bold()))?;
        Ok(sheet)
    }

    /// Rows written after the header.
    pub fn rows(&self) -> u32 {
        self.next_row.saturating_sub(1)
    }

    /// Appends one row of text cells.
    pub fn push<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), ApiError> {
        self.write_row(cells, None)
    }

    fn write_row<S: AsRef<str>>(
        &mut self,
        cells: &[S],
        format: Option<&Format>,
    ) -> Result<(), ApiError> {
        let row = self.next_row;
        let worksheet = self.workbook.worksheet_from_index(0).map_err(failed)?;
        for (col, value) in cells.iter().enumerate() {
            let col = u16::try_from(col).map_err(|_| ApiError::internal("too many columns"))?;
            let value = value.as_ref();
            let format = match format {
                Some(format) => Some(format),
                None if starts_like_formula(value) => Some(&self.text),
                None => None,
            };
            match format {
                Some(format) => worksheet.write_string_with_format(row, col, value, format),
                None => worksheet.write_string(row, col, value),
            }
            .map_err(failed)?;
        }
        self.next_row += 1;
        Ok(())
    }

    /// The finished workbook in an anonymous temporary file, read from its
    /// start; the file disappears when it is dropped.
    pub fn finish(mut self) -> Result<File, ApiError> {
        let mut file = tempfile::tempfile()
            .map_err(|err| ApiError::internal(format!("no temporary file for XLSX: {err}")))?;
        self.workbook.save_to_writer(&mut file).map_err(failed)?;
        file.seek(SeekFrom::Start(0))
            .map_err(|err| ApiError::internal(format!("rewinding the XLSX file: {err}")))?;
        Ok(file)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn a_sheet_counts_its_rows_and_zips() {
        let mut sheet = Sheet::new("Staff", &["name", "colour"]).unwrap();
        sheet.push(&["=1+1", "green"]).unwrap();
        sheet.push(&["NGUYEN VAN A", ""]).unwrap();
        assert_eq!(sheet.rows(), 2);
        let mut bytes = Vec::new();
        sheet.finish().unwrap().read_to_end(&mut bytes).unwrap();
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    }
}
