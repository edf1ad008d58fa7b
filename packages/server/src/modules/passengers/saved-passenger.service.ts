import { PASSENGER_TYPES, type PassengerType } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { requireTraveller } from '../identity/auth.service.js';

/** A saved passenger as stored (the phone unmasked: only the API masks it). */
export interface SavedPassengerRecord {
  id: number;
  travellerId: number;
  name: string;
  passengerType: PassengerType;
  phone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a traveller may set on a saved passenger; `phone: undefined` keeps it, `null` or '' clears it. */
export interface SavedPassengerInput {
  name?: string | null;
  type?: PassengerType | null;
  phone?: string | null;
}

/** A passenger of an order request: inline, or a saved passenger by id. */
export interface PassengerRef {
  name?: string | null;
  type?: PassengerType | null;
  phone?: string | null;
  savedPassengerId?: number | string | null;
}

/** At most this many saved passengers per traveller. */
export const MAX_SAVED_PASSENGERS = 20;
const PHONE_RE = /^\+?[0-9][0-9 -]{4,19}$/;
const COLUMNS = `id, traveller_id AS "travellerId", name, passenger_type AS "passengerType", phone, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Saved passengers (常用旅客): list, add, update, delete, and resolving them for `createOrder`. */
export class SavedPassengerService {
  async list(ctx: RequestContext): Promise<SavedPassengerRecord[]> {
    const travellerId = requireTraveller(ctx.principal);
    return ctx.app.db.query<SavedPassengerRecord>(`SELECT ${COLUMNS} FROM saved_passenger WHERE traveller_id = $1 ORDER BY id`, [travellerId]);
  }

  async add(ctx: RequestContext, input: SavedPassengerInput): Promise<SavedPassengerRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const v = validate(input, true);
    const now = ctx.app.clock.now();
    // One statement: the cap holds even when two adds race.
    const [row] = await ctx.app.db.query<SavedPassengerRecord>(
      `INSERT INTO saved_passenger (traveller_id, name, passenger_type, phone, created_at, updated_at)
       SELECT $1, $2, $3, $4, $5, $5 WHERE (SELECT count(*) FROM saved_passenger WHERE traveller_id = $1) < $6
       RETURNING ${COLUMNS}`,
      [travellerId, v.name, v.type, v.phone ?? null, now, MAX_SAVED_PASSENGERS],
    );
    if (!row) throw new AppError('SAVED_PASSENGER_LIMIT', `At most ${MAX_SAVED_PASSENGERS} saved passengers`, { max: MAX_SAVED_PASSENGERS });
    return row;
  }

  async update(ctx: RequestContext, id: number, input: SavedPassengerInput): Promise<SavedPassengerRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const v = validate(input, false);
    const [row] = await ctx.app.db.query<SavedPassengerRecord>(
      `UPDATE saved_passenger SET name = COALESCE($3, name), passenger_type = COALESCE($4, passenger_type),
              phone = CASE WHEN $5::boolean THEN $6 ELSE phone END, updated_at = $7
        WHERE id = $1 AND traveller_id = $2 RETURNING ${COLUMNS}`,
      [safeId(id), travellerId, v.name ?? null, v.type ?? null, v.phone !== undefined, v.phone ?? null, ctx.app.clock.now()],
    );
    if (!row) throw notFound(id);
    return row;
  }

  /** Deletes one; deleting one already gone is "not found". Orders keep their own copy of the passenger. */
  async remove(ctx: RequestContext, id: number): Promise<boolean> {
    const travellerId = requireTraveller(ctx.principal);
    const rows = await ctx.app.db.query('DELETE FROM saved_passenger WHERE id = $1 AND traveller_id = $2 RETURNING id', [safeId(id), travellerId]);
    if (!rows.length) throw notFound(id);
    return true;
  }

  /**
   * Replaces passengers given by `savedPassengerId` with the saved name, type and phone (the
   * caller's own only), so the order's own validation sees plain passengers.
   */
  async resolveForOrder<T extends PassengerRef>(ctx: RequestContext, passengers: T[] | null | undefined): Promise<T[] | null | undefined> {
    if (!passengers?.some((p) => p.savedPassengerId !== undefined && p.savedPassengerId !== null)) return passengers;
    const travellerId = requireTraveller(ctx.principal);
    const ids = passengers.map((p) => (p.savedPassengerId === undefined || p.savedPassengerId === null ? null : Number(p.savedPassengerId)));
    const wanted = ids.filter((x): x is number => x !== null && Number.isSafeInteger(x));
    const rows = await ctx.app.db.query<SavedPassengerRecord>(
      `SELECT ${COLUMNS} FROM saved_passenger WHERE traveller_id = $1 AND id = ANY($2::int[])`, [travellerId, wanted],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return passengers.map((p, i) => {
      if (ids[i] === null) return p;
      const saved = byId.get(ids[i]!);
      if (!saved) throw new AppError('SAVED_PASSENGER_NOT_FOUND', `Saved passenger ${p.savedPassengerId} not found`, { field: `passengers[${i}].savedPassengerId` });
      return { ...p, name: saved.name, type: saved.passengerType, phone: saved.phone };
    });
  }
}

function safeId(id: number): number {
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}

function notFound(id: number): AppError {
  return new AppError('SAVED_PASSENGER_NOT_FOUND', `Saved passenger ${id} not found`, { id });
}

function validate(input: SavedPassengerInput, creating: boolean): { name?: string; type?: PassengerType; phone?: string | null } {
  const out: { name?: string; type?: PassengerType; phone?: string | null } = {};
  if (creating || (input.name !== undefined && input.name !== null)) {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > 40) throw new AppError('BAD_USER_INPUT', 'A passenger needs a name of at most 40 characters', { field: 'name' });
    out.name = name;
  }
  if (creating || (input.type !== undefined && input.type !== null)) {
    if (!input.type || !PASSENGER_TYPES.includes(input.type)) throw new AppError('BAD_USER_INPUT', 'Passenger type must be ADULT, CHILD or SENIOR', { field: 'type' });
    out.type = input.type;
  }
  if (input.phone !== undefined) {
    const phone = input.phone?.trim() || null;
    if (phone && !PHONE_RE.test(phone)) throw new AppError('BAD_USER_INPUT', 'Phone number is not valid', { field: 'phone' });
    out.phone = phone;
  }
  return out;
}
