// The fields of a person's details, shared by the officer's and the
// resident's forms, with each field's error beside it.
import type { UseFormRegisterReturn } from 'react-hook-form';
import { SelectField, TextField } from '@/components/Field';
import { useI18n } from '@/lib/i18n';
import type { Schemas } from '@/api/client';
import type { personFields } from './personSchema';

export type PersonField = (typeof personFields)[number];

interface Props {
  register: (name: PersonField) => UseFormRegisterReturn;
  errors: Partial<Record<PersonField, string | undefined>>;
  wards: Schemas['WardView'][] | undefined;
  /** A ward officer's ward: fixed. */
  wardCode?: string | null | undefined;
  /** The phone receives a code by SMS: required, and the hint says why. */
  phoneRequired?: boolean;
}

export function PersonFieldset({ register, errors, wards, wardCode, phoneRequired = false }: Props) {
  const { t } = useI18n();
  return (
    <>
      <SelectField id="document_kind" label={t('person.documentKind')} {...register('document_kind')}>
        <option value="cccd">{t('person.kind.cccd')}</option>
        <option value="cmnd">{t('person.kind.cmnd')}</option>
        <option value="passport">{t('person.kind.passport')}</option>
      </SelectField>
      <TextField
        id="document_number"
        label={t('person.document')}
        inputMode="text"
        autoComplete="off"
        error={errors.document_number}
        {...register('document_number')}
      />
      <TextField
        id="full_name"
        label={t('person.fullName')}
        hint={t('personForm.nameHint')}
        error={errors.full_name}
        {...register('full_name')}
      />
      <TextField
        id="birth_date"
        type="date"
        label={t('person.birthDate')}
        error={errors.birth_date}
        {...register('birth_date')}
      />
      <SelectField id="gender" label={t('person.gender')} {...register('gender')}>
        <option value="unknown">{t('person.gender.unknown')}</option>
        <option value="female">{t('person.gender.female')}</option>
        <option value="male">{t('person.gender.male')}</option>
      </SelectField>
      <SelectField
        id="ward_code"
        label={t('person.ward')}
        disabled={Boolean(wardCode)}
        error={errors.ward_code}
        {...register('ward_code')}
      >
        <option value="">{t('personForm.chooseWard')}</option>
        {wards?.map((ward) => (
          <option key={ward.code} value={ward.code}>
            {ward.name}
          </option>
        ))}
        {wardCode && !wards?.some((ward) => ward.code === wardCode) && <option value={wardCode}>{wardCode}</option>}
      </SelectField>
      <TextField
        id="phone"
        type="tel"
        label={t('person.phone')}
        hint={phoneRequired ? t('sms.phoneHint') : t('common.optional')}
        error={errors.phone}
        {...register('phone')}
      />
      <TextField
        id="address"
        label={t('person.address')}
        hint={t('common.optional')}
        error={errors.address}
        {...register('address')}
      />
    </>
  );
}
