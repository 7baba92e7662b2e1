// An organization's checkpoints ("điểm kiểm soát"): create one, print its
// poster, and revoke and replace its location code.
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useCheckpoints, useCreateCheckpoint, useReplaceLocationCode, type Checkpoint } from '../api/organizations';

function ReplaceCode({ checkpoint }: { checkpoint: Checkpoint }) {
  const { t } = useI18n();
  const replace = useReplaceLocationCode(checkpoint);
  const [confirming, setConfirming] = useState(false);
  if (replace.isSuccess && !confirming) {
    return (
      <p className="notice notice-ok" role="status">
        {t('checkpoints.replaced')}{' '}
        <Link to={`/checkpoints/${checkpoint.id}/poster`}>{t('checkpoints.printNew')}</Link>
      </p>
    );
  }
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)}>
        {t('checkpoints.replace')}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={t('checkpoints.replace')}>
      <p>{t('checkpoints.replaceWarning')}</p>
      <button type="button" className="danger" disabled={replace.isPending} onClick={() => replace.mutate(undefined, { onSuccess: () => setConfirming(false) })}>
        {t('checkpoints.replaceConfirm')}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        {t('common.cancel')}
      </button>
      <ErrorNotice error={replace.error} />
    </div>
  );
}

const schema = z.object({
  name: z.string().trim().min(1, 'validation.required').max(100, 'validation.tooLong'),
  description: z.string().trim().max(500, 'validation.tooLong'),
});
type Form = z.infer<typeof schema>;

function CheckpointForm({ organizationId }: { organizationId: string }) {
  const { t } = useI18n();
  const create = useCreateCheckpoint(organizationId);
  const form = useForm<Form>({ resolver: zodResolver(schema), defaultValues: { name: '', description: '' } });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) =>
    create.mutate(
      { name: values.name, description: values.description || null },
      {
        onSuccess: () => form.reset(),
        onError: (error) => showFieldErrors(error, form.setError, ['name', 'description'] as const),
      },
    ),
  );
  return (
    <form onSubmit={submit} noValidate aria-label={t('checkpoints.new')}>
      <TextField id="checkpoint-name" label={t('checkpoints.name')} hint={t('checkpoints.nameHint')} error={errors.name?.message} {...form.register('name')} />
      <TextField id="checkpoint-description" label={t('checkpoints.description')} hint={t('common.optional')} error={errors.description?.message} {...form.register('description')} />
      {create.error && !Object.keys(errors).length ? <ErrorNotice error={create.error} /> : null}
      <button type="submit" className="primary" disabled={create.isPending}>
        {t('checkpoints.create')}
      </button>
    </form>
  );
}

export function Checkpoints({ organizationId, canManage }: { organizationId: string; canManage: boolean }) {
  const { t } = useI18n();
  const checkpoints = useCheckpoints(organizationId);
  return (
    <>
      <ErrorNotice error={checkpoints.error} />
      {checkpoints.data?.length === 0 && <p className="empty">{t('checkpoints.none')}</p>}
      <ul className="cards">
        {checkpoints.data?.map((checkpoint) => (
          <li key={checkpoint.id} className="card">
            <h3>{checkpoint.name}</h3>
            {checkpoint.description && <p>{checkpoint.description}</p>}
            <p className="actions">
              <Link className="button" to={`/checkpoints/${checkpoint.id}/poster`}>
                {t('checkpoints.poster')}
              </Link>
              {canManage && <ReplaceCode checkpoint={checkpoint} />}
            </p>
          </li>
        ))}
      </ul>
      {canManage && (
        <details className="panel">
          <summary>{t('checkpoints.new')}</summary>
          <CheckpointForm organizationId={organizationId} />
        </details>
      )}
    </>
  );
}
