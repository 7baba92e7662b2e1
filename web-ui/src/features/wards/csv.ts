// Reads the residents' CSV in the browser before it is sent: the header is
// checked against the columns the API takes, and each row's line and name
// are kept so that the API's answer, which names lines, can show whose row
// each line was. The API reads the file again and decides.

/** The columns the API takes, and those it requires. */
export const COLUMNS = ['document_kind', 'document_number', 'full_name', 'birth_date', 'gender', 'phone', 'health_insurance_number', 'address'] as const;
export const REQUIRED = ['document_kind', 'document_number', 'full_name', 'birth_date', 'gender'] as const;
/** The most rows one import reads. */
export const MAX_ROWS = 2000;

export interface CsvRecord {
  /** The line the record starts on, the header being line 1. */
  line: number;
  fields: string[];
}

/** RFC 4180 records with the line each starts on; blank lines are skipped, as the API's reader does. */
export function readCsv(text: string): CsvRecord[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let blank = true;
  const endRecord = () => {
    fields.push(field);
    if (!(blank && fields.length === 1 && fields[0] === '')) {
      records.push({ line: start, fields: fields.map((value) => value.trim()) });
    }
    fields = [];
    field = '';
    blank = true;
  };
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      quoted = true;
      blank = false;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      blank = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      start = line;
    } else {
      field += char;
      blank = false;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

export type FileProblem =
  | { key: 'validation.emptyFile' }
  | { key: 'validation.missingColumns'; columns: string }
  | { key: 'validation.unknownColumns'; columns: string }
  | { key: 'validation.tooManyRows'; max: number };

export interface ResidentFile {
  /** Each data row's full name by its line, for showing the API's answer. */
  names: Map<number, string>;
  rows: number;
}

/** What is wrong with the file as a whole, or its rows' names by line. */
export function checkResidentFile(text: string): { problem: FileProblem } | { file: ResidentFile } {
  const [header, ...rows] = readCsv(text);
  if (!header || rows.length === 0) return { problem: { key: 'validation.emptyFile' } };
  const names = header.fields;
  const missing = REQUIRED.filter((column) => !names.includes(column));
  if (missing.length) return { problem: { key: 'validation.missingColumns', columns: missing.join(', ') } };
  const unknown = names.filter((name) => !(COLUMNS as readonly string[]).includes(name));
  if (unknown.length) return { problem: { key: 'validation.unknownColumns', columns: unknown.join(', ') } };
  if (rows.length > MAX_ROWS) return { problem: { key: 'validation.tooManyRows', max: MAX_ROWS } };
  const nameAt = names.indexOf('full_name');
  return { file: { rows: rows.length, names: new Map(rows.map((row) => [row.line, row.fields[nameAt] ?? ''])) } };
}

/** A file to start from: the header and one example row. */
export const TEMPLATE = `${COLUMNS.join(',')}\ncccd,079160000105,Võ Thị Sáu,1960-03-08,female,0909123456,,"12 Kha Vạn Cân, Linh Xuân"\n`;
