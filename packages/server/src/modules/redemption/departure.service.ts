import { filter, pipe, Repeater } from '@graphql-yoga/subscription';
import { addDays, localDateOf, startOfLocalDate } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { Sql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { recheckStaff, requireStaff } from '../merchants/staff-session.js';

/** A departure (班次) a ferry or bus gate boards, with how many of this merchant's tickets are for it and how many boarded. */
export interface DepartureView {
  tripId: number;
  routeCode: string;
  mode: 'BUS' | 'FERRY';
  originZh: string;
  originEn: string;
  destinationZh: string;
  destinationEn: string;
  departureAt: Date;
  arrivalAt: Date;
  status: string;
  /** Tickets of this trip with a line of this merchant that can still board or did (ACTIVE or REDEEMED). */
  expected: number;
  /** Of those, the tickets with a use of this merchant's line (redemptions are committed facts: no counter to drift). */
  boarded: number;
}

const DEPARTURE_SELECT = `
  SELECT tr.id AS "tripId", r.code AS "routeCode", r.mode, o.name_zh AS "originZh", o.name_en AS "originEn",
         d.name_zh AS "destinationZh", d.name_en AS "destinationEn", tr.departure_at AS "departureAt", tr.arrival_at AS "arrivalAt", tr.status,
         (SELECT count(*) FROM ticket t
           WHERE t.trip_id = tr.id AND t.status IN ('ACTIVE', 'REDEEMED')
             AND EXISTS (SELECT 1 FROM ticket_line l WHERE l.ticket_id = t.id AND l.merchant_id = $1))::int AS expected,
         (SELECT count(*) FROM ticket t
           WHERE t.trip_id = tr.id
             AND EXISTS (SELECT 1 FROM redemption x WHERE x.ticket_id = t.id AND x.merchant_id = $1))::int AS boarded
    FROM trip tr JOIN route r ON r.id = tr.route_id
    JOIN station o ON o.id = r.origin_id JOIN station d ON d.id = r.destination_id`;

/** This merchant boards the trip: it operates the route, or some ticket of the trip has a line it redeems. */
const BOARDS = `(r.operator_id = $1 OR EXISTS (SELECT 1 FROM ticket t JOIN ticket_line l ON l.ticket_id = t.id WHERE t.trip_id = tr.id AND l.merchant_id = $1))`;

/** Most departures one day lists (the demo network has 7–8 per route and day). */
const MAX_DEPARTURES = 300;

/**
 * Departure picking at ferry and bus gates (docs/redemption.md "Departures"): the day's departures of
 * the staff's merchant with expected and boarded counts, one departure by id (checked to be this
 * merchant's), and a live feed of one departure's counts, fed by the merchant's redemption channel.
 */
export class DepartureService {
  /** The departures of a Hong Kong day (default today) this merchant boards, earliest first. */
  async list(ctx: RequestContext, date: string | null): Promise<DepartureView[]> {
    const staff = requireStaff(ctx.principal);
    const day = date ?? localDateOf(ctx.app.clock.now());
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      throw new AppError('BAD_USER_INPUT', 'date: YYYY-MM-DD', { field: 'date' });
    }
    return ctx.app.db.query<DepartureView>(
      `${DEPARTURE_SELECT} WHERE tr.departure_at >= $2 AND tr.departure_at < $3 AND ${BOARDS} ORDER BY tr.departure_at, r.code LIMIT ${MAX_DEPARTURES}`,
      [staff.merchantId, startOfLocalDate(day), startOfLocalDate(addDays(day, 1))],
    );
  }

  /** One departure of this merchant with its counts; TRIP_NOT_FOUND for an unknown trip or another merchant's. */
  async get(ctx: RequestContext, tripId: number, sql: Sql = ctx.app.db): Promise<DepartureView> {
    const staff = requireStaff(ctx.principal);
    const [row] = await sql.query<DepartureView>(`${DEPARTURE_SELECT} WHERE tr.id = $2 AND ${BOARDS}`, [staff.merchantId, tripId]);
    if (!row) throw new AppError('TRIP_NOT_FOUND', 'This merchant boards no such departure', { field: 'tripId' });
    return row;
  }

  /**
   * The departure's counts now, then again after every redemption of one of its tickets by this
   * merchant (any terminal, any instance: the merchant's redemption channel). Counts are re-read
   * from PostgreSQL each time, so concurrent redemptions at several gates never make them drift.
   */
  boardingFeed(ctx: RequestContext, tripId: number): AsyncIterable<DepartureView> {
    const staff = requireStaff(ctx.principal);
    const events = pipe(
      ctx.app.pubsub.subscribe('REDEMPTION_RECORDED', staff.merchantId),
      filter((e: Record<string, unknown>) => e.merchantId === staff.merchantId && Number(e.tripId) === tripId),
    );
    return new Repeater<DepartureView>(async (push, stop) => {
      const it = events[Symbol.asyncIterator]();
      stop.then(() => it.return?.());
      try {
        await push(await this.get(ctx, tripId));
        for (let next = await it.next(); !next.done; next = await it.next()) {
          // The account and terminal are re-checked per event, as the redemption feed does.
          await recheckStaff(ctx.app.db, staff);
          await push(await this.get(ctx, tripId));
        }
        stop();
      } catch (err) {
        stop(err);
      }
    });
  }
}
