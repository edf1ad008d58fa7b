import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { PassengerForm, slotValid, type PassengerSlot } from '../src/components/passenger-form';
import { checkName, checkPhone } from '../src/lib/validate';

function Harness({ initial }: { initial: PassengerSlot }) {
  const [slot, setSlot] = useState(initial);
  return <PassengerForm index={0} slot={slot} onChange={setSlot} />;
}

const empty: PassengerSlot = { type: 'ADULT', name: '', phone: '', savedId: null, touched: false };

describe('passenger form, checked as typed', () => {
  it('says what is wrong with a name or phone while typing, in Chinese', () => {
    render(<Harness initial={empty} />);
    const name = screen.getByTestId('passenger-0-name');
    fireEvent.change(name, { target: { value: '张三3' } });
    expect(screen.getByText('姓名只能包含中文、字母、空格和 ·')).toBeTruthy();
    fireEvent.change(name, { target: { value: '张三' } });
    expect(screen.queryByText('姓名只能包含中文、字母、空格和 ·')).toBeNull();
    fireEvent.change(screen.getByTestId('passenger-0-phone'), { target: { value: '12ab' } });
    expect(screen.getByText('手机号格式不正确')).toBeTruthy();
  });

  it('asks for a name only once the field was left empty', () => {
    render(<Harness initial={empty} />);
    expect(screen.queryByText('请填写姓名')).toBeNull();
    fireEvent.blur(screen.getByTestId('passenger-0-name'));
    expect(screen.getByText('请填写姓名')).toBeTruthy();
  });

  it('shows a saved passenger without inputs, and can switch back to typing', () => {
    render(<Harness initial={{ ...empty, savedId: '7', savedLabel: '陈大文 138****5678' }} />);
    expect(screen.getByText(/陈大文 138\*\*\*\*5678/)).toBeTruthy();
    expect(screen.queryByTestId('passenger-0-name')).toBeNull();
    fireEvent.click(screen.getByText('更换'));
    expect(screen.getByTestId('passenger-0-name')).toBeTruthy();
  });

  it('validates like the server does', () => {
    expect(checkName('Chan Tai Man')).toBeNull();
    expect(checkName('欧阳·娜娜')).toBeNull();
    expect(checkName('   ')).toBe('nameRequired');
    expect(checkName('x'.repeat(41))).toBe('nameTooLong');
    expect(checkPhone('+852 9123 4567')).toBeNull();
    expect(checkPhone('')).toBeNull();
    expect(slotValid({ ...empty, name: '李四' })).toBe(true);
    expect(slotValid({ ...empty, savedId: '1' })).toBe(true);
    expect(slotValid(empty)).toBe(false);
  });
});
