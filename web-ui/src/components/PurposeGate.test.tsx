import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { purpose } from '@/lib/purpose';
import { logIn, renderPage } from '@/test/render';
import { PurposeGate } from './PurposeGate';

test('a health officer states the investigation’s purpose before the page loads, and can change it', async () => {
  logIn('health_officer');
  renderPage(
    <PurposeGate>
      <p>visits here</p>
    </PurposeGate>,
  );
  expect(screen.queryByText('visits here')).toBeNull();
  await userEvent.click(screen.getByRole('button', { name: 'Tiếp tục' }));
  expect(await screen.findByText('Chọn hoặc ghi mục đích, từ 3 đến 300 ký tự.')).toBeInTheDocument();
  expect(screen.queryByText('visits here')).toBeNull();

  await userEvent.click(screen.getByLabelText('Điều tra ổ dịch tại địa điểm'));
  await userEvent.click(screen.getByRole('button', { name: 'Tiếp tục' }));
  expect(await screen.findByText('visits here')).toBeInTheDocument();
  expect(screen.getByText('Mục đích: Điều tra ổ dịch tại địa điểm')).toBeInTheDocument();
  expect(purpose.get()).toBe('Điều tra ổ dịch tại địa điểm');

  await userEvent.click(screen.getByRole('button', { name: 'Đổi mục đích' }));
  await userEvent.click(screen.getByLabelText('Truy vết người tiếp xúc với ca F0'));
  await userEvent.click(screen.getByRole('button', { name: 'Tiếp tục' }));
  expect(await screen.findByText('Mục đích: Truy vết người tiếp xúc với ca F0')).toBeInTheDocument();
});

test('other roles pass through the gate without a purpose', () => {
  logIn('organization_admin', { organization_id: 'org-1' });
  renderPage(
    <PurposeGate>
      <p>visits here</p>
    </PurposeGate>,
  );
  expect(screen.getByText('visits here')).toBeInTheDocument();
});
