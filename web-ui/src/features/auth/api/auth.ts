// Logging in and out.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import { session } from '@/lib/session';

export function useLogin() {
  return useMutation({
    mutationFn: async (credentials: { username: string; password: string }) =>
      unwrap(await api.POST('/api/v1/auth/login', { body: credentials })),
    onSuccess: (pair) => {
      session.set({ accessToken: pair.access_token, refreshToken: pair.refresh_token, account: pair.account });
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const current = session.get();
      if (current) {
        // Ends the login on the server too; a failure still logs out here.
        await api.POST('/api/v1/auth/logout', { body: { refresh_token: current.refreshToken } }).catch(() => undefined);
      }
    },
    onSettled: () => {
      session.set(null);
      queryClient.clear();
    },
  });
}
