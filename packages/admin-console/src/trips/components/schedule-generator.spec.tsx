import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { previewSchedule } from './schedule';
import { ScheduleGenerator } from './schedule-generator';

describe('schedule generator preview', () => {
  it('counts times × matching weekdays over the range, as the server generates them', () => {
    // 2026-05-11 is a Monday; two weeks, weekdays only, two times.
    const p = previewSchedule({ fromDate: '2026-05-11', toDate: '2026-05-24', times: ['15:30', '08:30'], weekdays: [1, 2, 3, 4, 5] });
    expect(p).toMatchObject({ count: 20, days: 10, problem: null });
    expect(p.sample.slice(0, 3)).toEqual(['2026-05-11 周一 08:30', '2026-05-11 周一 15:30', '2026-05-12 周二 08:30']);
    expect(previewSchedule({ fromDate: '2026-05-16', toDate: '2026-05-17', times: ['09:00'], weekdays: [] }).count).toBe(2); // empty = every day
    expect(previewSchedule({ fromDate: '2026-05-16', toDate: '2026-05-17', times: ['09:00', '09:00'], weekdays: [6] }).count).toBe(1);
  });

  it('refuses what the server refuses, in words', () => {
    expect(previewSchedule({ fromDate: '2026-05-12', toDate: '2026-05-11', times: ['08:30'], weekdays: [] }).problem).toBe('结束日期不能早于开始日期');
    expect(previewSchedule({ fromDate: '2026-01-01', toDate: '2027-01-03', times: ['08:30'], weekdays: [] }).problem).toBe('一次最多生成一年的班次');
    expect(previewSchedule({ fromDate: '2026-05-11', toDate: '2026-05-12', times: ['8:30'], weekdays: [] }).problem).toContain('格式不对');
    expect(previewSchedule({ fromDate: '2026-05-11', toDate: '2026-05-12', times: ['24:00'], weekdays: [] }).problem).toContain('格式不对');
    expect(previewSchedule({ fromDate: '2026-05-11', toDate: '2026-05-12', times: ['08:30'], weekdays: [6, 7] }).problem).toBe('所选日期范围内没有符合的星期');
  });

  it('the form previews as you type and disables sending a bad schedule', () => {
    render(<ScheduleGenerator routeOptions={[{ value: '1', label: 'SK-SKP' }]} defaultRouteId="1" onGenerated={vi.fn()} />);
    // Defaults: today + 13 days (14 days), every weekday, 08:30.
    expect(screen.getByTestId('schedule-preview').textContent).toContain('将生成 14 个班次（14 天 × 1 个时间）');
    const times = screen.getByPlaceholderText('08:30, 15:30') as HTMLInputElement;
    fireEvent.change(times, { target: { value: '08:30, 15:30' } });
    expect(screen.getByTestId('schedule-preview').textContent).toContain('将生成 28 个班次（14 天 × 2 个时间）');
    // Unticking the weekend: any 14 days in a row hold exactly 10 weekdays.
    fireEvent.click(screen.getByLabelText('周六'));
    fireEvent.click(screen.getByLabelText('周日'));
    expect(screen.getByTestId('schedule-preview').textContent).toContain('将生成 20 个班次（10 天 × 2 个时间）');
    expect((screen.getByTestId('schedule-submit') as HTMLButtonElement).disabled).toBe(false);
    fireEvent.change(times, { target: { value: '08:30，7:5' } });
    expect(screen.getByTestId('schedule-preview').textContent).toContain('发车时间「7:5」格式不对');
    expect((screen.getByTestId('schedule-submit') as HTMLButtonElement).disabled).toBe(true);
  });
});
