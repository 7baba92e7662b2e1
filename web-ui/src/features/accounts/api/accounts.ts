// Officer accounts, created by the city administrator.
import { useMutation } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';

export function useCreateOfficerAccount() {
  return useMutation({
    mutationFn: async (body: Schemas['CreateAccountRequest']) => unwrap(await api.POST('/api/v1/accounts', { body })),
  });
}
