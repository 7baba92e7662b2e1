// The rules a new person's details must meet before they are sent; the API
// checks them again (and more, such as the province of a CCCD).
import { z } from 'zod';
import type { PersonInput } from '../api/people';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** A person's details; `phoneRequired` when the phone receives a code by SMS. */
function makePersonSchema({ phoneRequired }: { phoneRequired: boolean }) {
  return z
    .object({
      document_kind: z.enum(['cccd', 'cmnd', 'passport']),
      document_number: z.string().trim().min(1, 'validation.required'),
      full_name: z.string().trim().min(1, 'validation.required').max(100, 'validation.tooLong'),
      birth_date: z
        .string()
        .regex(isoDate, 'validation.date')
        .refine((value) => value <= new Date().toISOString().slice(0, 10), 'validation.future'),
      gender: z.enum(['unknown', 'male', 'female']),
      ward_code: z.string().regex(/^\d{5}$/, 'validation.ward'),
      phone: z
        .string()
        .trim()
        .refine((value) => !phoneRequired || value !== '', 'validation.required')
        .refine((value) => value === '' || /^(0|\+84)\d{9}$/.test(value.replace(/[\s.]/g, '')), 'validation.phone'),
      address: z.string().trim().max(200, 'validation.tooLong'),
    })
    .superRefine((person, context) => {
      const number = person.document_number.replace(/\s/g, '');
      const valid =
        person.document_kind === 'cccd'
          ? /^\d{12}$/.test(number)
          : person.document_kind === 'cmnd'
            ? /^(\d{9}|\d{12})$/.test(number)
            : /^[A-Za-z0-9]{6,12}$/.test(number);
      if (number && !valid) {
        context.addIssue({ code: 'custom', path: ['document_number'], message: `validation.${person.document_kind}` });
      }
    });
}

export const personSchema = makePersonSchema({ phoneRequired: false });
export const smsPersonSchema = makePersonSchema({ phoneRequired: true });

export type PersonForm = z.infer<typeof personSchema>;
export const personFields = [
  'document_kind',
  'document_number',
  'full_name',
  'birth_date',
  'gender',
  'ward_code',
  'phone',
  'address',
] as const;

/** The form's values as the API takes them: the number without spaces, empty optional fields absent. */
export function toPersonInput(values: PersonForm): PersonInput {
  return {
    ...values,
    document_number: values.document_number.replace(/\s/g, ''),
    phone: values.phone || null,
    address: values.address || null,
  };
}

/** A blank form; a ward officer's ward filled in and fixed. */
export function emptyPerson(wardCode = ''): PersonForm {
  return {
    document_kind: 'cccd',
    document_number: '',
    full_name: '',
    birth_date: '',
    gender: 'unknown',
    ward_code: wardCode,
    phone: '',
    address: '',
  };
}
