// API answers for tests, typed by the generated schema.
import type { components } from '@/api/schema';

type Schemas = components['schemas'];

export const person: Schemas['PersonView'] = {
  id: 'person-1',
  qid: '790000000000000001',
  document_kind: 'cccd',
  document_number: '079090000101',
  document_number_masked: '******000101',
  full_name: 'Nguyễn Văn An',
  folded_name: 'NGUYEN VAN AN',
  birth_date: '1990-04-12',
  gender: 'male',
  ward_code: '26794',
  declared_on_behalf: false,
  created_at: '2021-10-01T00:00:00Z',
  updated_at: '2021-10-01T00:00:00Z',
};

export const greenStatus: Schemas['StatusView'] = {
  colour: 'green',
  reason_code: 'green_vaccinated',
  reason: 'dose 1 of Pfizer-BioNTech (Comirnaty) on 2021-10-01, green from 2021-10-15',
  reason_vi: 'mũi 1 Pfizer-BioNTech (Comirnaty) ngày 2021-10-01, xanh từ 2021-10-15',
  policy_version: 'hcmc-2021-10-01',
  at: '2021-11-01T00:00:00Z',
};

export const greenScan: Schemas['ScanView'] = {
  visit_id: 'visit-1',
  replayed: false,
  colour: 'green',
  folded_name: 'NGUYEN VAN AN',
  document_masked: '******000101',
  reason: greenStatus.reason,
  reason_vi: greenStatus.reason_vi,
  policy_version: 'hcmc-2021-10-01',
  signature: 'valid',
  person_known: true,
  scanned_at: '2021-11-01T01:00:00Z',
};

export const checkpoint: Schemas['CheckpointView'] = {
  id: 'checkpoint-1',
  organization_id: 'org-1',
  name: 'Cổng chính',
  location_code: 'LOC123',
  location_url: 'http://127.0.0.1:8080/check-in/LOC123',
  max_stay_minutes: 240,
  created_at: '2021-10-01T00:00:00Z',
};

/** A recovery request filed by a resident of Linh Xuân, giving both dates: the ward may record the recovery. */
export const recoveryRequest: Schemas['CorrectionView'] = {
  id: 'correction-1',
  person_id: 'person-3',
  person_full_name: 'Lê Thị Hoa',
  person_document_number_masked: '******000103',
  kind: 'recovery',
  routed_to: 'ward',
  ward_code: '26794',
  state: 'open',
  description: 'Đã khỏi bệnh, mã vẫn đen.',
  recovery: { positive_on: '2021-10-01', recovered_on: '2021-10-15', certificate_number: 'LX-2021-0042' },
  history: [{ from_state: null, to_state: 'open', by_account_id: 'account-resident', by_role: 'resident', at: '2021-11-01T01:00:00Z' }],
  created_at: '2021-11-01T01:00:00Z',
  updated_at: '2021-11-01T01:00:00Z',
};

/** An RFC 9457 problem as the API answers one, with the failing fields if any. */
export function problem(status: number, code: string, errors: Schemas['FieldError'][] = []): Schemas['Problem'] {
  return { type: `/problems/${code}`, title: 'Problem', status, detail: `the API says ${code}`, code, errors };
}

export const wardList: Schemas['WardView'][] = [{ code: '26794', name: 'Phường Linh Xuân', district_code: '769' }];
