import type { Scenario } from '../lib/scenario.js';
import { connections } from './connections.js';
import { fanout } from './fanout.js';
import { history } from './history.js';
import { login } from './login.js';
import { pages } from './pages.js';
import { smallRooms } from './small-rooms.js';

/** Every scenario, in the order `npm run bench` runs them. */
export const scenarios: Scenario[] = [connections, fanout, smallRooms, history, pages, login];
