// What a location code names; public, since anyone may scan a poster.
import { useQuery } from '@tanstack/react-query';
import { api } from '@/api/client';
import { unwrap } from '@/api/problem';

export function useLocationCode(code: string) {
  return useQuery({
    queryKey: ['location', code],
    queryFn: async () => unwrap(await api.GET('/api/v1/locations/{code}', { params: { path: { code } } })),
    retry: false,
  });
}
