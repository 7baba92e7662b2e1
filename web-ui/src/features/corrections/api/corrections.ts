// Correction requests: a person's own (filed by them, by whoever declared
// for them, or by their ward office), the ward's and the city's queue, the
// moves of one request, and the city's export for the national portal.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';
import { saveBlob } from '@/lib/download';
import { purposeHeader } from '@/lib/purpose';

export type Correction = Schemas['CorrectionView'];
export type CorrectionInput = Schemas['FileCorrectionRequest'];
export type TransitionInput = Schemas['TransitionRequest'];

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

export function useTransition(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TransitionInput) =>
      unwrap(await api.POST('/api/v1/corrections/{id}/transitions', { params: { path: { id } }, body })),
    onSuccess: (moved, body) => {
      queryClient.setQueryData(correctionKeys.one(id), moved);
      void queryClient.invalidateQueries({ queryKey: correctionKeys.all });
      if (body.record_recovery) {
        // The recovery is on record now: the person's records, status and QR
        // (cached under the people feature's keys) are worked out again.
        void queryClient.invalidateQueries({ queryKey: ['person', moved.person_id] });
        void queryClient.invalidateQueries({ queryKey: ['image'] });
      }
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
