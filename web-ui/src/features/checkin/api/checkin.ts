// The people a resident declared for ("khai hộ"), who may check in with
// them; the resident's own check-in by the poster's location code; the
// visits still open at this checkpoint, which a reloaded page finds again;
// and the check-out that closes a visit before its maximum stay runs out.
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';

export type CheckIn = Schemas['CheckInView'];
export type VisitRange = Schemas['VisitRangeView'];
export type OwnVisit = Schemas['OwnVisitView'];

export const openVisitsKey = (checkpointId: string) => ['visits', 'open', checkpointId] as const;

/** The open visits at this checkpoint of the resident and the people they declared for, newest first. */
export function useOpenVisitsHere(checkpointId: string) {
  return useQuery({
    queryKey: openVisitsKey(checkpointId),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/visits', { params: { query: { checkpoint_id: checkpointId, open: true, limit: 50 } } })),
  });
}

export function useCheckIn(code: string) {
  return useMutation({
    mutationFn: async ({ idempotencyKey, personId }: { idempotencyKey: string; personId: string | null }) =>
      unwrap(
        await api.POST('/api/v1/locations/{code}/check-ins', {
          params: { path: { code } },
          body: personId ? { idempotency_key: idempotencyKey, person_id: personId } : { idempotency_key: idempotencyKey },
        }),
      ),
  });
}

export function useCheckOut() {
  return useMutation({
    mutationFn: async (visitId: string) =>
      unwrap(await api.POST('/api/v1/visits/{id}/check-out', { params: { path: { id: visitId } } })),
  });
}

/** The people the resident declared for; empty for an account holding no person. */
export function useDeclaredForCheckIn(personId: string | null | undefined) {
  return useQuery({
    queryKey: ['person', personId, 'declared'],
    enabled: Boolean(personId),
    queryFn: async () => unwrap(await api.GET('/api/v1/people/{id}/declared', { params: { path: { id: personId ?? '' } } })),
  });
}
