import { hotTrip } from './hot-trip.js';
import { notify } from './notify.js';
import { ordersSustained } from './orders-sustained.js';
import { redemption } from './redemption.js';
import { search, workersScenario } from './search.js';
import type { Scenario } from './types.js';

/**
 * Every scenario, in the order `pnpm bench` runs them when none is named. To add one: write
 * `scenarios/<name>.ts` exporting a Scenario (see hot-trip.ts; lib/ has the server process, the
 * database, the load generator with burst / closed-loop / fixed-rate modes, and the statistics),
 * and list it here.
 */
export const SCENARIOS: Scenario[] = [hotTrip, search, ordersSustained, notify, redemption, workersScenario];
