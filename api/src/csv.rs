//! CSV in and out. Written cells are quoted as RFC 4180 asks and defused
//! against spreadsheet formula injection; read files are split into rows
//! that keep the line number they started on, for error reports, either by
//! [`read`] or by the csv crate through [`reader`].

/// A cell a spreadsheet will show as text, never run as a formula: a value
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading apostrophe, as OWASP advises; then it is quoted when it holds a
/// separator, a quote or a line break.
pub fn cell(value: &str) -> String {
    let defused = crate::domain::spreadsheet::safe_cell(value);
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused.into_owned()
    }
}

/// A reader for the csv crate over an uploaded file: the byte-order mark
/// dropped, cells trimmed, and CRLF line ends made line feeds. The csv crate
/// counts a CRLF file's lines one short, and files saved from Excel end
/// their lines with CRLF, so without this the line numbers of a report
/// would not be the ones the sender sees. `flexible` lets rows differ from
/// the header in length, for the caller to report.
pub fn reader(text: &str, flexible: bool) -> ::csv::Reader<std::io::Cursor<Vec<u8>>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    ::csv::ReaderBuilder::new()
        .trim(::csv::Trim::All)
        .flexible(flexible)
        .from_reader(std::io::Cursor::new(
            text.replace("\r\n", "\n").into_bytes(),
        ))
}

/// One line of cells, ended with CRLF.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// A record read from a CSV file, with the line it starts on (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Why a file cannot be split into records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub line: usize,
    pub message: String,
}

/// Splits `text` into records: fields separated by commas, optionally
/// quoted with `"` (a doubled quote inside is one quote, and a quoted field
/// may span lines). Blank lines are skipped; a UTF-8 byte-order mark at the
/// start is dropped.
pub fn read(text: &str) -> Result<Vec<Record>, ReadError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut records = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut after_quote = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();

    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    after_quote = true;
                }
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !after_quote => quoted = true,
            '"' => {
                return Err(ReadError {
                    line,
                    message: "a quote inside an unquoted field; quote the whole field".into(),
                });
            }
            ',' => {
                cells.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                cells.push(std::mem::take(&mut field));
                after_quote = false;
                if cells.iter().any(|c| !c.trim().is_empty()) || cells.len() > 1 {
                    records.push(Record {
                        line: start,
                        cells: std::mem::take(&mut cells),
                    });
                } else {
                    cells.clear();
                }
                line += 1;
                start = line;
            }
            _ if after_quote => {
                return Err(ReadError {
                    line,
                    message: "text after a closing quote; put a comma after the quoted field"
                        .into(),
                });
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(ReadError {
            line: start,
            message: "a quoted field is never closed".into(),
        });
    }
    cells.push(field);
    if cells.iter().any(|c| !c.trim().is_empty()) || cells.len() > 1 {
        records.push(Record { line: start, cells });
    }
    Ok(records)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_defused() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("+84909123456"), "'+84909123456");
        assert_eq!(cell("-1+2"), "'-1+2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tTAB"), "'\tTAB");
        assert_eq!(cell("NGUYEN THI DOAN"), "NGUYEN THI DOAN");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell(""), "");
        assert_eq!(line(&["x", "=1"]), "x,'=1\r\n");
    }

    #[test]
    fn records_keep_their_line_numbers() {
        let text = "\u{FEFF}code,name\r\nA1,\"Chợ \"\"Lớn\"\"\"\n\nB2,\"two\nlines\"\nC3,last";
        let records = read(text).unwrap();
        assert_eq!(
            records,
            vec![
                Record {
                    line: 1,
                    cells: vec!["code".into(), "name".into()]
                },
                Record {
                    line: 2,
                    cells: vec!["A1".into(), "Chợ \"Lớn\"".into()]
                },
                Record {
                    line: 4,
                    cells: vec!["B2".into(), "two\nlines".into()]
                },
                Record {
                    line: 6,
                    cells: vec!["C3".into(), "last".into()]
                },
            ]
        );
    }

    #[test]
    fn the_reader_counts_crlf_lines_as_the_sender_sees_them() {
        let mut reader = reader("\u{FEFF}a,b\r\n 1 ,2\r\n3,4\r\n", false);
        assert_eq!(reader.headers().unwrap(), vec!["a", "b"]);
        let lines: Vec<(u64, String)> = reader
            .records()
            .map(|record| {
                let record = record.unwrap();
                (record.position().unwrap().line(), record[0].to_owned())
            })
            .collect();
        assert_eq!(lines, [(2, "1".to_owned()), (3, "3".to_owned())]);
    }

    #[test]
    fn malformed_quotes_name_their_line() {
        assert_eq!(read("a,b\nc,\"open\n").unwrap_err().line, 2);
        assert_eq!(read("a,b\nc,d\"e\n").unwrap_err().line, 2);
        assert_eq!(read("a,\"b\"c\n").unwrap_err().line, 1);
    }
}
