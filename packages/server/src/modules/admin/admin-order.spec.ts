import { describe, expect, it } from '@jest/globals';
import { detectOrderSearchKind } from './admin-order.service.js';

describe('detectOrderSearchKind', () => {
  it('tells an order number, a ticket code and a WeChat transaction id from a traveller', () => {
    expect(detectOrderSearchKind('DT2611241234567890')).toBe('ORDER_NO');
    expect(detectOrderSearchKind(' dt2611241234567890 ')).toBe('ORDER_NO');
    expect(detectOrderSearchKind('TKT-ABCD2345EF')).toBe('TICKET_CODE');
    expect(detectOrderSearchKind('tkt-abcd2345ef')).toBe('TICKET_CODE');
    expect(detectOrderSearchKind('4200002546037931600000000001')).toBe('TRANSACTION_ID');
    expect(detectOrderSearchKind('13800138000')).toBe('TRAVELLER'); // a phone: 11 digits
    expect(detectOrderSearchKind('oAbc-openid_123')).toBe('TRAVELLER');
    expect(detectOrderSearchKind('海风小陈')).toBe('TRAVELLER');
  });
});
