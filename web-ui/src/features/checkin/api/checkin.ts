// The resident's own check-in by the poster's location code, and the
// check-out that closes the visit before its maximum stay runs out.
import { useMutation } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';

export type CheckIn = Schemas['CheckInView'];
export type VisitRange = Schemas['VisitRangeView'];

export function useCheckIn(code: string) {
  return useMutation({
    mutationFn: async (idempotencyKey: string) =>
      unwrap(
        await api.POST('/api/v1/locations/{code}/check-ins', {
          params: { path: { code } },
          body: { idempotency_key: idempotencyKey },
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
