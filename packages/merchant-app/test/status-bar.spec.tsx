import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectivity } from '../src/api/connectivity';
import { deviceStore, sessionStore } from '../src/api/device';
import { offlineStore } from '../src/api/offline';
import { StatusBar } from '../src/components/status-bar';

describe('the status bar', () => {
  it('always shows the terminal, who is on it, online or offline, the data age and the queue', () => {
    deviceStore.set({ terminalId: '3', terminalCode: 'TURBOJET-T1', terminalName: '1号终端', merchantId: '2', merchantName: '喷射飞航', terminalKey: 'k', publicKeys: [], enrolledAt: 0 });
    sessionStore.set({ token: 't', expiresAt: Date.now() + 1e6, staff: { staffId: '5', username: 'turbojet-staff', displayName: '核销员甲', role: 'STAFF', merchantId: '2', merchantCode: 'TURBOJET', merchantName: '喷射飞航', merchantKind: 'FERRY_OPERATOR', terminalId: '3', terminalCode: 'TURBOJET-T1', terminalName: '1号终端' } });
    render(<StatusBar nav />);
    expect(screen.getByTestId('status-terminal').textContent).toBe('TURBOJET-T1');
    expect(screen.getByTestId('status-staff').textContent).toBe('核销员：turbojet-staff');
    expect(screen.getByTestId('net-state').textContent).toBe('在线');
    expect(screen.queryByTestId('nav-manage')).toBeNull();
    act(() => {
      connectivity.set({ online: false, lastOnlineAt: null, offsetKnown: false });
      offlineStore.set((d) => ({ ...d, fetchedAt: Date.now() - 5 * 60_000, queue: [{} as never, {} as never], refusals: [{} as never] }));
    });
    expect(screen.getByTestId('net-state').textContent).toBe('离线模式');
    expect(screen.getByTestId('data-age').textContent).toBe('离线数据：5 分钟前');
    expect(screen.getByTestId('queue-size').textContent).toBe('待上传 3');
  });
});
