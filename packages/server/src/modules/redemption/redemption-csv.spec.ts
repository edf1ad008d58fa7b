import { describe, expect, it } from '@jest/globals';
import { csvField, hkDateTime, toCsv } from './redemption-csv.js';

describe('redemption CSV', () => {
  it('quotes fields with commas, quotes and line breaks, and leaves plain ones alone', () => {
    expect(csvField('TKT-ABC')).toBe('TKT-ABC');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('defuses spreadsheet formulas in text', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+86')).toBe("'+86");
    expect(csvField(-5)).toBe('-5');
  });

  it('writes a header and CRLF rows; times in Hong Kong time', () => {
    expect(toCsv(['a', 'b'], [[1, '城巴'], [2, null]])).toBe('a,b\r\n1,城巴\r\n2,\r\n');
    expect(hkDateTime(new Date('2026-11-23T16:30:05Z'))).toBe('2026-11-24 00:30:05');
  });
});
