import { describe, expect, it, vi } from 'vitest';
import { ClientError } from '@deeptravel/client';
import { fieldErrorText, fieldKey, fieldPath, showApiError } from '../src/app/api-errors';

describe('API errors on form fields', () => {
  it('maps the API field names to form paths and Chinese hints', () => {
    expect(fieldPath('lines[2].uses')).toEqual(['lines', 2, 'uses']);
    expect(fieldKey('tiers[0].feePercent')).toBe('tiers.feePercent');
    expect(fieldErrorText(new ClientError('VALIDATION_FAILED', 'Origin and destination must differ', { field: 'destinationId' }))).toBe('出发地与目的地不能相同');
    expect(fieldErrorText(new ClientError('VALIDATION_FAILED', 'Uses: 1–99', { field: 'lines[3].uses' }))).toBe('次数：1–99');
    // A field without a hint falls back to the shared sentence of the code, never the English text.
    expect(fieldErrorText(new ClientError('VALIDATION_FAILED', 'Something', { field: 'somethingNew' }))).toBe('填写的信息有误，请检查后重试。');
  });

  it('marks the field named by extensions.field', () => {
    const form = { setFields: vi.fn() };
    const marked = showApiError(new ClientError('VALIDATION_FAILED', 'Capacity: 1–5000', { field: 'capacity' }), form as never);
    expect(marked).toBe(true);
    expect(form.setFields).toHaveBeenCalledWith([{ name: ['capacity'], errors: ['座位数不正确，或低于已售加锁定的数量'] }]);
    const mapped = { setFields: vi.fn() };
    showApiError(new ClientError('VALIDATION_FAILED', 'A valid date range is required', { field: 'toDate' }), mapped as never, { toDate: 'range' });
    expect(mapped.setFields).toHaveBeenCalledWith([{ name: ['range'], errors: ['日期范围不正确（最多一年）'] }]);
  });
});
