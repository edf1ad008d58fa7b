import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { WedgeInput } from '../src/components/wedge-input';
import { classifyInput } from '../src/lib/verdict';

describe('the keyboard-wedge input', () => {
  it('passes what a scanner typed on Enter, once, and clears for the next scan', () => {
    const onScan = vi.fn();
    render(<WedgeInput onScan={onScan} />);
    const input = screen.getByTestId('wedge-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'DT1.abc.def.ghi' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onScan).toHaveBeenCalledTimes(1);
    expect(onScan).toHaveBeenCalledWith('DT1.abc.def.ghi');
    expect(input.value).toBe('');
  });

  it('tells a QR token, a typed ticket code and an enrolment code apart', () => {
    expect(classifyInput(' DT1.a.b.c ')).toEqual({ kind: 'qr', value: 'DT1.a.b.c' });
    expect(classifyInput('tkt-abcd234567')).toEqual({ kind: 'ticket', value: 'TKT-ABCD234567' });
    expect(classifyInput('DTE1.ABCD-EFGH-JKMN').kind).toBe('enrol');
    expect(classifyInput('   ').kind).toBe('junk');
  });
});
