// The city's criteria sets and an organization's self-assessments against them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api, type Schemas } from '@/api/client';
import { unwrap } from '@/api/problem';

export type CriteriaSetSummary = Schemas['CriteriaSetSummary'];
export type Assessment = Schemas['AssessmentView'];

// The API hands a set's definition over as free JSON; the form reads the
// parts it needs and checks their shape here rather than trusting it.
const option = z.object({ key: z.string(), label: z.string(), points: z.number() });
const criterion = z.object({ key: z.string(), text: z.string(), unit: z.string().optional(), options: z.array(option) });
const definitionSchema = z.object({ direction: z.string(), criteria: z.array(criterion), approximations: z.array(z.string()).default([]) });
export type Definition = z.infer<typeof definitionSchema>;
export type Criterion = z.infer<typeof criterion>;

export const assessmentKeys = {
  sets: ['criteria-sets'] as const,
  set: (id: string) => ['criteria-set', id] as const,
  history: (organizationId: string) => ['organization', organizationId, 'assessments'] as const,
};

export function useCriteriaSets() {
  return useQuery({
    queryKey: assessmentKeys.sets,
    queryFn: async () => unwrap(await api.GET('/api/v1/criteria-sets')),
  });
}

/** One set with its criteria; the definition is checked before the form sees it. */
export function useCriteriaSet(id: string | undefined) {
  return useQuery({
    queryKey: assessmentKeys.set(id ?? ''),
    enabled: Boolean(id),
    queryFn: async () => {
      const set = unwrap(await api.GET('/api/v1/criteria-sets/{id}', { params: { path: { id: id ?? '' } } }));
      return { ...set, definition: definitionSchema.parse(set.definition) };
    },
  });
}

export function useAssessments(organizationId: string) {
  return useQuery({
    queryKey: assessmentKeys.history(organizationId),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/organizations/{id}/assessments', { params: { path: { id: organizationId }, query: { limit: 20 } } })),
  });
}

export function useSubmitAssessment(organizationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ criteria_set_id, answers }: { criteria_set_id: string; answers: Record<string, string> }) => {
      // The contract types `answers` as a bare object (its keys are the set's
      // criteria), which the generator reads as an empty record; hence the cast.
      const body = { criteria_set_id, answers: answers as Schemas['AssessmentInput']['answers'] };
      return unwrap(await api.POST('/api/v1/organizations/{id}/assessments', { params: { path: { id: organizationId } }, body }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assessmentKeys.history(organizationId) }),
  });
}
