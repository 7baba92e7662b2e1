import { expect, test } from 'vitest';
import { checkResidentFile, readCsv, TEMPLATE } from './csv';

test('records keep the line they start on, through quoted commas, quotes, line breaks, CRLF and blank lines', () => {
  const text = '\uFEFFa,b\r\n"1, x","say ""hi"""\r\n\r\n"two\nlines",z\nlast,row';
  expect(readCsv(text)).toEqual([
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['1, x', 'say "hi"'] },
    { line: 4, fields: ['two\nlines', 'z'] },
    { line: 6, fields: ['last', 'row'] },
  ]);
});

test('a file lacking a required column, or with an unknown one, or empty, is refused before sending', () => {
  expect(checkResidentFile('document_kind,document_number,full_name,birth_date\ncccd,1,A,1990-01-01\n')).toEqual({
    problem: { key: 'validation.missingColumns', columns: 'gender' },
  });
  expect(checkResidentFile('document_kind,document_number,full_name,birth_date,gender,email\ncccd,1,A,1990-01-01,male,a@b\n')).toEqual({
    problem: { key: 'validation.unknownColumns', columns: 'email' },
  });
  expect(checkResidentFile('document_kind,document_number,full_name,birth_date,gender\n')).toEqual({ problem: { key: 'validation.emptyFile' } });
  const many = `${TEMPLATE}${'cccd,079160000105,A,1960-03-08,female,,,\n'.repeat(2000)}`;
  expect(checkResidentFile(many)).toEqual({ problem: { key: 'validation.tooManyRows', max: 2000 } });
});

test("the template passes, and a row's name is found by its line", () => {
  const checked = checkResidentFile(TEMPLATE);
  expect(checked).toEqual({ file: { rows: 1, names: new Map([[2, 'Võ Thị Sáu']]) } });
});
