// The people on the organization's staff list with their status now, a
// form to link one by document number, and unlinking.
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField, TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useExportStaff, useLinkStaff, useStaffPeople, useUnlinkStaff } from '../api/organizations';
import { ExportError } from './ExportError';
import { ColourCell, DeclarationCell, TestCell, VaccinationCell } from './HealthCells';

const schema = z.object({
  document_number: z.string().trim().min(1, 'validation.required').max(40, 'validation.tooLong'),
  title: z.string().trim().max(100, 'validation.tooLong'),
});
type Form = z.infer<typeof schema>;
const fields = ['document_number', 'title'] as const;

function LinkForm({ organizationId }: { organizationId: string }) {
  const { t } = useI18n();
  const link = useLinkStaff(organizationId);
  const form = useForm<Form>({ resolver: zodResolver(schema), defaultValues: { document_number: '', title: '' } });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) =>
    link.mutate(
      { document_number: values.document_number, title: values.title || null },
      { onSuccess: () => form.reset(), onError: (error) => showFieldErrors(error, form.setError, fields) },
    ),
  );
  return (
    <form onSubmit={submit} noValidate aria-label={t('lists.linkStaff')}>
      <TextField id="link-document" label={t('lists.documentNumber')} autoComplete="off" inputMode="text" error={errors.document_number?.message} {...form.register('document_number')} />
      <TextField id="link-title" label={t('lists.jobTitle')} hint={t('common.optional')} autoComplete="off" error={errors.title?.message} {...form.register('title')} />
      {link.isSuccess && (
        <p className="notice notice-ok" role="status">
          {t('lists.linked')}
        </p>
      )}
      {link.error && !Object.keys(errors).length ? <ErrorNotice error={link.error} /> : null}
      <button type="submit" className="primary" disabled={link.isPending}>
        {t('lists.link')}
      </button>
    </form>
  );
}

export function StaffPeople({ organizationId, canLink }: { organizationId: string; canLink: boolean }) {
  const { t } = useI18n();
  const [colour, setColour] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const staff = useStaffPeople(organizationId, colour, cursors.at(-1));
  const unlink = useUnlinkStaff(organizationId);
  const exportList = useExportStaff(organizationId);
  return (
    <>
      <div className="filters">
        <SelectField
          id="staff-people-colour"
          label={t('lists.colourNow')}
          value={colour}
          onChange={(event) => {
            setCursors([]);
            setColour(event.target.value);
          }}
        >
          <option value="">{t('visits.allCheckpoints')}</option>
          <option value="green">{t('status.green')}</option>
          <option value="black">{t('status.black')}</option>
        </SelectField>
      </div>
      <p className="actions">
        <button type="button" disabled={exportList.isPending} onClick={() => exportList.mutate({ colour, format: 'csv' })}>
          {t('lists.exportStaff')}
        </button>
        <button type="button" disabled={exportList.isPending} onClick={() => exportList.mutate({ colour, format: 'xlsx' })}>
          {t('lists.exportStaffXlsx')}
        </button>
      </p>
      <ExportError error={exportList.error} />
      <ErrorNotice error={staff.error ?? unlink.error} />
      {staff.data?.items.length === 0 && <p className="empty">{t('lists.noStaff')}</p>}
      {staff.data && staff.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('lists.staff')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('lists.person')}</th>
                <th scope="col">{t('lists.colourNow')}</th>
                <th scope="col">{t('lists.vaccination')}</th>
                <th scope="col">{t('lists.latestTest')}</th>
                <th scope="col">{t('lists.latestDeclaration')}</th>
                {canLink && <th scope="col">{t('lists.unlink')}</th>}
              </tr>
            </thead>
            <tbody>
              {staff.data.items.map((person) => (
                <tr key={person.person_id}>
                  <td>
                    {person.full_name}
                    <br />
                    <span className="muted">
                      {person.document_masked}
                      {person.title ? ` · ${person.title}` : ''}
                    </span>
                  </td>
                  <td>
                    <ColourCell status={person.status} />
                  </td>
                  <td>
                    <VaccinationCell status={person.status} />
                  </td>
                  <td>
                    <TestCell status={person.status} />
                  </td>
                  <td>
                    <DeclarationCell status={person.status} />
                  </td>
                  {canLink && (
                    <td>
                      <button type="button" disabled={unlink.isPending} onClick={() => unlink.mutate(person.person_id)} aria-label={`${t('lists.unlink')} ${person.full_name}`}>
                        {t('lists.unlink')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="actions">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            {t('common.previous')}
          </button>
        )}
        {staff.data?.next_cursor && (
          <button type="button" onClick={() => setCursors([...cursors, staff.data.next_cursor ?? ''])}>
            {t('common.next')}
          </button>
        )}
      </p>
      {canLink && (
        <details className="panel">
          <summary>{t('lists.linkStaff')}</summary>
          <LinkForm organizationId={organizationId} />
        </details>
      )}
    </>
  );
}
