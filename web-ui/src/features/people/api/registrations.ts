// Registration by SMS for people without a smartphone, the card a link from
// an SMS opens, and the ward office's sending and revoking of such links.
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';

export type SmsRegistration = Schemas['SmsRegistrationView'];
export type ConfirmedRegistration = Schemas['ConfirmedRegistrationView'];
export type Card = Schemas['CardView'];

/** Sends the person's details; the API texts a one-time code to their phone. */
export function useRequestSmsCode() {
  return useMutation({
    mutationFn: async (person: Schemas['PersonInput']) => unwrap(await api.POST('/api/v1/registrations/sms', { body: { person } })),
  });
}

export function useConfirmSmsCode() {
  return useMutation({
    mutationFn: async ({ id, code }: { id: string; code: string }) =>
      unwrap(await api.POST('/api/v1/registrations/sms/{id}/confirm', { params: { path: { id } }, body: { code } })),
  });
}

/**
 * The card behind a link's secret. The secret travels in the body of a POST,
 * never in a URL, so no server or proxy log ever holds it; it stays in
 * memory here and in the fragment of the page's own address.
 */
export function useCard(secret: string) {
  return useQuery({
    queryKey: ['card', secret],
    queryFn: async () => unwrap(await api.POST('/api/v1/cards/open', { body: { token: secret } })),
    enabled: secret.length > 0,
    staleTime: Infinity,
  });
}

/** A ward office texts a person a new link to their card. */
export function useSendCardLink(personId: string) {
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/people/{id}/card-links', { params: { path: { id: personId } } })),
  });
}

/** Every link sent to the person stops working (a lost or shared phone). */
export function useRevokeCardLinks(personId: string) {
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/people/{id}/card-links/revoke', { params: { path: { id: personId } } })),
  });
}
