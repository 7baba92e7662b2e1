import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { person } from '@/test/fixtures';
import { renderPage } from '@/test/render';
import { IdentityDetails } from './IdentityDetails';

test('masks the document number and birth date until asked', async () => {
  renderPage(<IdentityDetails person={person} />);
  expect(screen.getByTestId('document-number')).toHaveTextContent('******000101');
  expect(screen.getByTestId('birth-date')).toHaveTextContent('**/**/1990');
  expect(screen.queryByText('079090000101')).toBeNull();

  const toggle = screen.getByRole('button', { name: 'Hiện đầy đủ số giấy tờ và ngày sinh' });
  expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await userEvent.click(toggle);
  expect(screen.getByTestId('document-number')).toHaveTextContent('079090000101');
  expect(screen.getByTestId('birth-date')).toHaveTextContent('12/04/1990');

  await userEvent.click(screen.getByRole('button', { name: 'Ẩn số giấy tờ và ngày sinh' }));
  expect(screen.getByTestId('document-number')).toHaveTextContent('******000101');
});
