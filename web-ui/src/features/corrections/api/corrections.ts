// Correction requests: a person's own (filed by them, by whoever declared
// for them, or by their ward office), the ward's and the city's queue, the
// moves of one request (with the record a resolution removes, picked from
// the person's current records), and the city's export for the national
// portal.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { ApiProblem, unwrap } from '@/api/problem';
import { saveBlob } from '@/lib/download';
import { purposeHeader } from '@/lib/purpose';

export type Correction = Schemas['CorrectionView'];
export type CorrectionInput = Schemas['FileCorrectionRequest'];
export type TransitionInput = Schemas['TransitionRequest'];
export type HealthRecords = Schemas['HealthRecordsView'];
export type RemovedRecord = Schemas['RemovedRecordView'];

export interface QueueFilter {
  /** `open`, `in_progress`, `resolved`, `rejected`, or every state when empty. */
  state: string;
  /** `vaccination`, `recovery`, or both when empty. */
  kind: string;
}

const correctionKeys = {
  all: ['corrections'] as const,
  person: (personId: string) => ['corrections', 'person', personId] as const,
  queue: (filter: QueueFilter) => ['corrections', 'queue', filter] as const,
  one: (id: string) => ['corrections', 'one', id] as const,
};

/**
 * The person's records as this feature reads them. They sit under the people
 * feature's `['person', id]` prefix, so whatever refreshes a person's data
 * (a removal, a recovery recorded elsewhere) refreshes these too.
 */
const recordsKey = (personId: string) => ['person', personId, 'records', 'for-correction'] as const;

/** The vaccine catalogue, for naming a dose; cached under the same key as everywhere. */
export function useVaccineCatalogue() {
  return useQuery({
    queryKey: ['vaccines'],
    queryFn: async () => unwrap(await api.GET('/api/v1/vaccines')),
    staleTime: Infinity,
  });
}

/** One page of a person's requests, newest first. */
export function usePersonCorrections(personId: string, cursor?: string) {
  return useQuery({
    queryKey: [...correctionKeys.person(personId), cursor ?? null],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/people/{id}/corrections', {
          params: { path: { id: personId }, query: { limit: 20, cursor }, header: purposeHeader() },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useFileCorrection(personId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CorrectionInput) =>
      unwrap(await api.POST('/api/v1/people/{id}/corrections', { params: { path: { id: personId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: correctionKeys.all }),
  });
}

/** One page of the queue: a ward officer's ward, or every request for the city. */
export function useCorrectionQueue(filter: QueueFilter, cursor?: string) {
  return useQuery({
    queryKey: [...correctionKeys.queue(filter), cursor ?? null],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/corrections', {
          params: { query: { state: filter.state || undefined, kind: filter.kind || undefined, limit: 50, cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useCorrection(id: string) {
  return useQuery({
    queryKey: correctionKeys.one(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/corrections/{id}', { params: { path: { id }, header: purposeHeader() } })),
  });
}

/**
 * The person's current records, from which the handler picks the one a
 * resolution removes. The read goes to the person's ledger with `purpose`,
 * the reason the handler reads them: this request, whatever purpose the
 * officer stated for lookups at the desk.
 */
export function useRecordsForCorrection(personId: string, purpose: string) {
  return useQuery({
    queryKey: recordsKey(personId),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/people/{id}/health-records', { params: { path: { id: personId }, header: purposeHeader(purpose) } })),
  });
}

/** The refusals that mean the picked record is no longer there to remove. */
export function recordGone(error: unknown): boolean {
  return (
    error instanceof ApiProblem &&
    (error.code === 'record_already_removed' || error.fieldErrors.some((field) => field.field === 'remove_record_id' && field.code === 'unknown_record'))
  );
}

export function useTransition(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TransitionInput) =>
      unwrap(await api.POST('/api/v1/corrections/{id}/transitions', { params: { path: { id } }, body })),
    onSuccess: (moved, body) => {
      queryClient.setQueryData(correctionKeys.one(id), moved);
      void queryClient.invalidateQueries({ queryKey: correctionKeys.all });
      if (body.record_recovery || body.remove_record_id) {
        // A record was added or removed: the person's records, status and QR
        // (cached under the people feature's keys) are worked out again, and
        // a removal revoked the codes shown so far.
        void queryClient.invalidateQueries({ queryKey: ['person', moved.person_id] });
        void queryClient.invalidateQueries({ queryKey: ['image'] });
      }
    },
    onError: (error) => {
      // Someone removed or changed the picked record meanwhile: the list to
      // pick from is read again.
      const personId = queryClient.getQueryData<Correction>(correctionKeys.one(id))?.person_id;
      if (personId && recordGone(error)) void queryClient.invalidateQueries({ queryKey: recordsKey(personId) });
    },
  });
}

/** The city downloads the vaccination requests in one state, as CSV for the national portal. */
export function useExportCorrections() {
  return useMutation({
    mutationFn: async (state: string) => {
      const blob = unwrap(await api.GET('/api/v1/corrections/export.csv', { params: { query: { state } }, parseAs: 'blob' }));
      saveBlob(blob, `vaccination-corrections-${state}.csv`);
    },
  });
}
