// People and their health records: reads for the resident and officers,
// writes for ward officers (and residents declaring for a relative).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';
import { purposeHeader } from '@/lib/purpose';
import { session } from '@/lib/session';

export type Person = Schemas['PersonView'];
export type PersonInput = Schemas['PersonInput'];
export type RecoveryInput = Schemas['RecoveryInput'];
export type HealthDeclarationInput = Schemas['HealthDeclarationInput'];
export type AccessEntry = Schemas['AccessEntryView'];

const path = (id: string) => ({ params: { path: { id } } });
/** The path and, when the officer stated one, the purpose of the read. */
const read = (id: string) => ({ params: { path: { id }, header: purposeHeader() } });

export const peopleKeys = {
  person: (id: string) => ['person', id] as const,
  records: (id: string) => ['person', id, 'records'] as const,
  qr: (id: string) => ['person', id, 'qr'] as const,
  declared: (id: string) => ['person', id, 'declared'] as const,
  accessLog: (id: string) => ['person', id, 'access-log'] as const,
};

export function usePerson(id: string) {
  return useQuery({
    queryKey: peopleKeys.person(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/people/{id}', read(id))),
  });
}

export function useHealthRecords(id: string) {
  return useQuery({
    queryKey: peopleKeys.records(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/people/{id}/health-records', read(id))),
  });
}

/** The signed QR with the status now, from the current records. */
export function usePersonalQr(id: string) {
  return useQuery({
    queryKey: peopleKeys.qr(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/people/{id}/qr', read(id))),
  });
}

export function useDeclaredPeople(id: string) {
  return useQuery({
    queryKey: peopleKeys.declared(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/people/{id}/declared', read(id))),
  });
}

/** One page of a person's access ledger, newest first. */
export function useAccessLog(id: string, cursor?: string) {
  return useQuery({
    queryKey: [...peopleKeys.accessLog(id), cursor ?? null],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/people/{id}/access-log', { params: { path: { id }, query: { limit: 50, cursor } } })),
    placeholderData: keepPreviousData,
  });
}

export function useVaccines() {
  return useQuery({
    queryKey: ['vaccines'],
    queryFn: async () => unwrap(await api.GET('/api/v1/vaccines')),
    staleTime: Infinity,
  });
}

export function useWards() {
  return useQuery({
    queryKey: ['wards'],
    queryFn: async () => unwrap(await api.GET('/api/v1/wards')),
    staleTime: Infinity,
  });
}

/**
 * Finds a person by document number with the purpose of the lookup; the
 * number travels in the body, never the URL.
 */
export function useSearchPerson() {
  return useMutation({
    mutationFn: async ({ documentNumber, purpose }: { documentNumber: string; purpose: string }) =>
      unwrap(
        await api.POST('/api/v1/people/search', {
          params: { header: purposeHeader(purpose) },
          body: { document_number: documentNumber },
        }),
      ),
  });
}

export function useCreatePerson() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: PersonInput) => unwrap(await api.POST('/api/v1/people', { body })),
    onSuccess: (person) => {
      queryClient.setQueryData(peopleKeys.person(person.id), person);
      if (person.declared_by_person_id) {
        void queryClient.invalidateQueries({ queryKey: peopleKeys.declared(person.declared_by_person_id) });
      }
    },
  });
}

function useRecordWrite<Body>(id: string, write: (body: Body) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: peopleKeys.records(id) });
      void queryClient.invalidateQueries({ queryKey: peopleKeys.qr(id) });
      void queryClient.invalidateQueries({ queryKey: ['image'] });
    },
  });
}

export function useAddRecovery(id: string) {
  return useRecordWrite(id, async (body: RecoveryInput) =>
    unwrap(await api.POST('/api/v1/people/{id}/recoveries', { ...path(id), body })),
  );
}

export function useAddHealthDeclaration(id: string) {
  return useRecordWrite(id, async (body: HealthDeclarationInput) =>
    unwrap(await api.POST('/api/v1/people/{id}/health-declarations', { ...path(id), body })),
  );
}

export type RegistrationInput = Schemas['RegistrationRequest'];

/** A resident registers (a login and their own record together), then is logged in. */
export function useRegister() {
  return useMutation({
    mutationFn: async (body: RegistrationInput) => {
      unwrap(await api.POST('/api/v1/registrations', { body }));
      return unwrap(await api.POST('/api/v1/auth/login', { body: { username: body.username, password: body.password } }));
    },
    onSuccess: (pair) => {
      session.set({ accessToken: pair.access_token, refreshToken: pair.refresh_token, account: pair.account });
    },
  });
}
