// Recording a scan at a checkpoint, and the checkpoints a guard may pick.
import { useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';

export type ScanRequest = Schemas['ScanRequest'];
export type ScanAnswer = Schemas['ScanView'];

/** Sends one scan; throws ApiProblem for a refusal and TypeError when offline. */
export async function sendScan(checkpointId: string, body: ScanRequest): Promise<ScanAnswer> {
  return unwrap(await api.POST('/api/v1/checkpoints/{id}/scans', { params: { path: { id: checkpointId } }, body }));
}

/** The keys that sign personal QR codes (public). */
export async function fetchQrKeys(): Promise<Schemas['Jwk'][]> {
  return unwrap(await api.GET('/api/v1/qr/jwks.json')).keys;
}

/** The revocation list beside the keys (public): whose codes, issued before when, no longer vouch. */
export async function fetchQrRevocations(): Promise<Schemas['RevocationEntry'][]> {
  return unwrap(await api.GET('/api/v1/qr/revocations.json')).entries;
}

export function useScanCheckpoints(organizationId: string | null | undefined) {
  return useQuery({
    // The same key as the organization pages use, so the list is shared.
    queryKey: ['organization', organizationId ?? '', 'checkpoints'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/organizations/{id}/checkpoints', { params: { path: { id: organizationId ?? '' } } })),
    enabled: Boolean(organizationId),
  });
}
