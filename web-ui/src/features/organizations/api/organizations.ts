// An organization, its checkpoints and their location codes, its staff
// accounts and its visits.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';
import { saveBlob } from '@/lib/download';
import { purposeHeader } from '@/lib/purpose';
import { session } from '@/lib/session';

export type Organization = Schemas['OrganizationView'];
export type Checkpoint = Schemas['CheckpointView'];
export type Visit = Schemas['VisitView'];
export type Account = Schemas['AccountView'];

const path = (id: string) => ({ params: { path: { id } } });

export const organizationKeys = {
  all: ['organizations'] as const,
  one: (id: string) => ['organization', id] as const,
  checkpoints: (id: string) => ['organization', id, 'checkpoints'] as const,
  accounts: (id: string) => ['organization', id, 'accounts'] as const,
  visits: (id: string) => ['organization', id, 'visits'] as const,
};

export function useOrganization(id: string) {
  return useQuery({
    queryKey: organizationKeys.one(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/organizations/{id}', path(id))),
  });
}

/** Every organization, for the city and health officers (first page of 100). */
export function useOrganizations() {
  return useQuery({
    queryKey: organizationKeys.all,
    queryFn: async () => unwrap(await api.GET('/api/v1/organizations', { params: { query: { limit: 100 } } })),
  });
}

export function useCheckpoints(organizationId: string) {
  return useQuery({
    queryKey: organizationKeys.checkpoints(organizationId),
    queryFn: async () => unwrap(await api.GET('/api/v1/organizations/{id}/checkpoints', path(organizationId))),
  });
}

export function useCheckpoint(id: string) {
  return useQuery({
    queryKey: ['checkpoint', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/checkpoints/{id}', path(id))),
  });
}

export function useCreateCheckpoint(organizationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['CheckpointInput']) =>
      unwrap(await api.POST('/api/v1/organizations/{id}/checkpoints', { ...path(organizationId), body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: organizationKeys.checkpoints(organizationId) }),
  });
}

/** Revokes a checkpoint's location code and issues a new one: old posters stop working. */
export function useReplaceLocationCode(checkpoint: Checkpoint) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/checkpoints/{id}/location-code', path(checkpoint.id))),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: organizationKeys.checkpoints(checkpoint.organization_id) });
      void queryClient.invalidateQueries({ queryKey: ['checkpoint', checkpoint.id] });
      void queryClient.invalidateQueries({ queryKey: ['image'] });
    },
  });
}

export function useOrganizationAccounts(organizationId: string) {
  return useQuery({
    queryKey: organizationKeys.accounts(organizationId),
    queryFn: async () => unwrap(await api.GET('/api/v1/organizations/{id}/accounts', path(organizationId))),
  });
}

export function useCreateAccount(organizationId?: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['CreateAccountRequest']) => unwrap(await api.POST('/api/v1/accounts', { body })),
    onSuccess: () => {
      if (organizationId) {
        void queryClient.invalidateQueries({ queryKey: organizationKeys.accounts(organizationId) });
      }
    },
  });
}

export function useSetAccountActive(organizationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, active }: { id: string; active: boolean }) =>
      unwrap(await api.PATCH('/api/v1/accounts/{id}', { ...path(id), body: { active } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: organizationKeys.accounts(organizationId) }),
  });
}

export interface VisitFilter {
  from: string;
  until: string;
  checkpoint?: string | undefined;
}

/** Visits in a window, newest first, one page at a time. */
export function useVisits(organizationId: string, filter: VisitFilter, cursor?: string) {
  return useQuery({
    queryKey: [...organizationKeys.visits(organizationId), filter, cursor ?? null],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/organizations/{id}/visits', {
          params: {
            path: { id: organizationId },
            header: purposeHeader(),
            query: {
              from: filter.from,
              until: filter.until,
              checkpoint: filter.checkpoint || undefined,
              limit: 50,
              cursor,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** An organization registers with its first admin, who is then logged in. */
export function useRegisterOrganization() {
  return useMutation({
    mutationFn: async (body: Schemas['CreateOrganizationRequest']) => {
      unwrap(await api.POST('/api/v1/organizations', { body }));
      return unwrap(await api.POST('/api/v1/auth/login', { body: body.admin }));
    },
    onSuccess: (pair) => {
      session.set({ accessToken: pair.access_token, refreshToken: pair.refresh_token, account: pair.account });
    },
  });
}

export function useWardList() {
  return useQuery({
    queryKey: ['wards'],
    queryFn: async () => unwrap(await api.GET('/api/v1/wards')),
    staleTime: Infinity,
  });
}

// Visitor and staff lists with each person's status now (ui4).
export type Visitor = Schemas['VisitorView'];
export type StaffPerson = Schemas['StaffView'];
export type HealthSummary = Schemas['HealthSummary'];

export interface VisitorFilter {
  from: string;
  until: string;
  checkpoint?: string | undefined;
  colour?: string | undefined;
  who?: string | undefined;
}

function visitorQuery(filter: VisitorFilter) {
  return {
    from: filter.from,
    until: filter.until,
    checkpoint: filter.checkpoint || undefined,
    colour: filter.colour || undefined,
    who: filter.who || undefined,
  };
}

/** Visitors in a window with their status now, newest first, one page at a time. */
export function useVisitors(organizationId: string, filter: VisitorFilter, cursor?: string) {
  return useQuery({
    queryKey: ['organization', organizationId, 'visitors', filter, cursor ?? null],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/organizations/{id}/visitors', {
          params: { path: { id: organizationId }, query: { ...visitorQuery(filter), limit: 50, cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

const staffKey = (organizationId: string) => ['organization', organizationId, 'staff-people'] as const;

/** The people on the organization's staff list with their status now. */
export function useStaffPeople(organizationId: string, colour: string, cursor?: string) {
  return useQuery({
    queryKey: [...staffKey(organizationId), colour, cursor ?? null],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/organizations/{id}/staff', {
          params: { path: { id: organizationId }, query: { colour: colour || undefined, limit: 50, cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useLinkStaff(organizationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['StaffInput']) =>
      unwrap(await api.POST('/api/v1/organizations/{id}/staff', { ...path(organizationId), body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: staffKey(organizationId) }),
  });
}

export function useUnlinkStaff(organizationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (personId: string) =>
      unwrap(
        await api.DELETE('/api/v1/organizations/{id}/staff/{person_id}', {
          params: { path: { id: organizationId, person_id: personId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: staffKey(organizationId) }),
  });
}

/** A list's download: CSV (streamed) or XLSX (built whole, so bounded in rows). */
export type ExportFormat = 'csv' | 'xlsx';

/**
 * Downloads the visitor list as CSV or XLSX through the API with the access
 * token (a plain link could not carry it); the API sends every page of the
 * window.
 */
export function useExportVisitors(organizationId: string) {
  return useMutation({
    mutationFn: async ({ filter, format }: { filter: VisitorFilter; format: ExportFormat }) => {
      const params = { path: { id: organizationId }, query: visitorQuery(filter) };
      const blob = unwrap(
        format === 'csv'
          ? await api.GET('/api/v1/organizations/{id}/visitors.csv', { params, parseAs: 'blob' })
          : await api.GET('/api/v1/organizations/{id}/visitors.xlsx', { params, parseAs: 'blob' }),
      );
      saveBlob(blob, `visitors.${format}`);
    },
  });
}

/** Downloads the staff list as CSV or XLSX, as the visitor list above. */
export function useExportStaff(organizationId: string) {
  return useMutation({
    mutationFn: async ({ colour, format }: { colour: string; format: ExportFormat }) => {
      const params = { path: { id: organizationId }, query: { colour: colour || undefined } };
      const blob = unwrap(
        format === 'csv'
          ? await api.GET('/api/v1/organizations/{id}/staff.csv', { params, parseAs: 'blob' })
          : await api.GET('/api/v1/organizations/{id}/staff.xlsx', { params, parseAs: 'blob' }),
      );
      saveBlob(blob, `staff.${format}`);
    },
  });
}
