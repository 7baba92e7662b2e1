// The visits of a resident and of the people they declared for, newest
// first, a page at a time: where and when each was, and whether it is open.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';

export type OwnVisit = Schemas['OwnVisitView'];

export function useOwnVisits(cursor?: string) {
  return useQuery({
    queryKey: ['visits', 'own', cursor ?? null],
    queryFn: async () => unwrap(await api.GET('/api/v1/visits', { params: { query: { limit: 10, cursor } } })),
    placeholderData: keepPreviousData,
  });
}
