// A ward office's work in bulk: residents created from a CSV file, and
// their personal QR cards printed as a PDF of A4 sheets.
import { useMutation } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';
import { purposeHeader } from '@/lib/purpose';

export type ImportReport = Schemas['ResidentImportReport'];
export type ImportMode = 'all_or_nothing' | 'good_rows';

export function useImportResidents(wardCode: string) {
  return useMutation({
    mutationFn: async ({ csv, mode }: { csv: string; mode: ImportMode }) =>
      unwrap(
        await api.POST('/api/v1/wards/{code}/residents/import', {
          params: { path: { code: wardCode }, query: { mode } },
          body: csv,
          bodySerializer: (body) => body,
          headers: { 'content-type': 'text/csv; charset=utf-8' },
        }),
      ),
  });
}

/** The cards of these residents as a PDF; the officer's stated purpose, if any, goes to each one's ledger. */
export function usePrintCards(wardCode: string) {
  return useMutation({
    mutationFn: async (personIds: string[]) =>
      unwrap(
        await api.POST('/api/v1/wards/{code}/cards.pdf', {
          params: { path: { code: wardCode }, header: purposeHeader() },
          body: { person_ids: personIds },
          parseAs: 'blob',
        }),
      ),
  });
}
